"""What predicts delay: the Cox model of time to permanence and how its categories were formed.

On this time to permanence (administrative censoring only) the Cox model is the Fine–Gray model of
the subdistribution hazard, so its hazard ratios describe how quickly groups accumulate
permanence, counting those who leave care another way as not reaching it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.chapters.permanence.cohort import ALPHA, Cohort
from analysis.methods import survival as S
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import spec

#: A category with fewer permanence outcomes than this is grouped with others in the model.
MIN_EVENTS = 10


CIN_LABELS = {code: label.lower() for code, label in spec.CIN.items()}


@dataclass(frozen=True)
class Model:
    """The Cox model of time to permanence and how its categories were formed."""

    fit: S.CoxFit
    terms: pd.DataFrame  # fit.terms plus variable, level, reference, who, who_ref, n, events (numbers)
    groupings: pd.DataFrame  # variable, level as recorded, level in the model
    excluded: int  # periods left out for a category with no permanence outcomes
    first_entry_year: int
    stratified: pd.DataFrame  # the other terms refitted with age at entry as strata: term, hr, lower, upper


MODEL_VARIABLES = {
    "age_band": "Age at entry",
    "cin": "Category of need",
    "legal_status": "Legal status at entry",
    "placement": "First placement",
}


REFERENCES = {
    "age_band": "under 1",
    "cin": "N1",
    "legal_status": "care order (interim or full)",
    "placement": "in-house fostering",
}


#: Levels never merged away (the in-house versus IFA comparison is asked for by name).
KEEP_LEVELS = {"placement": {"in-house fostering", "IFA fostering"}}


def _merge_ordinal(values: pd.Series, events: pd.Series, order: list[str]) -> dict[str, str]:
    """Merge adjacent ordered levels until each has at least MIN_EVENTS events; label merged bands by range."""
    groups = [[lv] for lv in order if (values == lv).any()]

    def ev(g):
        return int(events[values.isin(g)].sum())

    changed = True
    while changed and len(groups) > 1:
        changed = False
        for i, g in enumerate(groups):
            if ev(g) < MIN_EVENTS:
                j = i - 1 if i > 0 else i + 1
                lo, hi = min(i, j), max(i, j)
                groups[lo : hi + 1] = [groups[lo] + groups[hi]]
                changed = True
                break
    out = {}
    for g in groups:
        label = g[0] if len(g) == 1 else _band_range(g[0], g[-1])
        out.update(dict.fromkeys(g, label))
    return out


def _band_range(first: str, last: str) -> str:
    lo = E.AGE_BANDS[first][0]
    hi = E.AGE_BANDS[last][1]
    if hi is None:
        return f"{lo} and over"
    return f"under {hi + 1}" if lo == 0 else f"{lo} to {hi}"


def _merge_nominal(values: pd.Series, events: pd.Series, var: str) -> dict[str, str]:
    """Levels with fewer than MIN_EVENTS events become "other" (except the reference and kept levels)."""
    keep = KEEP_LEVELS.get(var, set()) | {REFERENCES[var]}
    out = {}
    for lv in sorted(values.unique()):
        few = int(events[values == lv].sum()) < MIN_EVENTS
        out[lv] = f"other {MODEL_VARIABLES[var].lower()}" if few and lv not in keep else lv
    return out


def model(c: Cohort) -> Model:
    """Cox model of time to permanence (Fine–Gray subdistribution hazards under administrative censoring).

    Covariates: age band at entry (reference under 1), category of need (N1
    abuse or neglect), legal status at entry (care order), first placement
    category (in-house fostering; IFA fostering always kept), and entry year
    (a linear trend, per year after the first cohort). Categories with fewer
    than :data:`MIN_EVENTS` permanence outcomes are grouped (adjacent age
    bands merged; other categories into "other ..."); a grouped "other" with
    no outcome at all is left out with a count. Standard errors are
    cluster-robust by child (a child can have several periods). Periods with
    an unknown age are left out (see :attr:`Cohort.exclusions`).
    """
    f = c.frame[c.frame["age_band"] != E.AGE_UNKNOWN].copy()
    ev = f["permanent"]
    maps, groupings = {}, []
    maps["age_band"] = _merge_ordinal(f["age_band"], ev, list(E.AGE_BANDS))
    for var in ("cin", "legal_status", "placement"):
        maps[var] = _merge_nominal(f[var].astype(str), ev, var)
    for var, m in maps.items():
        f[var] = f[var].astype(str).map(m)
        groupings += [{"variable": MODEL_VARIABLES[var], "recorded": k, "in the model": v} for k, v in m.items()]
    refs = {
        var: REFERENCES[var] if REFERENCES[var] in set(f[var]) else maps[var].get(REFERENCES[var], REFERENCES[var])
        for var in maps
    }
    # a grouped level with no outcome at all cannot be estimated: leave its periods out, counted
    dead = np.zeros(len(f), dtype=bool)
    for var in maps:
        by = f.groupby(var)["permanent"].sum()
        dead |= f[var].isin([lv for lv, n in by.items() if n == 0 and lv != refs[var]]).to_numpy()
    excluded = int(dead.sum())
    f = f[~dead]
    refs = {var: ref if ref in set(f[var]) else f[var].value_counts().index[0] for var, ref in refs.items()}
    first = int(f["entry_year"].min())
    f["entry_year_trend"] = f["entry_year"] - first
    design = S.design_matrix(f, refs, ["entry_year_trend"])
    # single-level variables give constant columns: drop any column with no variation
    design = design.loc[:, design.std() > 0]
    t, e, child = f["t_perm"].to_numpy(float), f["permanent"].to_numpy(float), f["CHILD"].to_numpy()
    fit = S.cox(t, e, design, groups=child, alpha=ALPHA)
    others = design[[col for col in design.columns if not col.startswith("age_band: ")]]
    strat = S.cox(t, e, others, groups=child, strata=f["age_band"].to_numpy(), alpha=ALPHA)
    rows = _term_rows(fit.terms["term"], f, refs, first)
    terms = pd.concat([fit.terms.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    terms = terms.iloc[sorted(range(len(terms)), key=lambda i: _term_order(terms["term"].iloc[i]))]
    terms = terms.reset_index(drop=True)
    return Model(
        fit=fit,
        terms=terms,
        groupings=pd.DataFrame(groupings),
        excluded=excluded,
        first_entry_year=first,
        stratified=strat.terms[["term", "hr", "lower", "upper"]],
    )


def _term_rows(term_names, f: pd.DataFrame, refs: dict[str, str], first: int) -> list[dict]:
    """What each model term compares, in words, with the periods and outcomes behind it."""
    rows = []
    for term in term_names:
        if term == "entry_year_trend":
            rows.append(
                {
                    "variable": "Entry year",
                    "level": "each later year of entry",
                    "reference": f"the year before (trend from {first})",
                    "who": "each later year of entry",
                    "who_ref": "the year before",
                    "n": float(len(f)),
                    "events": float(f["permanent"].sum()),
                }
            )
            continue
        var, level = term.split(": ", 1)
        sel = f[var] == level
        rows.append(
            {
                "variable": MODEL_VARIABLES[var],
                "level": _level_label(var, level),
                "reference": _level_label(var, refs[var]),
                "who": _who(var, level),
                "who_ref": _who(var, refs[var]),
                "n": float(sel.sum()),
                "events": float(f.loc[sel, "permanent"].sum()),
            }
        )
    return rows


def _term_order(term: str) -> tuple:
    """Sort key: variables in model order; age bands youngest first; other levels alphabetically, "other" last."""
    if term == "entry_year_trend":
        return (len(MODEL_VARIABLES), 0, 0, "")
    var, level = term.split(": ", 1)
    first_number = [int(x) for x in level.replace("under", "0").split() if x.isdigit()]
    age = first_number[0] if var == "age_band" and first_number else 0
    return (list(MODEL_VARIABLES).index(var), level == f"other {MODEL_VARIABLES[var].lower()}", age, level)


def _who(var: str, level: str) -> str:
    """A noun phrase for the children in a category, for plain-English sentences."""
    if level == f"other {MODEL_VARIABLES.get(var, '').lower()}":  # levels grouped for the model
        return f"children with another {MODEL_VARIABLES[var].lower()}"
    if var == "age_band":
        return f"children aged {level} at entry"
    if var == "cin":
        name = CIN_LABELS.get(level)
        return f"children whose main need was {name} ({level})" if name else f"children in need category {level}"
    if var == "legal_status":
        return "children who entered care " + LEGAL_WORDS.get(level, f"with legal status {level}")
    if var == "placement":
        return "children first " + PLACEMENT_WORDS.get(level, f"placed in {level}")
    return level


PLACEMENT_WORDS = {
    "placed with parents": "placed with their parents",
    "residential": "placed in residential care",
    "independent living": "placed in independent living",
}


LEGAL_WORDS = {
    "care order (interim or full)": "on a care order (interim or full)",
    "section 20 (voluntary accommodation)": "under section 20 (voluntary accommodation)",
    "police protection or emergency order": "under police protection or an emergency protection order",
    "remand or youth justice": "on remand or under youth justice powers",
    "placement or freeing order": "on a placement or freeing order",
}


def stratified_change(m: Model) -> tuple[float, str]:
    """Largest relative change in a non-age hazard ratio when age at entry is strata rather than a covariate."""
    a = m.terms.set_index("term")["hr"]
    b = m.stratified.set_index("term")["hr"]
    common = b.index.intersection(a.index)
    if not len(common):
        return float("nan"), ""
    rel = (b[common] / a[common] - 1).abs()
    term = rel.idxmax()
    row = m.terms.set_index("term").loc[term]
    return float(rel.max()), f"{row['variable'].lower()} ({row['level']}): {a[term]:.2f} to {b[term]:.2f}"


def _level_label(var: str, level: str) -> str:
    if var == "cin":
        return f"{level} {CIN_LABELS[level]}" if level in CIN_LABELS else level
    return level
