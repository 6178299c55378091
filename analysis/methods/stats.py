"""Rates, funnel-plot control limits (plain and allowing for overdispersion) and exact tests.

The funnel plot compares every local authority's rate of children looked after
with a target rate (England's), allowing for the size of its child population
(Spiegelhalter 2005, "Funnel plots for comparing institutional performance",
*Statistics in Medicine* 24:1185-1202). Plain control limits are Poisson
*prediction* limits around the expected count ``E = target x population``, with
the interpolation Spiegelhalter gives for a discrete distribution, so the
limits are smooth in the population.

Authorities' rates vary far more than chance alone would make them
(overdispersion). Spiegelhalter's random-effects method then applies
(section 5.3 of the paper, and his "Handling over-dispersion of performance
indicators", *Quality and Safety in Health Care* 2005 14:347-351):

1. each authority's estimate goes on a variance-stabilising scale, where its
   standard error depends only on its size: the square root of a rate
   (``s = 1 / (2 sqrt(n))``), the arcsine of the square root of a share (the
   same ``s``), or the logarithm of a ratio of two counts
   (``s^2 = 1/a + 1/b``);
2. the z-scores ``z = (y - target) / s`` are winsorised, 10% in each tail
   (:data:`WINSOR`), so that a few extreme authorities do not inflate the
   estimate, and the overdispersion factor is their mean square,
   ``phi = mean(z_w^2)`` (1 when rates vary only by chance);
3. when ``I phi`` exceeds the 95% point of chi-squared on ``I`` degrees of
   freedom (:attr:`Overdispersion.overdispersed`), an additive between-authority
   variance is estimated by DerSimonian and Laird's method,
   ``tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w)`` with ``w = 1/s^2``
   (0 when negative), and every limit and z-score uses ``sqrt(s^2 + tau^2)``
   in place of ``s``.

Winsorising 10% in each tail shrinks the mean square of normal z-scores to
about 0.68 of their variance, so ``phi`` as Spiegelhalter (and NHS England's
SHMI, and the R package FunnelPlotR) compute it understates the spread and
the limits come out too narrow: on data simulated from the random-effects
model itself about 11% of authorities, not 5%, fall outside the 95% limits.
:func:`random_effects` therefore divides the winsorised mean square by the
same statistic's value for a standard normal (:func:`winsor_consistency`),
which makes ``phi`` a consistent estimate when the z-scores are normal
(``consistent=False`` gives Spiegelhalter's uncorrected figure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

#: Rates are per 10,000 children aged 0 to 17, as DfE publishes them.
PER = 10_000

#: The two control limits drawn on every funnel plot.
LIMITS = (0.95, 0.998)


def _label(level: float) -> str:
    """A limit's level as printed: 0.95 -> "95%", 0.998 -> "99.8%"."""
    return f"{100 * level:g}%"


#: Share of z-scores winsorised in each tail when estimating overdispersion (Spiegelhalter 2005).
WINSOR = 0.10

#: Overdispersion is declared when ``I phi`` exceeds this quantile of chi-squared on ``I`` degrees of freedom.
OVERDISPERSION_LEVEL = 0.95

#: The alternatives a test may take: the claim's direction, or either.
ALTERNATIVES = ("greater", "less", "two-sided")

#: Funnel positions, from highest to lowest.
POSITIONS = (
    f"above {_label(max(LIMITS))} limit",
    f"above {_label(min(LIMITS))} limit",
    "within limits",
    f"below {_label(min(LIMITS))} limit",
    f"below {_label(max(LIMITS))} limit",
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


def control_limits(target_rate: float, population, level: float, per: int = PER, od: Overdispersion | None = None):
    """Lower and upper control limits, as rates, for a two-sided ``level`` (0.95 or 0.998).

    Plain Poisson limits; when ``od`` is given and overdispersed, Spiegelhalter's
    random-effects limits (:func:`adjusted_rate_limits`).

    Returns
    -------
    (lower, upper):
        Rates per ``per`` at each population.
    """
    if od is not None and od.overdispersed:
        return adjusted_rate_limits(target_rate, population, level, od, per)
    population = np.asarray(population, dtype=float)
    expected = target_rate / per * population
    tail = (1 - level) / 2
    lower = rate(poisson_limit(expected, tail), population, per)
    upper = rate(poisson_limit(expected, 1 - tail), population, per)
    return lower, upper


def funnel_position(
    count: float, population: float, target_rate: float, per: int = PER, od: Overdispersion | None = None
) -> str:
    """Where an authority's rate sits on the funnel around ``target_rate``.

    Against the plain Poisson limits, or Spiegelhalter's random-effects limits
    when ``od`` is given and overdispersed. Returns one of :data:`POSITIONS`.
    A rate exactly on a limit counts as within it.
    """
    observed = rate(count, population, per)
    for level in sorted(LIMITS, reverse=True):
        lower, upper = control_limits(target_rate, population, level, per, od)
        label = _label(level)
        if observed > upper:
            return f"above {label} limit"
        if observed < lower:
            return f"below {label} limit"
    return "within limits"


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's overdispersion estimate for a set of authorities on one scale.

    Attributes
    ----------
    phi : float
        Overdispersion factor: the (winsorised, consistency-corrected) mean
        squared z-score; 1 means estimates vary only as much as chance would make them.
    n : int
        Number of authorities.
    tau2 : float
        Additive between-authority variance on the variance-stabilising scale
        (DerSimonian-Laird); 0 when not overdispersed.
    """

    phi: float
    n: int
    tau2: float = 0.0

    @property
    def overdispersed(self) -> bool:
        """True when ``n phi`` exceeds the :data:`OVERDISPERSION_LEVEL` point of chi-squared on ``n`` d.f."""
        return self.n > 0 and self.n * self.phi > _st.chi2.ppf(OVERDISPERSION_LEVEL, self.n)

    @property
    def tau(self) -> float:
        """Between-authority standard deviation on the variance-stabilising scale."""
        return float(np.sqrt(self.tau2))

    def spread(self, se):
        """Standard error(s) ``se`` widened by the between-authority variance when overdispersed."""
        se = np.asarray(se, dtype=float)
        return np.sqrt(se**2 + (self.tau2 if self.overdispersed else 0.0))


def winsor_consistency(winsor: float = WINSOR) -> float:
    """Mean square of a standard normal winsorised at ``winsor`` in each tail (0.6787 at 10%).

    With ``a`` the upper ``winsor`` quantile, the winsorised second moment is
    ``(1 - 2 winsor) - 2 a pdf(a) + 2 winsor a^2``.
    """
    if winsor <= 0:
        return 1.0
    a = _st.norm.ppf(1 - winsor)
    return float((1 - 2 * winsor) - 2 * a * _st.norm.pdf(a) + 2 * winsor * a * a)


def random_effects(estimates, standard_errors, target: float, winsor: float = WINSOR, consistent: bool = True):
    """Overdispersion and between-authority variance of ``estimates`` around ``target`` (one scale).

    Parameters
    ----------
    estimates, standard_errors:
        Each authority's estimate and its standard error on a variance-stabilising
        scale (see the module docstring); entries with a non-finite value or a
        non-positive standard error are left out.
    target:
        The target on the same scale.
    winsor:
        Share winsorised in each tail (percentiles by linear interpolation, as numpy's).
    consistent:
        Divide the winsorised mean square by :func:`winsor_consistency` (default);
        ``False`` gives Spiegelhalter's uncorrected ``phi``.

    Returns
    -------
    Overdispersion
    """
    y = np.asarray(estimates, dtype=float)
    s = np.asarray(standard_errors, dtype=float)
    keep = np.isfinite(y) & np.isfinite(s) & (s > 0)
    y, s = y[keep], s[keep]
    n = int(y.size)
    if n == 0:
        return Overdispersion(phi=float("nan"), n=0)
    z = (y - target) / s
    low, high = np.percentile(z, [100 * winsor, 100 * (1 - winsor)])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    if consistent and winsor > 0:
        phi /= winsor_consistency(winsor)
    w = 1.0 / s**2
    tau2 = max(0.0, (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    od = Overdispersion(phi=phi, n=n, tau2=tau2)
    return od if od.overdispersed else Overdispersion(phi=phi, n=n, tau2=0.0)


def rate_scale(counts, populations, target_rate: float, per: int = PER):
    """Rates on the square-root scale: ``(sqrt(count / n), 1 / (2 sqrt(n)), sqrt(target / per))``."""
    counts = np.asarray(counts, dtype=float)
    n = np.asarray(populations, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.sqrt(np.where(n > 0, counts / np.where(n > 0, n, 1), np.nan))
        s = np.where(n > 0, 0.5 / np.sqrt(np.where(n > 0, n, 1)), np.nan)
    return y, s, float(np.sqrt(target_rate / per))


def share_scale(successes, totals, target_share: float):
    """Shares on the arcsine-square-root scale: ``(asin(sqrt(p)), 1 / (2 sqrt(n)), asin(sqrt(target)))``."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.clip(np.where(n > 0, k / np.where(n > 0, n, 1), np.nan), 0.0, 1.0)
        s = np.where(n > 0, 0.5 / np.sqrt(np.where(n > 0, n, 1)), np.nan)
    return np.arcsin(np.sqrt(p)), s, float(np.arcsin(np.sqrt(min(max(target_share, 0.0), 1.0))))


def ratio_scale(after, before):
    """Ratios of two counts on the log scale: ``(log(after / before), sqrt(1/after + 1/before))``.

    A zero or missing count gives NaN (the authority is left out).
    """
    a = np.asarray(after, dtype=float)
    b = np.asarray(before, dtype=float)
    ok = (a > 0) & (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(ok, np.log(np.where(ok, a, 1) / np.where(ok, b, 1)), np.nan)
        s = np.where(ok, np.sqrt(1 / np.where(ok, a, 1) + 1 / np.where(ok, b, 1)), np.nan)
    return y, s


def overdispersion(counts, populations, target_rate: float, per: int = PER, **kwargs) -> Overdispersion:
    """:func:`random_effects` of rates (``counts`` per ``populations``) around ``target_rate`` (square-root scale)."""
    y, s, t = rate_scale(counts, populations, target_rate, per)
    return random_effects(y, s, t, **kwargs)


def share_overdispersion(successes, totals, target_share: float, **kwargs) -> Overdispersion:
    """:func:`random_effects` of shares (``successes`` of ``totals``) around ``target_share`` (arcsine scale)."""
    y, s, t = share_scale(successes, totals, target_share)
    return random_effects(y, s, t, **kwargs)


def adjusted_rate_limits(target_rate: float, population, level: float, od: Overdispersion, per: int = PER):
    """Lower and upper limits, as rates, widened by ``od``'s between-authority variance (square-root scale)."""
    _, s, t = rate_scale(np.zeros_like(np.asarray(population, dtype=float)), population, target_rate, per)
    half = _st.norm.ppf(1 - (1 - level) / 2) * od.spread(s)
    return np.maximum(t - half, 0.0) ** 2 * per, (t + half) ** 2 * per


@dataclass(frozen=True)
class Test:
    """A test's result.

    Attributes
    ----------
    p : float
        p-value for ``alternative``.
    z : float
        The z-score on the variance-stabilising scale (allowing for overdispersion
        when ``adjusted``); NaN for an exact test.
    alternative : str
        One of :data:`ALTERNATIVES`.
    adjusted : bool
        True when the between-authority variance was allowed for.
    """

    p: float
    z: float
    alternative: str
    adjusted: bool

    def direction(self, alpha: float) -> str:
        """``"higher"``, ``"lower"`` or ``"in line"``: significant at ``alpha`` in the sign of the estimate."""
        if not self.p < alpha:
            return "in line"
        if self.alternative == "greater":
            return "higher"
        if self.alternative == "less":
            return "lower"
        return "higher" if self.z > 0 else "lower"


def _check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, not {alternative!r}")


def _z_test(z: float, alternative: str) -> float:
    if alternative == "greater":
        return float(_st.norm.sf(z))
    if alternative == "less":
        return float(_st.norm.cdf(z))
    return float(2 * _st.norm.sf(abs(z)))


def rate_test(
    count: float,
    population: float,
    target_rate: float,
    od: Overdispersion | None = None,
    *,
    alternative: str,
    per: int = PER,
) -> Test:
    """Test one authority's rate against ``target_rate``.

    When ``od`` is given and overdispersed, a z-test on the square-root scale
    with the between-authority variance added (Spiegelhalter's random-effects
    limits); otherwise the exact Poisson test of ``count`` against
    ``E = target x population`` (one-sided tail, or twice the smaller tail).
    The sign of ``z`` (for either) says whether the rate is above the target.
    """
    _check_alternative(alternative)
    y, s, t = rate_scale(count, population, target_rate, per)
    y, s = float(y), float(s)
    if od is not None and od.overdispersed:
        z = (y - t) / float(od.spread(s))
        return Test(p=_z_test(z, alternative), z=z, alternative=alternative, adjusted=True)
    expected = target_rate / per * population
    upper = float(_st.poisson.sf(count - 1, expected))  # P(Y >= count)
    lower = float(_st.poisson.cdf(count, expected))  # P(Y <= count)
    p = {"greater": upper, "less": lower, "two-sided": min(1.0, 2 * min(upper, lower))}[alternative]
    return Test(p=p, z=(y - t) / s, alternative=alternative, adjusted=False)


def share_test(
    successes: float, total: float, target_share: float, od: Overdispersion | None = None, *, alternative: str
) -> Test:
    """Test one authority's share (``successes`` of ``total``) against ``target_share``.

    When ``od`` is given and overdispersed, a z-test on the arcsine-square-root
    scale with the between-authority variance added; otherwise the exact
    binomial test.
    """
    _check_alternative(alternative)
    k, n = int(round(successes)), int(round(total))
    if n <= 0:
        raise ValueError("a share needs a positive total")
    y, s, t = share_scale(k, n, target_share)
    y, s = float(y), float(s)
    if od is not None and od.overdispersed:
        z = (y - t) / float(od.spread(s))
        return Test(p=_z_test(z, alternative), z=z, alternative=alternative, adjusted=True)
    p = float(_st.binomtest(k, n, min(max(target_share, 0.0), 1.0), alternative=alternative).pvalue)
    return Test(p=p, z=(y - t) / s, alternative=alternative, adjusted=False)


def difference_test(
    estimate: float,
    se: float,
    reference: float,
    reference_var: float,
    od: Overdispersion | None = None,
    *,
    alternative: str,
) -> Test:
    """z-test of ``estimate`` (standard error ``se``) against ``reference`` (variance ``reference_var``).

    ``od``'s between-authority variance, when overdispersed, is added to the
    estimate's variance (the reference's variance should already include it,
    for example the mean of neighbours' estimates: ``sum(s_j^2 + tau^2) / k^2``).
    """
    _check_alternative(alternative)
    var = float(od.spread(se)) ** 2 if od is not None else se**2
    z = (estimate - reference) / float(np.sqrt(var + reference_var))
    return Test(
        p=_z_test(z, alternative), z=z, alternative=alternative, adjusted=bool(od is not None and od.overdispersed)
    )


# --------------------------------------------------------------------------- exact tests of counts


def binomial_p(successes: int, trials: int, proportion: float) -> float:
    """Two-sided exact binomial test: the p-value of ``successes`` in ``trials`` against ``proportion``.

    ``proportion`` is clipped to [0, 1]; ``trials`` must be positive.
    """
    if trials <= 0:
        raise ValueError("a binomial test needs a positive number of trials")
    return float(_st.binomtest(int(successes), int(trials), min(max(proportion, 0.0), 1.0)).pvalue)


def poisson_counts_p(first: int, second: int, alternative: str = "two-sided") -> float:
    """Conditional binomial test that two Poisson counts (equal exposure) have the same mean.

    Given the total ``first + second``, ``first`` is binomial with probability
    one half when the means are equal. ``alternative`` "greater" tests that the
    first mean is larger. Two zero counts give 1.
    """
    _check_alternative(alternative)
    total = int(first) + int(second)
    return float(_st.binomtest(int(first), total, 0.5, alternative=alternative).pvalue) if total > 0 else 1.0


def fisher_p(
    first_yes: int, first_total: int, second_yes: int, second_total: int, alternative: str = "two-sided"
) -> float:
    """Fisher's exact test that two groups have the same share of "yes" (``yes`` of ``total`` each).

    ``alternative`` "greater" tests that the first group's share is larger.
    """
    _check_alternative(alternative)
    table = [
        [int(first_yes), int(first_total - first_yes)],
        [int(second_yes), int(second_total - second_yes)],
    ]
    return float(_st.fisher_exact(table, alternative=alternative)[1])
