"""Economic appraisal arithmetic: net present value (discounting) and payback.

HM Treasury Green Book conventions: the first year is year 0 and is not
discounted. Nothing here knows about children, costs or chapters: each
function takes a yearly series of money in year order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def npv(net: pd.Series | list, rate: float) -> float:
    """Net present value, Green Book convention: the first year is year 0, undiscounted.

    ``sum over t = 1..N of net_t / (1 + rate)^(t - 1)``, with ``net`` in year order.
    """
    values = np.asarray(net, dtype=float)
    return float(np.sum(values / (1.0 + rate) ** np.arange(len(values))))


def payback(net: pd.Series | list, investment: pd.Series | list | None = None) -> float | None:
    """Years until the cumulative position turns positive for good; None if it is not positive at the end.

    Each year's ``investment`` is paid at the start of the year and its saving
    (``net + investment``) accrues evenly through it, so within year ``t`` the
    position runs from ``C_{t-1} - I_t`` to ``C_t`` (``C_0 = 0``). The result is
    the last point where it crosses from zero or below to above zero,
    interpolated within that year. Without ``investment`` the position moves
    linearly from ``C_{t-1}`` to ``C_t``, so a scenario in surplus from its
    first year pays back at 0.
    """
    values = np.asarray(net, dtype=float)
    if len(values) == 0:
        return None
    inv = np.zeros_like(values) if investment is None else np.asarray(investment, dtype=float)
    saving = values + inv
    end = np.cumsum(values)
    if end[-1] <= 0:
        return None
    low = np.concatenate([[0.0], end[:-1]]) - inv  # just after paying the year's investment
    below = np.flatnonzero((low < 0) | (end <= 0))
    if len(below) == 0:
        return 0.0
    t = int(below[-1])
    if end[t] <= 0:  # reaches exactly zero at the year's end; the next year starts at zero with nothing to pay
        return float(t + 1)
    return float(t + (-low[t]) / saving[t])
