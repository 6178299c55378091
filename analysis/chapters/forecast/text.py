"""The forecast chapter's prose and key figures, generated from an :class:`~analysis.chapters.forecast.compute.Outlook`."""

from __future__ import annotations

from analysis.chapters.forecast.compute import (
    AGE_BANDS,
    ALL_AGES,
    CATEGORIES,
    NOT_AVAILABLE,
    SUPPRESSED,
    Outlook,
    ets_at,
    headline,
    later_inside,
    path_word,
    safe,
)
from analysis.chapters.forecast.tables import flows_table
from analysis.report import text


def how_many(n) -> str:
    """ "12 children", or "Between 1 and 5 children" when the count is suppressed."""
    v = safe(n)
    return "Between 1 and 5 children" if v == SUPPRESSED else text.count(v, "child" if v == 1 else "children")


def about(h: dict, level: str = "", *, bold: bool = False) -> str:
    """ "about **731** children (between 659 and 803, a 95% prediction interval)", or a note that it is small."""
    if not all(text.is_number(h[k]) for k in ("mean", "lower", "upper")):
        return "a handful of children (fewer than 6 or too close to it to show: small numbers are suppressed)"
    mean = f"**{text.number(h['mean'])}**" if bold else text.number(h["mean"])
    what = f", a {level} prediction interval" if level else ""
    return f"about {mean} children (between {text.number(h['lower'])} and {text.number(h['upper'])}{what})"


def _headline_finding(o: Outlook) -> str:
    h = headline(o)
    end = headline(o, o.year + o.horizon)
    start = safe(o.model.start.sum())
    if text.is_number(h["mean"]) and text.is_number(start):
        diff = h["mean"] - start
        change = (
            f", {text.number(abs(diff))} {'more' if diff > 0 else 'fewer'} than the {text.number(start)} on "
            f"31 March {o.year}"
            if diff
            else f", the same as on 31 March {o.year}"
        )
    else:
        change = f" (the number on 31 March {o.year} is {text.number(start)})"
    return (
        f"If the patterns of {o.learned} continue, {about(h, o.level, bold=True)} will be looked after on 31 March "
        f"{h['year']}{change}; by 31 March {end['year']}, {about(end, o.level)}. This is the stock-and-flow model, "
        f"from {o.data_word}."
    )


def _flows_finding(o: Outlook) -> str | None:
    """Entries and exits a year over the years learned from (None when the totals are suppressed)."""
    fl = flows_table(o)
    if fl.mask.loc[ALL_AGES].any():
        return None
    shown = fl.values.loc[ALL_AGES]
    k = len(o.model.learned_from)
    cols = list(fl.values.columns)
    entries, perm, other = shown[cols[1]] / k, shown[cols[2]] / k, shown[cols[3]] / k
    balance = (
        "more children came in than left"
        if entries > perm + other
        else "fewer children came in than left"
        if entries < perm + other
        else "as many children came in as left"
    )
    return (
        f"Over those {text.plural(k, 'year')}, each year about {text.number(entries)} children came into care "
        f"(and were still looked after on the next 31 March), {text.number(perm)} left to adoption, special "
        f"guardianship, a child arrangements order or home, and {text.number(other)} left another way (including at "
        f"18): {balance}, and if that continues the expected number will {path_word(o)} ({o.data_word})."
    )


def _trend_finding(o: Outlook) -> str:
    e = ets_at(o, o.year3)
    span = f"{o.published.index.min()} to {o.published.index.max()}" if len(o.published) else "no years"
    if o.ets.fitted:
        return (
            f"A damped trend fitted to DfE's published numbers for {o.la_name} ({span}) gives about "
            f"**{text.number(e['mean'])}** for 31 March {o.year3} (between {text.number(e['lower'])} and "
            f"{text.number(e['upper'])}). " + " ".join(o.ets.notes)
        )
    return f"No trend could be fitted to DfE's published numbers for {o.la_name} ({span}). " + " ".join(o.ets.notes)


def _backtest_finding(o: Outlook) -> str:
    bt = o.backtest
    tested = f"fitted to data up to 31 March {bt.cut_year} and asked for {text.year_span(bt.years[0], bt.years[-1])}"
    parts = []
    if bt.mape_markov is not None:
        parts.append(
            f"the stock-and-flow model was out by {text.pct(bt.mape_markov)} on average, and the actual number "
            f"fell inside its interval in {bt.inside_markov} of {text.plural(len(bt.markov), 'year')}"
        )
    else:
        parts.append("the stock-and-flow model could not be tested")
    if bt.mape_ets is not None:
        parts.append(
            f"the published trend was out by {text.pct(bt.mape_ets)} (inside its interval in "
            f"{bt.inside_ets} of {text.plural(len(bt.ets), 'year')})"
        )
    else:
        parts.append("the published trend could not be tested (too few published years before the cut)")
    return f"Tested on the past ({tested}), " + "; ".join(parts) + "."


def _later_finding(o: Outlook) -> str:
    if not len(o.later):
        return (
            f"DfE figures for the years after {o.year} are not yet in the published data this report uses, "
            "so the forecast cannot yet be checked against what happened."
        )
    listed = ", ".join(f"{text.number(v)} in {y}" for y, v in o.later.items())
    km, nm = later_inside(o, o.sim)
    ke, ne = later_inside(o, o.ets.forecast) if o.ets.fitted else (0, 0)
    trend = f", and inside the trend's in {ke} of {ne}" if ne else ""
    return (
        f"What happened next: after the paper, DfE published {listed}. These fell inside the stock-and-flow "
        f"model's interval in {km} of {text.plural(nm, 'year')}{trend}. They were not known when the paper was "
        "written."
    )


def findings(o: Outlook) -> list[str]:
    """The chapter's findings, each a plain-English sentence generated from the numbers."""
    out = [_headline_finding(o), _flows_finding(o), _trend_finding(o), _backtest_finding(o), _later_finding(o)]
    if o.model.unknown_age:
        out.append(
            f"{how_many(o.model.unknown_age)} looked after on 31 March {o.year} had no date of birth in "
            "the data, so no age band, and are left out of the model."
        )
    return [line for line in out if line is not None]


def findings_markdown(o: Outlook) -> str:
    """The findings as a Markdown bullet list."""
    return "\n".join(f"- {line}" for line in findings(o))


def unknown_age_note(o: Outlook) -> str:
    """How many children the model leaves out for unknown age (a sentence)."""
    n = o.model.unknown_age
    if n == 0:
        return f"Every child looked after on 31 March {o.year} has a date of birth, so none is left out."
    return (
        f"{how_many(n)} looked after on 31 March {o.year} had no date of birth, so no age band: they are "
        "left out of the model, and the forecast is short by about that many."
    )


def backtest_note(o: Outlook) -> str:
    """Why a back test is weak or missing, as Markdown ("Both models could be tested." when there is nothing to say)."""
    return " ".join(o.backtest.notes) or "Both models could be tested."


def method_markdown(o: Outlook) -> str:
    """How the forecast was made, with this run's numbers, as Markdown."""
    m = o.model
    k = len(m.learned_from)
    seen = int((m.transitions.sum(axis=1) > 0).sum())
    return (
        f"The stock-and-flow model sorts the children looked after on each 31 March into {m.n_states} groups: "
        f"{len(AGE_BANDS)} age bands times {len(CATEGORIES)} kinds of placement. From the "
        f"{text.plural(k, 'year')} of moves from {o.learned} it learns, for each group, the chance that a child is "
        "still looked after a year later and in which group, has left to permanence, or has left another way; "
        f"{seen} of the {m.n_states} groups had children in them, and a group that had none borrows the chances of "
        "its age band. It also learns how many children join each group in a year. Starting from the children "
        f"looked after on 31 March {o.year}, it then runs {text.number(o.simulations)} simulated futures for "
        f"{o.horizon} years: in each, the chances and the number of new children are themselves drawn at random "
        "around what was learned (more widely where they rest on few children), and then each child's year is drawn "
        f"at random. The forecast is the average of those futures, and the {o.level} prediction interval the range "
        f"that holds the middle {o.level} of them. The random draws start from a fixed seed (the paper file's "
        "forecast.seed), so the same data always give the same numbers."
    )


# --------------------------------------------------------------------------- key figures


def _rounded(value):
    """A percentage to one decimal for a key figure, or :data:`NOT_AVAILABLE`."""
    return round(value, 1) if value is not None else NOT_AVAILABLE


def _forecast_figures(o: Outlook) -> list[dict]:
    """The key figures of the two forecasts three years on."""
    h = headline(o)
    e = ets_at(o, o.year3)
    return [
        {
            "name": "forecast_year_3",
            "value": o.year3,
            "unit": "year",
            "label": "The year the three-year forecasts are for (31 March)",
        },
        {
            "name": "forecast_cla_base",
            "value": safe(o.model.start.sum()),
            "unit": "children",
            "label": f"Children of known age looked after on 31 March {o.year}, where the forecast starts ({o.data_word})",
        },
        {
            "name": "forecast_cla_in_3_years",
            "value": h["mean"],
            "unit": "children",
            "label": f"Stock-and-flow forecast of children looked after on 31 March {o.year3}: the model's expected "
            f"number, as in the projection table ({o.data_word})",
        },
        {
            "name": "forecast_cla_in_3_years_lower",
            "value": h["lower"],
            "unit": "children",
            "label": f"Lower end of the {o.level} prediction interval of that forecast",
        },
        {
            "name": "forecast_cla_in_3_years_upper",
            "value": h["upper"],
            "unit": "children",
            "label": f"Upper end of the {o.level} prediction interval of that forecast",
        },
        {
            "name": "forecast_ets_in_3_years",
            "value": e["mean"],
            "unit": "children",
            "label": f"Damped-trend (exponential smoothing) forecast of children looked after on 31 March {o.year3}, "
            "from DfE's published numbers",
        },
        {
            "name": "forecast_ets_in_3_years_lower",
            "value": e["lower"],
            "unit": "children",
            "label": f"Lower end of the {o.level} prediction interval of the damped-trend forecast",
        },
        {
            "name": "forecast_ets_in_3_years_upper",
            "value": e["upper"],
            "unit": "children",
            "label": f"Upper end of the {o.level} prediction interval of the damped-trend forecast",
        },
    ]


def _check_figures(o: Outlook) -> list[dict]:
    """The key figures of what the model learned from and how the forecasts fared."""
    bt = o.backtest
    later3 = o.later.get(o.year3)
    return [
        {
            "name": "forecast_history_years",
            "value": len(o.model.learned_from),
            "unit": "years",
            "label": f"Years of moves (31 March to 31 March) the stock-and-flow model learned from ({o.learned})",
        },
        {
            "name": "forecast_backtest_mape_markov",
            "value": _rounded(bt.mape_markov),
            "unit": "percent",
            "label": f"Back test: mean absolute percentage error of the stock-and-flow model fitted to data up to "
            f"{bt.cut_year} and forecasting {bt.years[0]}-{bt.years[-1]} ({o.data_word})",
        },
        {
            "name": "forecast_backtest_mape_ets",
            "value": _rounded(bt.mape_ets),
            "unit": "percent",
            "label": f"Back test: mean absolute percentage error of the damped trend fitted to published numbers up "
            f"to {bt.cut_year} and forecasting {bt.years[0]}-{bt.years[-1]}",
        },
        {
            "name": "forecast_later_actual_year_3",
            "value": NOT_AVAILABLE if later3 is None else int(later3),
            "unit": "children",
            "label": f"Children looked after on 31 March {o.year3} as DfE later published it (after the paper)",
        },
    ]


def key_figures(o: Outlook) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`.

    Child-level counts are whole children, or the text "suppressed"; figures
    that could not be worked out are the text "not available".
    """
    source = {
        "name": "forecast_data_word",
        "value": o.data_word,
        "unit": "text",
        "label": "What the stock-and-flow forecast is fitted to (SYNTHETIC or the council's child-level data)",
    }
    level = {
        "name": "forecast_interval_level",
        "value": o.level,
        "unit": "text",
        "label": "Coverage of the forecast's prediction intervals",
    }
    return [source, level, *_forecast_figures(o), *_check_figures(o)]
