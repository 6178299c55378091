"""Rates and funnel-plot control limits.

The funnel plot compares every local authority's rate of children looked after
with a target rate (England's), allowing for the size of its child population
(Spiegelhalter 2005, *Statistics in Medicine* 24:1185-1202). Control limits are
Poisson *prediction* limits around the expected count ``E = target x
population``, with the interpolation Spiegelhalter gives for a discrete
distribution, so the limits are smooth in the population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

#: Rates are per 10,000 children aged 0 to 17, as DfE publishes them.
PER = 10_000

#: The two control limits drawn on every funnel plot.
LIMITS = (0.95, 0.998)

#: Funnel positions, from highest to lowest.
POSITIONS = (
    "above 99.8% limit",
    "above 95% limit",
    "within limits",
    "below 95% limit",
    "below 99.8% limit",
)


def rate(count, population, per: int = PER):
    """Rate per ``per`` children: ``count / population * per``.

    Works on scalars or arrays; a zero or missing population gives NaN, never a
    division error.
    """
    count = np.asarray(count, dtype=float)
    population = np.asarray(population, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(population > 0, count / np.where(population > 0, population, 1) * per, np.nan)
    return out.item() if out.ndim == 0 else out


def poisson_limit(expected, p: float):
    """Spiegelhalter's interpolated Poisson quantile: the ``p`` control limit on a count.

    For a Poisson count with mean ``expected``, let ``y`` be the ``p`` quantile
    (the smallest ``y`` with ``F(y) >= p``). The limit is
    ``y - a`` with ``a = (F(y) - p) / (F(y) - F(y - 1))``, which makes the
    limit continuous in ``expected`` (Spiegelhalter 2005, appendix A.1.1).

    Parameters
    ----------
    expected:
        Expected count(s), ``target rate x population``.
    p:
        Probability, for example 0.975 for the upper 95% limit, 0.025 for the lower.
    """
    lam = np.asarray(expected, dtype=float)
    y = _st.poisson.ppf(p, lam)
    f_y = _st.poisson.cdf(y, lam)
    f_below = _st.poisson.cdf(y - 1, lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(f_y > f_below, (f_y - p) / (f_y - f_below), 0.0)
    out = np.maximum(y - a, 0.0)
    return out.item() if out.ndim == 0 else out


def control_limits(target_rate: float, population, level: float, per: int = PER):
    """Lower and upper control limits, as rates, for a two-sided ``level`` (0.95 or 0.998).

    Returns
    -------
    (lower, upper):
        Rates per ``per`` at each population.
    """
    population = np.asarray(population, dtype=float)
    expected = target_rate / per * population
    tail = (1 - level) / 2
    lower = rate(poisson_limit(expected, tail), population, per)
    upper = rate(poisson_limit(expected, 1 - tail), population, per)
    return lower, upper


def funnel_position(count: float, population: float, target_rate: float, per: int = PER) -> str:
    """Where an authority's rate sits on the funnel around ``target_rate``.

    Returns one of :data:`POSITIONS`. A count exactly on a limit counts as
    within it.
    """
    observed = rate(count, population, per)
    for level, label in ((0.998, "99.8%"), (0.95, "95%")):
        lower, upper = control_limits(target_rate, population, level, per)
        if observed > upper:
            return f"above {label} limit"
        if observed < lower:
            return f"below {label} limit"
    return "within limits"


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's overdispersion check on a set of rates.

    ``phi`` is the mean squared z-score (1 means rates vary only as much as
    chance would make them); ``n`` the number of authorities.
    """

    phi: float
    n: int

    @property
    def overdispersed(self) -> bool:
        """True when rates vary much more than chance alone (phi above the 99.8% point of chi-squared/n)."""
        return self.phi > _st.chi2.ppf(0.998, self.n) / self.n


def overdispersion(counts, populations, target_rate: float, per: int = PER) -> Overdispersion:
    """Overdispersion factor of counts around ``target_rate`` (Poisson z-scores)."""
    counts = np.asarray(counts, dtype=float)
    populations = np.asarray(populations, dtype=float)
    expected = target_rate / per * populations
    keep = expected > 0
    z = (counts[keep] - expected[keep]) / np.sqrt(expected[keep])
    return Overdispersion(phi=float(np.mean(z**2)), n=int(keep.sum()))


# --------------------------------------------------------------------------- exact tests of counts


def binomial_p(successes: int, trials: int, proportion: float) -> float:
    """Two-sided exact binomial test: the p-value of ``successes`` in ``trials`` against ``proportion``.

    ``proportion`` is clipped to [0, 1]; ``trials`` must be positive.
    """
    if trials <= 0:
        raise ValueError("a binomial test needs a positive number of trials")
    return float(_st.binomtest(int(successes), int(trials), min(max(proportion, 0.0), 1.0)).pvalue)


def poisson_counts_p(first: int, second: int) -> float:
    """Two-sided conditional binomial test that two Poisson counts (equal exposure) have the same mean.

    Given the total ``first + second``, ``first`` is binomial with probability
    one half when the means are equal. Two zero counts give 1.
    """
    total = int(first) + int(second)
    return float(_st.binomtest(int(first), total, 0.5).pvalue) if total > 0 else 1.0


def fisher_p(first_yes: int, first_total: int, second_yes: int, second_total: int) -> float:
    """Two-sided Fisher's exact test that two groups have the same share of "yes" (``yes`` of ``total`` each)."""
    table = [
        [int(first_yes), int(first_total - first_yes)],
        [int(second_yes), int(second_total - second_yes)],
    ]
    return float(_st.fisher_exact(table)[1])
