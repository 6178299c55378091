"""The permanence chapter's words: key figures, the glued text, findings, the hypothesis and the model
in plain English.

Everything is generated from the chapter's result (:class:`.compute.Permanence`) and every number is
formatted through :mod:`analysis.report.text`. A suppressed value reads as a sentence ("suppressed",
"a small number"), never as a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.chapters.permanence import release as R
from analysis.chapters.permanence.adoption import SCORECARD_LABELS, THRESHOLDS, WAITING_TOTAL, Waiting
from analysis.chapters.permanence.cohort import (
    ALPHA,
    NOT_REACHED,
    OTHER_EXIT,
    ROUTES,
    Curve,
    Exclusions,
    aj_any_permanence,
    final_incidence,
)
from analysis.chapters.permanence.compute import (
    IN_MODEL,
    REACHED,
    Permanence,
    area_share,
    la_share,
    published_year,
    share_value,
)
from analysis.chapters.permanence.model import Model, stratified_change
from analysis.chapters.permanence.timeliness import england_years
from analysis.chapters.permanence.windows import MIN_OBSERVED
from analysis.methods import survival as S
from analysis.report import disclosure, text
from analysis.report.context import Context
from analysis.report.text import DASH, NOT_PUBLISHED, SUPPRESSED

#: The confidence level of the chapter's intervals, as the page writes it ("95%").
CONFIDENCE = text.confidence(ALPHA)

#: Significance level of the proportional-hazards check.
PH_ALPHA = 0.05


def percent(v: float, digits: int = 0) -> str:
    """A fraction as a percentage ("23%"), a dash when missing."""
    return text.share(v, digits, missing=DASH)


def data_word(res: Permanence) -> str:
    """What the page calls the child-level data: "SYNTHETIC" or "child-level"."""
    return "SYNTHETIC" if res.synthetic else "child-level"


def trend_words(curves: list[Curve], months: int) -> tuple[str, Curve | None, Curve | None]:
    """How the share permanent by ``months`` moved from the first usable cohort to the last: (word, first, last)."""
    usable = [cv for cv in curves if cv.shown and not pd.isna(cv.share[months][0])]
    if len(usable) < 2:
        return "cannot be compared (too few cohorts with enough follow-up)", None, None
    a, b = usable[0], usable[-1]
    da, db = a.share[months][0], b.share[months][0]
    word = "rose" if db > da + 0.005 else "fell" if db < da - 0.005 else "was unchanged"
    return word, a, b


def _hr_words(hr: float, lo: float, hi: float) -> str:
    """A hazard ratio's verdict from its confidence interval."""
    if lo > 1:
        return "faster"
    if hi < 1:
        return "slower"
    return "no clear difference"


def hazard_sentences(m: Model, *, synthetic: bool = False) -> list[str]:
    """One plain-English sentence per term of the model ("SYNTHETIC data" in each when they are)."""
    syn = "SYNTHETIC data: " if synthetic else ""
    out = []
    for r in m.terms.itertuples():
        verdict = _hr_words(r.hr, r.lower, r.upper)
        ci = f"{CONFIDENCE} confidence interval {r.lower:.2f} to {r.upper:.2f}"
        if r.variable == "Entry year":
            pct = 100 * (r.hr - 1)
            direction = "faster" if pct > 0 else "slower"
            clause = (
                f"with each later year of entry, children reached permanence {abs(pct):.0f}% {direction} "
                if verdict != "no clear difference"
                else f"from one year of entry to the next, no clear change in the pace of permanence "
                f"(a {abs(pct):.0f}% {'rise' if pct > 0 else 'fall'} a year could be chance) "
            )
            out.append(_lead(syn, f"{clause}(hazard ratio {r.hr:.2f}, {ci})."))
            continue
        if verdict == "no clear difference":
            out.append(_lead(syn, f"{r.who} against {r.who_ref}: no clear difference (hazard ratio {r.hr:.2f}, {ci})."))
        else:
            out.append(
                _lead(
                    syn,
                    f"{r.who} reached permanence at {r.hr:.2f} times the rate of {r.who_ref}, that is {verdict} ({ci}).",
                )
            )
    return out


def _lead(prefix: str, sentence: str) -> str:
    """``sentence`` after ``prefix`` (such as "SYNTHETIC data: "), or capitalised when there is none."""
    return prefix + sentence if prefix else sentence[0].upper() + sentence[1:]


def ph_summary(m: Model, *, synthetic: bool = False) -> str:
    """Plain-English reading of the proportional-hazards check (naming the data when they are SYNTHETIC)."""
    ph = m.fit.ph
    glob = ph[ph["term"] == "GLOBAL"].iloc[0]
    terms = m.terms[["term", "variable", "level"]].merge(ph[ph["term"] != "GLOBAL"], on="term")
    flagged = terms[terms["p"] < PH_ALPHA]
    if flagged.empty:
        detail = "no single term shows a trend with time at the 5% level"
    else:
        names = "; ".join(
            f"{var.lower()} ({text.series_text(list(g['level']))}: correlation {g['rho'].min():+.2f}"
            + (f" to {g['rho'].max():+.2f}" if len(g) > 1 else "")
            + ")"
            for var, g in flagged.groupby("variable", sort=False)
        )
        detail = (
            f"{len(flagged)} of {len(terms)} terms show a trend with time at the 5% level: {names}; a negative "
            "correlation means the hazard ratio falls the longer children are in care"
        )
    verdict = (
        "no evidence against proportional hazards overall"
        if glob["p"] >= PH_ALPHA
        else "evidence that some effects change over time, so their hazard ratios are averages across the follow-up"
    )
    on = "On the SYNTHETIC data, the " if synthetic else "The "
    return (
        f"{on}Grambsch–Therneau test on Schoenfeld residuals against log time: global chi-squared "
        f"{glob['chi2']:.1f} on {int(glob['df'])} degrees of freedom, p {text.p_value(glob['p'], prefix='')}: {verdict}; {detail}."
    )


def _share_words(ctx: Context, shares: pd.DataFrame, route: str, year: int) -> str:
    """The authority's published share of leavers by ``route``, or why there is none, for a sentence."""
    v = share_value(ctx, shares, route, year)
    if v == SUPPRESSED:
        return "suppressed by DfE"
    if v == NOT_PUBLISHED:
        return f"not published for {year}"
    return text.pct(v, 1)


def waiting_words(w: Waiting) -> str:
    """The children waiting at 31 March, in words (read from the released table of waits: a suppressed
    total reads as "a small number")."""
    n = float(w.bands.loc[WAITING_TOTAL, "Children"])
    if n == 0:
        return "no child had a placement order without having moved in with adopters"
    if not w.total_shown:
        return "a small number of children (suppressed) had a placement order but had not moved in with adopters"
    return (
        f"{n:,.0f} children had a placement order but had not moved in with adopters; half had waited more "
        f"than {w.median_days:,.0f} days since the order"
    )


def key_figures(res: Permanence) -> list[dict]:
    """The chapter's key figures (never a suppressed value: the text "suppressed" instead)."""
    ctx, c, cv, sc, w, shares = res.ctx, res.cohort, res.curve, res.scorecard, res.waiting, res.shares
    year = ctx.year
    syn = "SYNTHETIC child-level data" if res.synthetic else "child-level data"
    now = sc[sc["year"] == year].set_index("measure")
    med = cv.median
    share24 = cv.share[24][0]
    rec = []
    rec.append(
        {
            "name": "median_days_to_permanence",
            "value": round(med.estimate) if med.reached else NOT_REACHED,
            "unit": "days",
            "label": (
                f"Median days from entering care to permanence, periods of care starting "
                f"{text.long_date(c.data_start)} to {text.long_date(c.data_end)} (Kaplan–Meier; {syn})"
            ),
        }
    )
    rec.append(
        {
            "name": "share_permanent_within_24_months",
            "value": round(100 * share24, 1) if not pd.isna(share24) else "too few children at risk",
            "unit": "percent",
            "label": f"Share of children reaching permanence within 24 months of entering care (Kaplan–Meier; {syn})",
        }
    )
    for m in ("A1", "A2", "A10"):
        value = scorecard_value(now, m)
        rec.append(
            {
                "name": f"{m.lower()}_days",
                "value": value,
                "unit": "days",
                "label": f"{SCORECARD_LABELS[m]}: average days, children adopted in the three years to 31 March "
                f"{year} ({syn})",
            }
        )
    rec.append(_sgo_figure(res, syn))
    rec.append(
        {
            "name": "children_waiting_adoption",
            "value": R.count_or_suppressed(w.released, WAITING_TOTAL, "Children"),
            "unit": "children",
            "label": f"Children with a placement order not yet placed for adoption, 31 March {year} ({syn})",
        }
    )
    for route, name in (
        ("adoption", "adopted_share_of_ceased"),
        ("special guardianship", "sgo_share_of_ceased"),
        ("return home", "returned_home_share_of_ceased"),
    ):
        rec.append(
            {
                "name": name,
                "value": share_value(ctx, shares, route),
                "unit": "percent",
                "label": f"Share of children leaving {ctx.la.la_name}'s care in the year to 31 March {year} by "
                f"{route} (DfE published figures, real)",
            }
        )
    return rec


def scorecard_value(now: pd.DataFrame, m: str):
    """A scorecard measure's key-figure value for one window (``now``: its rows indexed by measure): whole
    days, or why there are none ("incomplete: ...", "suppressed", "no children", "not available")."""
    if m not in now.index:
        return "not available"
    if "complete" in now.columns and not bool(now.loc[m, "complete"]):
        return str(now.loc[m, "status"])
    n, d = now.loc[m, "children"], now.loc[m, "days"]
    return "no children" if n == 0 else (SUPPRESSED if pd.isna(d) else int(d))


def _sgo_figure(res: Permanence, syn: str) -> dict:
    """Mean days from entering care to a special guardianship order (context beside the scorecard)."""
    sgo = res.timeliness.sgo
    if not sgo.completeness.complete:
        value = sgo.completeness.words()
    elif sgo.completeness.children == 0:
        value = "no children"
    else:
        value = int(sgo.mean_days) if sgo.shown else SUPPRESSED
    return {
        "name": "sgo_days",
        "value": value,
        "unit": "days",
        "label": f"Average days from entering care to leaving on a special guardianship order, children leaving "
        f"so in the three years to 31 March {sgo.year} ({syn})",
    }


def _glue_median(med: S.Median) -> str:
    """A median in days and months, for a sentence."""
    if not med.reached:
        return NOT_REACHED
    return f"{med.estimate:,.0f} days (about {text.months(med.estimate)})"


def _text_figure(name: str, value, label: str, unit: str = "text") -> dict:
    return {"name": name, "value": value, "unit": unit, "label": label}


def _cohort_text_figures(res: Permanence) -> list[dict]:
    """The cohort and its curve in words: who is followed, the median and the shares by 12 and 24 months."""
    c, cv = res.cohort, res.curve
    span = f"{text.long_date(c.data_start)} to {text.long_date(c.data_end)}"
    return [
        _text_figure("perm_data_word", data_word(res), "Whether the child-level data are synthetic"),
        _text_figure(
            "perm_year", res.year, "Reporting year of the permanence chapter (year ending 31 March)", unit="year"
        ),
        _text_figure("perm_cohort_span", span, "Entries to care in the time-to-permanence cohort"),
        _text_figure(
            "perm_cohort_n",
            R.count_or_suppressed(*res.released.included),
            "Periods of care in the time-to-permanence cohort",
            unit="count",
        ),
        _text_figure("perm_median_text", _glue_median(cv.median), "Median time to permanence, in words"),
        _text_figure(
            "perm_median_ci",
            _median_ci_text(cv.median),
            f"{CONFIDENCE} confidence interval of the median time to permanence",
        ),
        _text_figure(
            "perm_share_12", percent(cv.share[12][0]), "Share reaching permanence within 12 months (Kaplan–Meier)"
        ),
        _text_figure(
            "perm_share_12_ci", _ci_text(cv.share[12]), f"{CONFIDENCE} confidence interval of the 12-month share"
        ),
        _text_figure(
            "perm_share_24", percent(cv.share[24][0]), "Share reaching permanence within 24 months (Kaplan–Meier)"
        ),
        _text_figure(
            "perm_share_24_ci", _ci_text(cv.share[24]), f"{CONFIDENCE} confidence interval of the 24-month share"
        ),
    ]


def _check_text_figures(res: Permanence) -> list[dict]:
    """The method check (Aalen–Johansen against Kaplan–Meier at 24 months) and the model's size."""
    return [
        _text_figure(
            "perm_aj_24",
            percent(aj_any_permanence(res.cohort, 24), 1),
            "Aalen–Johansen cumulative incidence of any permanence at 24 months (method check)",
        ),
        _text_figure(
            "perm_km_24_1dp",
            percent(res.curve.share[24][0], 1),
            "Kaplan–Meier share at 24 months, one decimal place (method check)",
        ),
        _text_figure(
            "perm_model_n",
            R.count_or_suppressed(res.released.model, IN_MODEL, "periods"),
            "Periods of care in the Cox model",
            unit="count",
        ),
        _text_figure(
            "perm_model_events",
            R.count_or_suppressed(res.released.model, IN_MODEL, REACHED),
            "Periods in the Cox model that reached permanence",
            unit="count",
        ),
    ]


def text_figures(res: Permanence) -> list[dict]:
    """Glued text for the prose: formatted numbers, the exclusion sentences, the method check."""
    return [*_cohort_text_figures(res), *_check_text_figures(res)]


def narrative(res: Permanence) -> dict[str, str]:
    """Words the prose pastes, by glue name: the key figures in words (so a suppressed value reads as a
    sentence, not "suppressed days"), the exclusions and the model checks. Not key figures themselves."""
    ctx, m, shares = res.ctx, res.model, res.shares
    now = res.scorecard[res.scorecard["year"] == ctx.year].set_index("measure")
    out = {}
    for meas in ("A1", "A2", "A10"):
        if meas in now.index and not bool(now.loc[meas, "complete"]):
            words = str(now.loc[meas, "status"])
        elif meas not in now.index or now.loc[meas, "children"] == 0:
            words = "not available (no child adopted in the three years is in it)"
        elif pd.isna(now.loc[meas, "days"]):
            words = "suppressed (an average of 1 to 5 children)"
        else:
            words = f"{now.loc[meas, 'days']:,.0f} days"
        out[f"perm_{meas.lower()}_text"] = words
    for route, name in (("adoption", "adopted"), ("special guardianship", "sgo"), ("return home", "home")):
        out[f"perm_share_{name}_text"] = _share_words(ctx, shares, route, ctx.year)
    out["perm_waiting_sentence"] = waiting_words(res.waiting)
    out["perm_scorecard_exclusions"] = scorecard_exclusion_text(res.scorecard_exclusions, synthetic=res.synthetic)
    out["perm_scorecard_windows"] = windows_sentence(res.scorecard, synthetic=res.synthetic)
    rel = res.released
    out["perm_cohort_exclusions"] = rel.exclusions.sentence("Time to permanence")
    out["perm_model_exclusions"] = rel.exclusions.sentence("Model of what predicts it")
    out["perm_cohort_n_text"] = R.words(*rel.included, "a small number (suppressed) of")
    out["perm_model_n_text"] = R.words(rel.model, IN_MODEL, "periods", "a small number (suppressed) of")
    out["perm_model_events_text"] = R.words(rel.model, IN_MODEL, REACHED)
    out["perm_ph_summary"] = ph_summary(m, synthetic=res.synthetic)
    out["perm_stratified_change"] = _stratified_text(m)
    return out


def windows_sentence(sc: pd.DataFrame, *, synthetic: bool = False) -> str:
    """Which three-year windows are incomplete (entry to care observed for fewer than 95% of their children),
    and so have no average, in one sentence; or that every window is complete."""
    syn = " (SYNTHETIC data)" if synthetic else ""
    by_year = sc.drop_duplicates("year").set_index("year")
    bad = by_year[~by_year["complete"].astype(bool)]
    if bad.empty:
        return (
            f"Entry to care is observed for at least {MIN_OBSERVED:.0%} of the children adopted in every "
            f"three-year window shown{syn}."
        )
    ends = text.series_text([str(y) for y in bad.index])
    counts = text.series_text(list(bad["not_observed"]))  # each window's released "N of M children"
    plural_ = len(bad) > 1
    return (
        f"The three-year {'windows' if plural_ else 'window'} ending March {ends} "
        f"{'are' if plural_ else 'is'} incomplete: entry to care is not observed for {counts} adopted in "
        f"{'them' if plural_ else 'it'} (they were already in care before the first return, and the earliest "
        f"entrants waited longest), so {'their averages are' if plural_ else 'its averages are'} left out of the "
        f"chart and the text{syn}."
    )


def scorecard_exclusion_text(scx: Exclusions, *, synthetic: bool = False) -> str:
    """One sentence per reason that leaves any child out of A1, A2 or A10, with the (suppressed) counts;
    "SYNTHETIC" names the data in each sentence when they are."""
    measures = ["A1", "A2", "A10"]
    unit = f"SYNTHETIC {scx.unit}" if synthetic else scx.unit
    shown = scx.shown.table()  # the window's released table
    parts = []
    for reason in scx.counts.index.drop([scx.included, scx.total]):
        hit = [m for m in measures if scx.counts.loc[reason, m] > 0]
        if not hit:
            continue
        texts = {m: shown.loc[reason, m] for m in hit}
        words = {m: ("a small number (suppressed)" if t == disclosure.MARKER else t) for m, t in texts.items()}
        where = text.series_text(hit)
        if len(set(words.values())) == 1:
            count = next(iter(words.values()))
            parts.append(f"{count[0].upper()}{count[1:]} of the {unit} were left out of {where} because {reason}.")
        else:
            each = ", ".join(f"{m} {w}" for m, w in words.items())
            parts.append(f"Of the {unit}, left out because {reason}: {each}.")
    if not parts:
        child = "SYNTHETIC child" if synthetic else "child"
        return f"No {child} {scx.total.split(' ', 1)[1]} was left out of A1, A2 or A10."  # "Children adopted in ..."
    return " ".join(parts)


#: Narrative items pasted as Markdown (``{glue:md}``): sentences, not figures.
SENTENCES = (
    "perm_waiting_sentence",
    "perm_scorecard_exclusions",
    "perm_scorecard_windows",
    "perm_cohort_exclusions",
    "perm_model_exclusions",
    "perm_ph_summary",
    "perm_stratified_change",
)


def glue_text(items: dict[str, str]) -> None:
    """Glue each item (hidden output, like the findings): sentences (:data:`SENTENCES`) as Markdown for
    ``{glue:md}``, figures in words as text for ``{glue:text}``."""
    from IPython.display import Markdown
    from myst_nb import glue

    for name, words in items.items():
        glue(name, Markdown(words) if name in SENTENCES else words, display=False)


def _stratified_text(m: Model) -> str:
    """How much the other hazard ratios change when age at entry is strata."""
    change, which = stratified_change(m)
    if pd.isna(change):
        return "no other hazard ratio to compare"
    return f"at most {100 * change:.0f}% (the largest change: {which})"


def _median_ci_text(med: S.Median) -> str:
    """A median's confidence interval in days, for a sentence."""
    if not med.reached:
        return "not estimable"
    lo = text.number(med.lower, missing=DASH)
    hi = "not reached" if not np.isfinite(med.upper) else f"{med.upper:,.0f}"
    return f"{lo} to {hi} days"


def _ci_text(s: tuple[float, float, float]) -> str:
    """A share's confidence interval, for a sentence."""
    if pd.isna(s[0]):
        return "not estimable"
    return f"{percent(s[1])} to {percent(s[2])}"


def _curve_findings(res: Permanence, syn: str) -> list[str]:
    """Time to permanence: the shares by 12 and 24 months, the routes and the trend across years of entry."""
    cv, routes = res.curve, res.routes
    out = []
    med = (
        ("half had done so within " + _glue_median(cv.median))
        if cv.median.reached
        else "fewer than half had reached it by the end of the follow-up (the median is not reached)"
    )
    out.append(
        f"Of children who came into care, {percent(cv.share[12][0])} reached a permanent outcome (adoption, "
        f"special guardianship, a child arrangements order or a return home) within 12 months and "
        f"{percent(cv.share[24][0])} within 24 months; {med}{syn}."
    )
    finals = {r: final_incidence(routes, r) for r in ROUTES}
    ranked = sorted(finals, key=finals.get, reverse=True)
    names = {
        "adoption": "adoption",
        "special guardianship": "special guardianship",
        "child arrangements order": "a child arrangements order",
        "return home": "a return home",
    }
    out.append(
        "By the end of the follow-up the routes to permanence were, most common first: "
        + text.series_text([f"{names[r]} ({percent(finals[r])})" for r in ranked])
        + f"; {percent(final_incidence(routes, OTHER_EXIT))} had left care another way{syn}."
    )
    word, a, b = trend_words(res.by_year, 12)
    p = res.year_test[2]
    if a is not None:
        out.append(
            f"Across years of entry the 12-month share {word}, from {percent(a.share[12][0])} ({a.label}) to "
            f"{percent(b.share[12][0])} ({b.label}); the differences between years are "
            f"{'statistically significant' if p < 0.05 else 'within what chance would produce'} "
            f"(log-rank p {text.p_value(p, prefix='')}){syn}."
        )
    return out


def _adoption_findings(res: Permanence, syn: str) -> list[str]:
    """The adoption scorecard for the three years to the paper's year, and the children waiting."""
    year, w = res.year, res.waiting
    now = res.scorecard[res.scorecard["year"] == year].set_index("measure")
    out = []
    bits = []
    for meas in ("A1", "A2", "A10"):
        d = now.loc[meas, "days"] if meas in now.index else np.nan
        if not pd.isna(d):
            bits.append(
                f"{meas} {d:,.0f} days ({'within' if d <= THRESHOLDS[meas] else 'over'} the "
                f"{THRESHOLDS[meas]}-day threshold)"
            )
    if len(now) and not bool(now["complete"].iloc[0]):
        out.append(
            f"The adoption scorecard for the three years to March {year} is {now['status'].iloc[0]}, so A1, A2 "
            f"and A10 are not given{syn}."
        )
    elif bits:
        out.append(f"On the adoption scorecard for the three years to March {year}: " + "; ".join(bits) + f"{syn}.")
    sgo = res.timeliness.sgo
    if sgo.shown:
        out.append(
            f"Children who left care on a special guardianship order in the three years to March {year} had been "
            f"in care {sgo.mean_days:,.0f} days on average (half of them more than {sgo.median_days:,.0f} days)"
            f"{syn}."
        )
    elif sgo.completeness.children and not sgo.completeness.complete:
        out.append(
            f"The time from entering care to a special guardianship order in the three years to March {year} is "
            f"{sgo.completeness.words()}, so no average is given{syn}."
        )
    n = float(w.bands.loc[WAITING_TOTAL, "Children"])
    if n == 0:
        out.append(f"No child was waiting with a placement order on 31 March {year}{syn}.")
    elif not w.total_shown:
        out.append(
            f"A small number of children (suppressed) were waiting with a placement order on 31 March {year}{syn}."
        )
    else:
        out.append(
            f"On 31 March {year}, {n:,.0f} children had a placement order but had not moved in with "
            f"adopters; half had waited more than {w.median_days:,.0f} days since the order{syn}."
        )
    return out


def _model_findings(res: Permanence, syn: str) -> list[str]:
    """The model: the strongest predictor, and agency (IFA) against in-house foster carers."""
    m = res.model
    out = []
    sig = m.terms[(m.terms["lower"] > 1) | (m.terms["upper"] < 1)]
    if len(sig):
        strongest = sig.iloc[(np.abs(np.log(sig["hr"]))).argmax()]
        out.append(
            f"Allowing for the other factors, the strongest predictor of delay is "
            f"{strongest['variable'].lower()}: {strongest['who']} reached permanence at "
            f"{strongest['hr']:.2f} times the rate of {strongest['who_ref']}{syn}."
        )
    ifa = m.terms[m.terms["level"] == "IFA fostering"]
    if len(ifa):
        r = ifa.iloc[0]
        out.append(
            f"Children first placed with agency (IFA) foster carers reached permanence at {r['hr']:.2f} times "
            f"the rate of those placed with the council's own foster carers ({CONFIDENCE} CI {r['lower']:.2f} to "
            f"{r['upper']:.2f}): {_hr_words(r['hr'], r['lower'], r['upper'])}{syn}."
        )
    return out


def _published_findings(res: Permanence) -> list[str]:
    """DfE's published (real) reasons for leaving care, against England."""
    ctx, shares = res.ctx, res.shares
    year, la = ctx.year, ctx.la.la_name
    parts = []
    py = published_year(shares)
    for route, word in (
        ("adoption", "adopted"),
        ("special guardianship", "left on special guardianship"),
        ("return home", "returned home"),
    ):
        v, e = la_share(ctx, shares, route, py), area_share(shares, route, "England", py)
        parts.append(
            f"the share {word} is suppressed by DfE (England {e:.0f}%)"
            if pd.isna(v)
            else f"{v:.0f}% {word} (England {e:.0f}%)"
        )
    if py is None:
        return []
    latest = "" if py == year else " (the latest year published)"
    return [
        f"Published figures (real): of the children who left {la}'s care in the year to March {py}"
        f"{latest}, " + "; ".join(parts) + " (which routes children leave by, not how quickly)."
    ]


def findings(res: Permanence) -> list[str]:
    """Plain-English findings, each one sentence, generated from the numbers."""
    syn = " (SYNTHETIC data)" if res.synthetic else ""
    return [
        *_curve_findings(res, syn),
        *_adoption_findings(res, syn),
        *_model_findings(res, syn),
        *_published_findings(res),
    ]


def hypothesis(res: Permanence) -> str:
    """What the numbers say about the paper's hypothesis, in plain English (generated).

    With SYNTHETIC returns it gives no verdict: it says the data cannot tell and what the council's own
    returns would show. With real returns the verdict is the claims chapter's (one decision rule,
    :func:`.timeliness.permanence_verdict`, on :func:`.timeliness.adoption_timeliness`).
    DfE's published routes out of care close it, as context, never as the verdict.
    """
    lines = _synthetic_hypothesis(res) if res.synthetic else _real_hypothesis(res)
    lines.append(_routes_context(res))
    return " ".join(line for line in lines if line)


def _synthetic_hypothesis(res: Permanence) -> list[str]:
    """No verdict from SYNTHETIC data: what the test is, and whether the council's returns could answer it."""
    year, eng = res.year, res.timeliness.england
    lines = [
        "The child-level figures on this page come from SYNTHETIC data, so they cannot tell whether the "
        "council's children reach permanence more slowly than they might: they show how the test works, not "
        "what it finds.",
        f"With the council's own SSDA903 returns in place of the SYNTHETIC ones, the test would set A1 (entering "
        f"care to moving in with the adoptive family) for the three years to March {year} against England's "
        f"published average for the same two dates, one-sided at the {CONFIDENCE} level, with A2 against its "
        "121-day threshold and the time to a special guardianship order beside it.",
    ]
    if not eng.published:
        first = england_years(res.ctx.table)
        since = f" (its national figures begin with {text.period(first[0])})" if first else ""
        lines.append(
            f"DfE did not publish England's figure for {text.period(year)}{since}, so even the council's own "
            "returns could not give a verdict for this paper's year."
        )
    return lines


def _real_hypothesis(res: Permanence) -> list[str]:
    """The verdict from the council's returns (A1 against England), with the scorecard, SGO and cohorts as context."""
    from analysis.chapters.permanence.timeliness import cannot_tell_reason, permanence_verdict
    from analysis.report.verdicts import CANNOT_TELL, CONTRADICTED, SUPPORTED

    t, cv = res.timeliness, res.curve
    alpha = res.ctx.alpha  # the paper file's significance level
    a1 = t.a1_england
    verdict = permanence_verdict(a1.n, t.completeness.complete, t.england.days, a1.p_slower, a1.p_faster, alpha)
    if verdict == CANNOT_TELL:
        lines = [f"The data cannot tell: {cannot_tell_reason(t) or 'the test could not be made.'}"]
    else:
        words, conclusion = {
            SUPPORTED: ("significantly longer than", "for adoption the hypothesis is supported"),
            CONTRADICTED: ("significantly shorter than", "for adoption the evidence runs against the hypothesis"),
        }.get(verdict, ("not significantly different from", "for adoption the authority is in line with England"))
        lines = [
            f"Children adopted in the three years to March {t.year} waited on average {a1.mean:,.0f} days from "
            f"entering care to moving in with their adopters, {words} England's {t.england.days:,.0f} days "
            f"(one-sided t-tests, {text.confidence(alpha)} level): {conclusion}."
        ]
    if t.completeness.complete and not pd.isna(t.a1_threshold.mean):
        a2 = "not available" if pd.isna(t.a2_threshold.mean) else f"{t.a2_threshold.mean:,.0f} days"
        lines.append(
            f"Against DfE's scorecard thresholds, A1 was {t.a1_threshold.mean:,.0f} days (threshold "
            f"{THRESHOLDS['A1']}) and A2 {a2} (threshold {THRESHOLDS['A2']})."
        )
    if t.sgo.shown:
        lines.append(
            f"Children leaving care on a special guardianship order had been in care {t.sgo.mean_days:,.0f} days "
            "on average."
        )
    word, a, b = trend_words(res.by_year, 12)
    if a is not None:
        lines.append(
            f"Across entry cohorts the share reaching permanence within a year {word} "
            f"({percent(a.share[12][0])} to {percent(b.share[12][0])})."
        )
    s24 = cv.share[24][0]
    if not pd.isna(s24):
        lines.append(f"{percent(1 - s24)} of children had not reached permanence two years after entering care.")
    return lines


def _routes_context(res: Permanence) -> str:
    """DfE's published (real) routes out of care, as context: which routes, not how fast."""
    ctx, shares = res.ctx, res.shares
    py = published_year(shares)
    if py is None:
        return ""
    parts, england = [], []
    for route, word in (("adoption", "adopted"), ("special guardianship", "left on special guardianship")):
        v = la_share(ctx, shares, route, py)
        parts.append(f"the share {word} is suppressed by DfE" if pd.isna(v) else f"{v:.0f}% {word}")
        england.append(percent(area_share(shares, route, "England", py) / 100))
    v = la_share(ctx, shares, "return home", py)
    parts.append("the share returned home is suppressed by DfE" if pd.isna(v) else f"{v:.0f}% returned home")
    england.append(percent(area_share(shares, "return home", "England", py) / 100))
    return (
        f"In DfE's published (real) figures for the children who left the authority's care in the year to March "
        f"{py}, {text.series_text(parts)} (England {', '.join(england)}): these say which routes children "
        "leave by, context rather than a test of how quickly they get there."
    )


def findings_markdown(res: Permanence) -> str:
    """:func:`findings` as a Markdown bullet list."""
    return "\n".join(f"- {s}" for s in findings(res))


def hazard_markdown(res: Permanence) -> str:
    """The model's hazard ratios in plain English, as Markdown (:func:`hazard_bullets`)."""
    return hazard_bullets(res.model, synthetic=bool(res.synthetic))


def hazard_bullets(m: Model, *, synthetic: bool = False) -> str:
    """The hazard ratios in plain English: each clear difference, the in-house/IFA comparison and the trend
    by year of entry as bullets, then the factors with no clear difference in one bullet."""
    sentences = hazard_sentences(m, synthetic=synthetic)
    clear = (m.terms["lower"] > 1) | (m.terms["upper"] < 1)
    always = m.terms["level"].isin(["IFA fostering"]) | (m.terms["variable"] == "Entry year")
    lines = [f"- {s}" for s, keep in zip(sentences, clear | always) if keep]
    rest = m.terms[~clear & ~always]
    if len(rest):
        groups = [
            f"{var.lower()}: {text.series_text(list(g['level']))} (against {g['reference'].iloc[0]})"
            for var, g in rest.groupby("variable", sort=False)
        ]
        syn = "SYNTHETIC data: no" if synthetic else "No"
        lines.append(
            f"- {syn} clear difference (the {CONFIDENCE} confidence interval includes 1) for " + "; ".join(groups) + "."
        )
    return "\n".join(lines)
