"""Forecasting children looked after: a stock-and-flow model, an exponential-smoothing cross-check, a back test.

The forecast follows the children's social care demand model (see
``../shared/reference/ssda903-and-measures.md`` §3.3 and §4.3) on an annual
step. Each child looked after on 31 March is in one **state**: an age band
(DfE's, :data:`analysis.sources.ssda903.episodes.AGE_BANDS`) and a placement category
(:data:`analysis.sources.ssda903.spec.PLACEMENT_CATEGORIES`). From one 31 March to the
next a child either is still looked after, in some state (ageing happens
naturally: a 15-year-old in "10 to 15" may be in "16 and over" a year later),
or has left care, to **permanence** (adoption, special guardianship, a child
arrangements order or a return home: :data:`analysis.sources.ssda903.spec.PERMANENCE_GROUPS`)
or **another way** (including turning 18). Children who were not looked
after on the first 31 March but are on the second are **entries**.

:func:`fit` learns those probabilities and entry numbers from the child-level
data (the episode model's ``prepared`` table); :func:`project` gives the
expected number of children in each state in later years; :func:`simulate`
adds chance and parameter uncertainty for a prediction interval;
:func:`with_faster_permanence` is the "time to permanence cut" scenario the
business case uses. :func:`ets_forecast` is the cross-check, exponential
smoothing on DfE's published annual counts, and :func:`backtest` tests both
on years whose outcome is known.

Children whose age is unknown (no date of birth) cannot be placed in an age
band: they are left out of the model, and :attr:`Model.unknown_age` says how
many there were on 31 March of the base year.

Modules: :mod:`~analysis.methods.forecasting.markov` (the model),
:mod:`~analysis.methods.forecasting.ets` (the trend) and
:mod:`~analysis.methods.forecasting.backtest`. Nothing here knows about
chapters or the report.
"""

from analysis.methods.forecasting.backtest import Backtest, backtest, inside, mape
from analysis.methods.forecasting.ets import MIN_ETS_YEARS, RELIABLE_ETS_YEARS, EtsResult, ets_forecast
from analysis.methods.forecasting.markov import (
    AGE_BANDS,
    CATEGORIES,
    EXITS,
    STATES,
    Model,
    check_interval,
    fit,
    from_arrays,
    project,
    simulate,
    snapshot,
    with_faster_permanence,
)

__all__ = [
    "AGE_BANDS",
    "CATEGORIES",
    "EXITS",
    "MIN_ETS_YEARS",
    "RELIABLE_ETS_YEARS",
    "STATES",
    "Backtest",
    "EtsResult",
    "Model",
    "backtest",
    "check_interval",
    "ets_forecast",
    "fit",
    "from_arrays",
    "inside",
    "mape",
    "project",
    "simulate",
    "snapshot",
    "with_faster_permanence",
]
