"""``calibration.json``: every figure the synthetic authority is calibrated to, synthetic against published.

Written into each synthetic folder by :func:`.returns.write`. The synthetic
figures are measured the way the report measures real returns: the folder's
returns are loaded, stacked and put through the episode model
(:mod:`analysis.sources.ssda903.episodes`), and counted as DfE counts them.
The published figures are the targets of :mod:`.targets` (after filling
years DfE did not publish from the nearest year, and suppressed reasons as
described there). With them: the behavioural parameters and their sources
(:mod:`.params`) and what the simulation did each year (re-entries, UASC
starters, same-year returns).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import load
from analysis.sources.ssda903.synth import params as P
from analysis.sources.ssda903.synth.targets import AGE_BANDS, REASON_GROUPS, Targets

FILE = "calibration.json"

_REASON_COLUMNS = {g: E.CEASED_COLUMNS[g] for g in REASON_GROUPS}
_AGE_COLUMNS = dict(zip(AGE_BANDS, E.AGE_BAND_COLUMNS.values()))
#: The report's placement categories in each published placement group.
_PLACEMENT_GROUPS = {
    "foster": ("fostering",),
    "parents": ("placed with parents",),
    "adoption": ("adoption placement",),
}
_PROVIDER_GROUPS = {"own": ("PR1",), "other_la": ("PR2",), "private_voluntary": ("PR4", "PR5"), "parents": ("PR0",)}


def _r(x: float, digits: int = 4) -> float:
    """Rounded for a stable file (NaN as None is left to the caller)."""
    return round(float(x), digits)


def _mix(prepared: pd.DataFrame, y: int) -> tuple[dict[str, float], dict[str, float]]:
    """Placement-group and provider shares among the children looked after at 31 March ``y``."""
    on = E.looked_after_on(prepared, pd.Timestamp(y, 3, 31).date())
    n = max(len(on), 1)
    cat = on["placement_category"].astype(str)
    placement = {g: _r(sum(cat.str.endswith(c).sum() for c in cats) / n) for g, cats in _PLACEMENT_GROUPS.items()}
    placement["residential"] = _r(1.0 - sum(placement.values()))
    provider = {g: _r(on["PLACE_PROVIDER"].isin(codes).sum() / n) for g, codes in _PROVIDER_GROUPS.items()}
    return placement, provider


def _year_figures(counts: pd.Series, prepared: pd.DataFrame, tg: Targets, y: int, scale: float) -> dict:
    """One year's calibrated figures: synthetic against published."""
    ceased = max(int(counts["cla_ceased"]), 1)
    stock = max(int(counts["cla_31_march"]), 1)
    placement, provider = _mix(prepared, y)

    def pair(ours, theirs) -> dict:
        return {"synthetic": ours, "published": None if theirs is None else _r(theirs)}

    out = {
        "cla_31_march": pair(int(counts["cla_31_march"]), tg.cla[y] * scale),
        "cla_started": pair(int(counts["cla_started"]), tg.started[y] * scale),
        "cla_ceased": pair(int(counts["cla_ceased"]), tg.ceased[y] * scale),
        "ceased_reason_shares": {g: pair(_r(counts[c] / ceased), tg.reasons[y][g]) for g, c in _REASON_COLUMNS.items()},
        "age_shares_31_march": {
            b: pair(_r(counts[c] / stock), tg.stock_ages_in(y)[b]) for b, c in _AGE_COLUMNS.items()
        },
    }
    pub_pl, pub_pr = tg.placement_shares.get(y, {}), tg.provider_shares.get(y, {})
    out["placement_shares_31_march"] = {g: pair(v, pub_pl.get(g)) for g, v in placement.items()}
    out["provider_shares_31_march"] = {g: pair(v, pub_pr.get(g)) for g, v in provider.items()}
    if y in tg.uasc:
        on = E.looked_after_on(prepared, pd.Timestamp(y, 3, 31).date())
        uasc = int(on["CHILD"].isin(prepared.attrs.get("uasc_children", ())).sum())
        out["uasc_31_march"] = pair(uasc, tg.uasc[y] * scale)
    return out


_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"


def path_counts(ret, prepared: pd.DataFrame, raw=None) -> dict[str, int]:
    """How often each path real returns take occurs in stacked returns ``ret`` (``prepared``: its episode model;
    ``raw``: the returns before stacking, for the late episodes).

    Counted from the returns as written, the way an analyst would find them.
    """
    ep = ret.tables["episodes"]
    per = E.periods(prepared)
    n_periods = per.groupby("CHILD").size()
    uasc = set(ret.tables["uasc"]["CHILD"].astype(str)) if "uasc" in ret.tables else set()
    starts = per[per["first_rne"] == "S"]
    uasc_starts = starts[starts["CHILD"].isin(uasc)]
    rec = prepared.groupby("period_id")["REC"].last()
    at_18 = per[(per["age_at_start"].notna()) & per["end"].notna()]
    age_end = E.age_in_years(at_18["DOB"], at_18["end"].to_numpy())
    ad1 = ret.tables.get("ad1", pd.DataFrame(columns=["CHILD", "DATE_MATCH", "FOSTER_CARE"]))
    adopted = set(prepared.loc[prepared["REC"].isin(["E11", "E12"]), "CHILD"])
    first_e1 = prepared[prepared["LS"] == "E1"].groupby("CHILD")["DECOM"].min()
    match = pd.to_datetime(ad1.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DATE_MATCH"], errors="coerce")
    adoptive = prepared["PLACE"].isin(["A3", "A4", "A5", "A6"])
    after = prepared.groupby("period_id")["PLACE"].shift(-1)
    home = ep["HOME_POST"].fillna("").astype(str).str.strip()
    same_carer_code = prepared["RNE"].isin(["T", "U"]) & prepared["PLACE"].isin(["U1", "U4"])
    prev_perm = ret.tables.get("prev_perm", pd.DataFrame(columns=["PREV_PERM"]))["PREV_PERM"].astype(str)
    return {
        "children_with_more_than_one_period": int((n_periods > 1).sum()),
        "uasc_starting_aged_15_to_17": int((uasc_starts["age_at_start"] >= 15).sum()),
        "uasc_starting_under_15": int((uasc_starts["age_at_start"] < 15).sum()),
        "left_at_18_care_leaver_codes": int(
            (
                (age_end >= 18).to_numpy() & rec.reindex(at_18["period_id"]).isin(["E5", "E6", "E17", "E7"]).to_numpy()
            ).sum()
        ),
        "short_break_episodes_v3": int((ep["LS"] == "V3").sum()),
        "short_break_episodes_v4": int((ep["LS"] == "V4").sum()),
        "temporary_placements_t0_t4": int(prepared["PLACE"].isin(["T0", "T1", "T2", "T3", "T4"]).sum()),
        "same_carer_code_changes": int(same_carer_code.sum()),
        "foster_placements_becoming_adoptive_a3_a5": int(
            (prepared["PLACE"].isin(["A3", "A5"]) & prepared["RNE"].isin(["T", "U"])).sum()
        ),
        "adoption_by_consent_a4": int((prepared["PLACE"] == "A4").sum()),
        "matched_before_placement_order": int((match.reindex(first_e1.index) < first_e1).sum() if len(first_e1) else 0),
        "adoptive_placements_broken_down": int(
            (adoptive & after.notna() & ~after.isin(["A3", "A4", "A5", "A6"])).sum()
        ),
        "adopted_by_foster_carers": int(ad1["FOSTER_CARE"].astype(str).eq("1").sum()),
        "adoptions_missing_ad1": int(len(adopted - set(ad1["CHILD"].astype(str)))),
        "previous_permanence_adopted_p1": int((prev_perm == "P1").sum()),
        "previous_permanence_special_guardianship_p2": int((prev_perm == "P2").sum()),
        "previous_permanence_child_arrangements_p3": int((prev_perm == "P3").sum()),
        "previous_permanence_unknown_p4": int((prev_perm == "P4").sum()),
        "home_postcode_blank": int((home == "").sum()),
        "home_postcode_invalid": int(((home != "") & ~home.str.upper().str.match(_POSTCODE)).sum()),
        "adoptions_missing_placed_for_adoption": _missing_placed(ret),
        **(_late_counts(raw) if raw is not None else {}),
    }


def _missing_placed(ret) -> int:
    """Children placed for adoption (A3-A6) or with a placement order (E1) but no Placed for Adoption row."""
    ep, pa = ret.tables["episodes"], ret.tables["placed_adoption"]
    decided = ep.loc[ep["PLACE"].isin(["A3", "A4", "A5", "A6"]) | (ep["LS"] == "E1"), "CHILD"]
    return int(len(set(decided) - set(pa["CHILD"])))


def _late_counts(raw) -> dict[str, int]:
    """Late episodes in returns ``raw`` (not stacked): children whose start a later return adds (their first
    episode began in an earlier year of the data than the first return that has them), and episodes whose
    provider a later return changes."""
    ep = raw.tables["episodes"]
    first = ep.groupby("CHILD").agg(decom=("DECOM", "min"), year=("YEAR", "min"))
    begun = load.collection_year_of(first["decom"])
    late = (begun < first["year"]) & (begun >= min(raw.years))
    carried = ep.sort_values("YEAR").groupby(["CHILD", "DECOM"])["PLACE_PROVIDER"].agg(["nunique", "size"])
    return {
        "late_episodes_added": int(late.sum()),
        "late_episodes_corrected": int(((carried["size"] > 1) & (carried["nunique"] > 1)).sum()),
    }


def measure(folder: Path, tg: Targets, scale: float, simulated: dict[int, dict], defects: list[dict]) -> dict:
    """The calibration report of the returns in ``folder`` (as written, before the manifest), with the
    deliberate defects the generator made (``defects``, :func:`.returns._defects`)."""
    raw = load.load_return(folder)
    ret = load.stack(raw)
    prepared = E.prepare(ret.tables["episodes"], ret.tables["header"])
    uasc = ret.tables.get("uasc")
    prepared.attrs["uasc_children"] = set(uasc["CHILD"].astype(str)) if uasc is not None else set()
    years = [y for y in tg.years if y > tg.years[0]]  # the first year's starters began before the data
    counts = E.counts_by_year(prepared, years).set_index("year")
    per = E.periods(prepared)
    n_periods = per.groupby("CHILD").size()
    return {
        "synthetic": True,
        "la": tg.la.la_name,
        "note": (
            "SYNTHETIC: every figure under 'years' is the synthetic data measured as the report measures real "
            "returns, against the published figure it was calibrated to (nearest year where DfE published none)."
        ),
        "children": int(len(n_periods)),
        "periods": int(len(per)),
        "children_with_more_than_one_period": int((n_periods > 1).sum()),
        "share_with_more_than_one_period": _r(float((n_periods > 1).mean()) if len(n_periods) else 0.0),
        "short_break_episodes_excluded": int(prepared.attrs["dropped"]["short_breaks"]),
        "paths": path_counts(ret, prepared, raw),
        "deliberate_defects": defects,
        "years": {str(y): _year_figures(counts.loc[y], prepared, tg, y, scale) for y in years},
        "simulation": {str(y): {k: int(v) for k, v in s.items()} for y, s in sorted(simulated.items())},
        "parameters": P.as_dict(),
    }


def write(folder: Path, report: dict) -> Path:
    """Write ``calibration.json`` into ``folder`` (sorted keys, so the same report gives the same bytes)."""
    path = Path(folder) / FILE
    path.write_text(json.dumps(report, indent=2, sort_keys=True, default=_default) + "\n", encoding="utf-8")
    return path


def _default(value):
    """numpy scalars as Python numbers."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
