"""Assemble ``data/published`` from the extracted rows: the registry, precedence, revisions, manifest."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.sources.published import (
    COLUMNS,
    LOCAL_AUTHORITY,
    MANIFEST_FILE,
    MEASURES,
    NATIONAL,
    NEIGHBOUR_COLUMNS,
    NEIGHBOURS_FILE,
    REGIONAL,
    REVISION_COLUMNS,
    REVISIONS_FILE,
    TABLE_FILE,
)
from analysis.sources.refresh.base import (
    _LEVEL_ORDER,
    _READ_CACHE,
    DFE,
    KEY,
    LICENCE,
    LICENCE_URL,
    Extracted,
    Extractor,
    Release,
)
from analysis.sources.refresh.dfe_ees import (
    _EES_CEASED_GROUPS,
    _EES_CEASED_MEASURES,
    _EES_CLA_GROUPS,
    _EES_CLA_MEASURES,
    _EES_NEW_PLACEMENT_GROUPS,
    _EES_NEW_PLACEMENT_MEASURES,
    _EES_STABILITY_GROUPS,
    _EES_STABILITY_MEASURES,
    _EES_STARTED_GROUPS,
    _EES_STARTED_MEASURES,
    _adoption_timeliness,
    _ees_breakdown,
    _ees_number_rate,
)
from analysis.sources.refresh.dfe_sfr import (
    _sfr_adm_breakdown,
    _sfr_cea_breakdown,
    _sfr_cla_breakdown,
    _sfr_single,
    _ud_cla,
    _ud_flow,
)
from analysis.sources.refresh.neighbours import read_neighbours
from analysis.sources.refresh.ofsted import (
    OFSTED,
    _ofsted_fostering,
    _resolve_names,
)
from analysis.sources.refresh.ons import (
    _ons_population,
)

EXTRACTORS: tuple[Extractor, ...] = (
    Extractor(
        "sfr_cla_31_march",
        "dfe-cla-la-level/sfr_*/SFR*_CLA[0-9][0-9][0-9][0-9].csv",
        "DfE SFR underlying data, children looked after at 31 March (SFRnn_CLAyyyy.csv, 2013-2017)",
        _sfr_single("cla_31_march", "CLA"),
    ),
    Extractor(
        "sfr_cla_started",
        "dfe-cla-la-level/sfr_*/SFR*_ADM[0-9][0-9][0-9][0-9].csv",
        "DfE SFR underlying data, children starting to be looked after (SFRnn_ADMyyyy.csv)",
        _sfr_single("cla_started", "ADM"),
    ),
    Extractor(
        "sfr_cla_ceased",
        "dfe-cla-la-level/sfr_*/SFR*_CEA[0-9][0-9][0-9][0-9].csv",
        "DfE SFR underlying data, children ceasing to be looked after (SFRnn_CEAyyyy.csv)",
        _sfr_single("cla_ceased", "CEA"),
    ),
    Extractor(
        "ud_cla_31_march",
        "dfe-cla-la-level/sfr_*/CLA[0-9][0-9][0-9][0-9].csv",
        "DfE underlying data with 5-year CLA_Mar/CLA_Pop/CLA_Rate series (CLA2018.csv, CLA2019.csv)",
        _ud_cla,
    ),
    Extractor(
        "ud_cla_started",
        "dfe-cla-la-level/sfr_*/ADM[0-9][0-9][0-9][0-9]*.csv",
        "DfE underlying data with 5-year CLA_startedYYYY series (ADM2018*.csv, ADM2019.csv)",
        _ud_flow("cla_started", r"CLA_started(\d{4})", r"Started_CLA_Rate(\d{4})", "starting to be looked after"),
    ),
    Extractor(
        "ud_cla_ceased",
        "dfe-cla-la-level/sfr_*/CEA[0-9][0-9][0-9][0-9]*.csv",
        "DfE underlying data with 5-year CLA_ceaseYYYY series (CEA2018.csv, CEA2019.csv)",
        _ud_flow("cla_ceased", r"CLA_cease(\d{4})", r"Ceased_CLA_Rate(\d{4})", "ceasing to be looked after"),
    ),
    Extractor(
        "ees_number_and_rate",
        "dfe-cla-la-level/ees_*/cla_number_and_rate_per_10k_children.csv",
        "DfE Explore Education Statistics cla_number_and_rate_per_10k_children.csv",
        _ees_number_rate,
    ),
    Extractor(
        "ons_population_0_17",
        "ons-population-0-17/ons_mid-year_population_estimates_*.csv",
        "ONS mid-year population estimates of children aged 0 to 17 by LA",
        _ons_population,
    ),
    # Breakdowns (placement, provider, age, locality, legal status, UASC, flows,
    # stability, new placements, adoption timeliness, Ofsted fostering).
    Extractor(
        "sfr_cla_breakdowns",
        "dfe-cla-la-level/sfr_*/SFR*_CLA[0-9][0-9][0-9][0-9].csv",
        "DfE SFR underlying data, children looked after at 31 March by characteristics (SFRnn_CLAyyyy.csv)",
        _sfr_cla_breakdown,
        required=False,
    ),
    Extractor(
        "ud_cla_breakdowns",
        "dfe-cla-la-level/sfr_*/CLA[0-9][0-9][0-9][0-9].csv",
        "DfE underlying data, children looked after at 31 March by characteristics (CLA2018.csv, CLA2019.csv)",
        _sfr_cla_breakdown,
        required=False,
    ),
    Extractor(
        "sfr_started_by_age",
        "dfe-cla-la-level/sfr_*/*ADM[0-9][0-9][0-9][0-9]*.csv",
        "DfE SFR/underlying data, children starting to be looked after by age (SCLA_U1 ... SCLA_16over)",
        _sfr_adm_breakdown,
        required=False,
    ),
    Extractor(
        "sfr_ceased_by_reason",
        "dfe-cla-la-level/sfr_*/*CEA[0-9][0-9][0-9][0-9]*.csv",
        "DfE SFR/underlying data, children ceasing to be looked after by reason (CEA_*/CLA_cea*)",
        _sfr_cea_breakdown,
        required=False,
    ),
    Extractor(
        "ees_cla_31_march_by_characteristics",
        "dfe-cla-la-level/ees_*/la_cla_on_31_march_by_characteristics*.csv",
        "DfE EES children looked after on 31 March by characteristics, LA level (placement, provider, age, ...)",
        _ees_breakdown(_EES_CLA_GROUPS, _EES_CLA_MEASURES, "children looked after on 31 March by characteristics"),
        required=False,
    ),
    Extractor(
        "ees_started_by_age",
        "dfe-cla-la-level/ees_*/la_cla_who_started_to_be_looked_after.csv",
        "DfE EES children who started to be looked after, LA level",
        _ees_breakdown(_EES_STARTED_GROUPS, _EES_STARTED_MEASURES, "children starting to be looked after by age group"),
        required=False,
    ),
    Extractor(
        "ees_ceased_by_reason",
        "dfe-cla-la-level/ees_*/la_children_who_ceased_during_*year.csv",
        "DfE EES children who ceased to be looked after during the year, LA level",
        _ees_breakdown(
            _EES_CEASED_GROUPS, _EES_CEASED_MEASURES, "children ceasing to be looked after by reason episode ceased"
        ),
        required=False,
    ),
    Extractor(
        "ees_placement_stability",
        "dfe-cla-la-level/ees_*/la_cla_*placement_stability*.csv",
        "DfE EES placement stability, LA level",
        _ees_breakdown(_EES_STABILITY_GROUPS, _EES_STABILITY_MEASURES, "placement stability indicators"),
        required=False,
    ),
    Extractor(
        "ees_new_placements",
        "dfe-cla-la-level/ees_*/la_cla_during_year_new_placements.csv",
        "DfE EES new placements during the year, LA level",
        _ees_breakdown(
            _EES_NEW_PLACEMENT_GROUPS, _EES_NEW_PLACEMENT_MEASURES, "location of new placements during the year"
        ),
        required=False,
    ),
    Extractor(
        "ees_adoption_timeliness",
        "dfe-cla-la-level/ees_*/national_cla_adopted_average_time_between_adoption_process_stages.csv",
        "DfE EES national average time between adoption process stages",
        _adoption_timeliness,
        required=False,
    ),
    Extractor(
        "ofsted_fostering",
        "ofsted-fostering-la/*.csv",
        "Ofsted Fostering in England, local-authority fostering services data (one file per year)",
        _ofsted_fostering,
        required=False,
    ),
)
"""The registry of table extractors, applied in order."""


@dataclass(frozen=True)
class Skipped:
    """A registry entry for source files that are deliberately not read (yet).

    Attributes
    ----------
    pattern : str
        Glob relative to the source folder.
    reason : str
        Why the files are not read; written to the manifest with each file.
    """

    pattern: str
    reason: str


SKIPPED: tuple[Skipped, ...] = (
    Skipped(
        "statistical-neighbours/raw_smapey_*.csv",
        "The raw DfE file (smapey dashboard early-years profile data with each authority's statistical "
        "neighbours) from which DfE_childrens_services_statistical_neighbours_pre2021_smapey.csv was derived "
        "(columns renamed, values unchanged); the 2018 neighbour model is read from the derived file.",
    ),
    Skipped(
        "dfe-lait/*",
        "DfE Local Authority Interactive Tool (LAIT) compiled time series (S251 weekly unit costs, "
        "placement stability, adoption): not derived yet.",
    ),
    Skipped(
        "dfe-s251-outturn/*",
        "DfE Section 52 / Section 251 outturn, LA-level children's services expenditure 2008-09 to "
        "2013-14: not derived yet.",
    ),
    Skipped("deflators/*", "HM Treasury and ONS GDP deflators: not derived yet."),
)
"""Source files that are present but not read, each recorded in the manifest with its reason.

Documentation (``SOURCES.md``) is never listed. A file matched here is left out
of every extractor and of the statistical neighbours.
"""

DOCUMENTATION = "SOURCES.md"


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class RefreshSummary:
    """What :func:`refresh` wrote.

    Attributes
    ----------
    out_dir : Path
        Where the files were written.
    rows : int
        Rows in ``cla_published.csv``.
    measures : dict
        Rows with a value, per measure.
    years : tuple of int
        Reporting years covered.
    areas : dict
        Distinct areas per geographic level.
    sources : int
        Source files read.
    releases : tuple of str
        Releases that supplied at least one kept value, oldest first.
    revisions : int
        Superseded values that differ from the kept one (``revisions.csv``).
    neighbour_rows : int
        Rows in ``statistical_neighbours.csv``.
    notes : tuple of str
        Adjustments made while reading (e.g. relabelled columns).
    skipped : int
        Source files deliberately not read (:data:`SKIPPED`), listed in the manifest.
    """

    out_dir: Path
    rows: int
    measures: dict[str, int]
    years: tuple[int, ...]
    areas: dict[str, int]
    sources: int
    releases: tuple[str, ...]
    revisions: int
    neighbour_rows: int
    notes: tuple[str, ...] = ()
    skipped: int = 0

    def __str__(self) -> str:
        lines = [
            f"Wrote {self.out_dir}:",
            f"  {TABLE_FILE}: {self.rows} rows, years {self.years[0]}-{self.years[-1]}, "
            + ", ".join(f"{n} {level.lower()}" for level, n in self.areas.items())
            + " areas",
            f"  {len(self.measures)} measures, {sum(self.measures.values()):,} values "
            f"(children looked after at 31 March: {self.measures.get('cla_31_march', 0):,})",
            f"  releases kept: {', '.join(self.releases)}",
            f"  {REVISIONS_FILE}: {self.revisions} superseded values that a later release changed",
            f"  {NEIGHBOURS_FILE}: {self.neighbour_rows} rows",
            f"  {MANIFEST_FILE}: {self.sources} source files with sha256",
        ]
        if self.skipped:
            lines.append(
                f"  {self.skipped} source files not read (listed with the reason under skipped in the manifest)"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


# --------------------------------------------------------------------------- assembly: helpers


def _csv_number(value: float) -> str:
    """A value as written to the CSV files: blank for NaN, no ".0" on whole numbers, else full precision."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    if v.is_integer():
        return str(int(v))
    return repr(v)


def _area(frame: pd.DataFrame) -> pd.Series:
    level = frame["geographic_level"]
    return frame["old_la_code"].where(level == LOCAL_AUTHORITY, frame["region_code"].where(level == REGIONAL, ""))


def _latest_lookup(cands: pd.DataFrame, key: str, cols: list[str], level: str) -> pd.DataFrame:
    """Per ``key``, the ``cols`` of the latest (release, year) row where they are set."""
    rows = cands[(cands["geographic_level"] == level) & (cands[cols[0]] != "")]
    rows = rows.sort_values(["_order", "year", "source", "measure"])
    return rows.drop_duplicates(key, keep="last").set_index(key)[cols]


def _same(a_val, a_mark, b_val, b_mark) -> bool:
    if a_mark != b_mark:
        return False
    if math.isnan(a_val) and math.isnan(b_val):
        return True
    return not (math.isnan(a_val) or math.isnan(b_val)) and abs(a_val - b_val) < 1e-9


def _to_csv(frame: pd.DataFrame, columns: tuple[str, ...]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(frame.loc[:, list(columns)].to_numpy(dtype=object).tolist())
    return buf.getvalue().encode("utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- assembly: steps

Parsed = list[tuple[str, str, Extracted]]
"""(extractor name, relative path, what it extracted), in registry order."""


def _skipped_files(source_dir: Path) -> dict[str, str]:
    """Relative path -> reason, for every file matched by :data:`SKIPPED` (documentation apart)."""
    out: dict[str, str] = {}
    for entry in SKIPPED:
        for path in sorted(source_dir.glob(entry.pattern)):
            if path.is_file() and path.name != DOCUMENTATION:
                out.setdefault(path.relative_to(source_dir).as_posix(), entry.reason)
    return dict(sorted(out.items()))


def _extract_all(source_dir: Path, skip: dict[str, str]) -> Parsed:
    """Apply every extractor to the files its glob matches (skipped files apart)."""
    if not source_dir.is_dir():
        raise InputError(
            f"{source_dir}: source folder not found; expected a folder laid out like shared/data with "
            "dfe-cla-la-level/, ons-population-0-17/ and statistical-neighbours/."
        )
    parsed: Parsed = []
    for ex in EXTRACTORS:
        paths = [p for p in sorted(source_dir.glob(ex.pattern)) if p.relative_to(source_dir).as_posix() not in skip]
        if not paths and ex.required:
            folder = ex.pattern.split("/")[0]
            where = "" if (source_dir / folder).is_dir() else f" (folder {folder}/ is missing)"
            raise InputError(f"{source_dir}: no file matches {ex.pattern}{where}; expected {ex.expected}.")
        for path in paths:
            rel = path.relative_to(source_dir).as_posix()
            parsed.append((ex.name, rel, ex.parse(path, rel)))
    return parsed


def _resolve_area_names(parsed: Parsed) -> None:
    """Give rows that name their area only (Ofsted) DfE's codes, for the same year (in place)."""
    if not any(got.resolve_names for _, _, got in parsed):
        return
    order_of = {r: i for i, r in enumerate(sorted({g.release for _, _, g in parsed}, key=Release.sort_key))}
    dfe = pd.concat(
        [
            g.frame[(g.frame["measure"] == "cla_31_march") & (g.frame["geographic_level"] != NATIONAL)].assign(
                _order=order_of[g.release]
            )
            for _, _, g in parsed
            if not g.resolve_names
        ],
        ignore_index=True,
    )
    for _, rel, got in parsed:
        if got.resolve_names:
            got.frame, more = _resolve_names(got, rel, dfe)
            got.notes.extend(more)


def _checked(parsed: Parsed) -> Parsed:
    """Reject unknown measures and conflicting duplicates; drop identical duplicates."""
    extracts: Parsed = []
    for name, rel, got in parsed:
        unknown = sorted(set(got.frame["measure"]) - set(MEASURES))
        if unknown:
            raise InputError(f"{rel}: extractor {name} produced unknown measure(s) {', '.join(unknown)}.")
        dup = got.frame.assign(area=_area(got.frame)).duplicated(KEY, keep=False)
        if dup.any():
            clash = got.frame[dup].assign(area=_area(got.frame[dup]))
            distinct = clash.drop_duplicates(KEY + ["value", "marker"]).duplicated(KEY, keep=False)
            if distinct.any():
                first = clash[distinct].iloc[0]
                raise InputError(
                    f"{rel}: conflicting values for {first['measure']} {first['year']} "
                    f"{first['geographic_level']} {first['area']!r}; expected one row per area and year."
                )
            got.frame = got.frame[~got.frame.assign(area=_area(got.frame)).duplicated(KEY)]
        extracts.append((name, rel, got))
    return extracts


def _releases(extracts: Parsed) -> tuple[list[Release], dict[str, int]]:
    """Releases in order of precedence and each one's rank (by name).

    Precedence: a file's release year (latest reporting year in it), then kind
    (SFR table < underlying data < EES), then name; within a release, file path.
    """
    releases = sorted({e.release for _, _, e in extracts}, key=Release.sort_key)
    order = {r.name: i for i, r in enumerate(releases)}
    if len(order) != len(releases):
        raise InputError("Two different releases share a name; rename one of the source folders.")
    return releases, order


def _candidates(extracts: Parsed, order: dict[str, int]) -> pd.DataFrame:
    """Every extracted row with its release, source and precedence, sorted by precedence."""
    frames = []
    for _, rel, got in extracts:
        f = got.frame.copy()
        f["release"] = got.release.name
        f["source"] = rel
        f["_order"] = order[got.release.name]
        frames.append(f)
    cands = pd.concat(frames, ignore_index=True)
    cands["year"] = cands["year"].astype(int)
    cands["value"] = cands["value"].astype(float)
    cands["area"] = _area(cands)
    return cands.sort_values(["_order", "source"] + KEY, kind="mergesort").reset_index(drop=True)


def _harmonise_names(cands: pd.DataFrame) -> pd.Series:
    """One name and region per LA (the latest), one name per region, set in place; return LA names."""
    la_names = _latest_lookup(cands, "old_la_code", ["la_name"], LOCAL_AUTHORITY)["la_name"]
    la_regions = _latest_lookup(cands, "old_la_code", ["region_code", "region_name"], LOCAL_AUTHORITY)
    region_names = _latest_lookup(
        cands[cands["release"].str.contains("EES|ONS")], "region_code", ["region_name"], REGIONAL
    )["region_name"]
    is_la = cands["geographic_level"] == LOCAL_AUTHORITY
    cands.loc[is_la, "la_name"] = cands.loc[is_la, "old_la_code"].map(la_names)
    cands.loc[is_la, "region_code"] = cands.loc[is_la, "old_la_code"].map(la_regions["region_code"]).fillna("")
    cands.loc[is_la, "region_name"] = cands.loc[is_la, "old_la_code"].map(la_regions["region_name"]).fillna("")
    has_region = cands["region_code"] != ""
    cands.loc[has_region, "region_name"] = (
        cands.loc[has_region, "region_code"].map(region_names).fillna(cands.loc[has_region, "region_name"])
    )
    return la_names


def _latest_wins(cands: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The kept table (latest release per key, sorted) and the superseded values that differ (merged)."""
    winner_mask = ~cands.duplicated(KEY, keep="last")
    winners = cands[winner_mask]
    losers = cands[~winner_mask]
    merged = losers.merge(winners, on=KEY, suffixes=("_old", "_new"))
    changed = [
        not _same(a, b, c, d)
        for a, b, c, d in zip(merged["value_old"], merged["marker_old"], merged["value_new"], merged["marker_new"])
    ]
    revisions = merged[changed].copy()
    table = winners.copy()
    table["_level"] = table["geographic_level"].map(_LEVEL_ORDER)
    table["_measure"] = table["measure"].map({m: i for i, m in enumerate(MEASURES)})
    table = table.sort_values(["_level", "region_code", "old_la_code", "_measure", "year"], kind="mergesort")
    return table, revisions


def _revision_rows(revisions: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``revisions.csv`` (source columns still paths), sorted."""
    return pd.DataFrame(
        {
            "year": revisions["year"].astype(str),
            "geographic_level": revisions["geographic_level"],
            "old_la_code": revisions["old_la_code_new"],
            "region_code": revisions["region_code_new"],
            "area_name": revisions["la_name_new"].where(revisions["la_name_new"] != "", revisions["region_name_new"]),
            "measure": revisions["measure"],
            "old_value": revisions["value_old"].map(_csv_number),
            "old_marker": revisions["marker_old"],
            "old_release": revisions["release_old"],
            "old_source": revisions["source_old"],
            "new_value": revisions["value_new"].map(_csv_number),
            "new_marker": revisions["marker_new"],
            "new_release": revisions["release_new"],
            "new_source": revisions["source_new"],
            "_level": revisions["geographic_level"].map(_LEVEL_ORDER),
            "_measure": revisions["measure"].map({m: i for i, m in enumerate(MEASURES)}),
            "_order": revisions["_order_old"],
        }
    ).sort_values(
        ["_level", "region_code", "old_la_code", "_measure", "year", "_order", "old_source"], kind="mergesort"
    )


def _source_ids(extracts: Parsed, sn_sources: list[tuple[str, Path, int]]) -> dict[str, str]:
    """Relative path -> short id for every file read; the ids must be distinct."""
    ids = {rel: source_id(rel) for rel in sorted({rel for _, rel, _ in extracts} | {rel for rel, _, _ in sn_sources})}
    if len(set(ids.values())) != len(ids):
        raise InputError("Two source files have the same short id; rename one of them.")
    return ids


def _source_rows(
    source_dir: Path, extracts: Parsed, sn_sources: list[tuple[str, Path, int]], ids: dict[str, str]
) -> list[dict]:
    """The manifest's ``sources``: table files (by path), then neighbour files."""
    rel_of = {rel: got.release for _, rel, got in extracts}
    ext_of: dict[str, list[str]] = {}
    for name, rel, _ in extracts:
        ext_of.setdefault(rel, []).append(name)
    sources = []
    for rel in sorted(rel_of):
        p = source_dir / rel
        sources.append(
            {
                "id": ids[rel],
                "path": rel,
                "sha256": _sha256(p),
                "bytes": p.stat().st_size,
                "publisher": rel_of[rel].publisher,
                "release": rel_of[rel].name,
                "extractor": ", ".join(ext_of[rel]),
                "output": TABLE_FILE,
            }
        )
    for rel, p, model in sn_sources:
        sources.append(
            {
                "id": ids[rel],
                "path": rel,
                "sha256": _sha256(p),
                "bytes": p.stat().st_size,
                "publisher": DFE,
                "release": f"statistical neighbours {model} model",
                "extractor": "statistical_neighbours",
                "output": NEIGHBOURS_FILE,
            }
        )
    return sources


def _skipped_rows(source_dir: Path, skip: dict[str, str]) -> list[dict]:
    """The manifest's ``skipped``: each file not read, with its size, sha256 and reason."""
    return [
        {
            "path": rel,
            "sha256": _sha256(source_dir / rel),
            "bytes": (source_dir / rel).stat().st_size,
            "reason": reason,
        }
        for rel, reason in skip.items()
    ]


def _manifest(
    table: pd.DataFrame,
    releases: list[Release],
    order: dict[str, int],
    files: dict[str, bytes],
    table_csv: bytes,
    sources: list[dict],
    skipped: list[dict],
    notes: tuple[str, ...],
) -> dict:
    """The provenance manifest: licence, publishers, releases, outputs, sources read and not read."""
    used = set(table["release"])
    release_rows = [
        {
            "name": r.name,
            "release_year": r.year,
            "precedence": order[r.name],
            "publisher": r.publisher,
            "publication": r.publication,
            "values_kept": int((table["release"] == r.name).sum()),
        }
        for r in releases
    ]
    manifest = {
        "title": "Children looked after in England: published LA-level figures (derived)",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": (
            "Contains public sector information licensed under the Open Government Licence v3.0: "
            "Department for Education, 'Children looked after in England including adoptions' "
            "(SFR underlying data 2013-2019 and Explore Education Statistics releases) and DfE "
            "statistical-neighbour groupings; Office for National Statistics mid-year population estimates"
            + (
                "; Ofsted, 'Fostering in England' (local-authority fostering services data)"
                if OFSTED in {r.publisher for r in releases}
                else ""
            )
            + "."
        ),
        "publishers": sorted({r.publisher for r in releases} | {DFE}),
        "publications": sorted({r.publication for r in releases if r.name in used}),
        "releases": release_rows,
        "release_rule": (
            "A value for the same (measure, year, area) can appear in several releases; only the one from "
            "the latest release is kept (release year = latest reporting year in the file, then SFR table < "
            "underlying data < EES, then release name). Superseded values that differ are in revisions.csv."
        ),
        "measures": list(MEASURES),
        "source_ids": (
            "The source, old_source and new_source columns of cla_published.csv and revisions.csv hold the id "
            "of a file listed under sources: 's' followed by the first 6 hex digits of the SHA-256 of its path."
        ),
        "outputs": {
            name: {
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": (table_csv if name == TABLE_FILE else data).count(b"\n") - 1,
            }
            for name, data in sorted(files.items())
        },
        "sources": sources,
        "notes": list(notes),
    }
    if skipped:
        manifest["skipped"] = skipped
    return manifest


def _build(source_dir: Path) -> tuple[dict[str, bytes], RefreshSummary]:
    _READ_CACHE.clear()
    try:
        return _build_uncached(source_dir)
    finally:
        _READ_CACHE.clear()


def _build_uncached(source_dir: Path) -> tuple[dict[str, bytes], RefreshSummary]:
    """Read the source folder and return the output files (name -> bytes) and a summary."""
    skip = _skipped_files(source_dir) if source_dir.is_dir() else {}
    parsed = _extract_all(source_dir, skip)
    _resolve_area_names(parsed)
    extracts = _checked(parsed)
    releases, order = _releases(extracts)
    cands = _candidates(extracts, order)
    la_names = _harmonise_names(cands)
    table, revisions = _latest_wins(cands)
    sn, sn_sources = read_neighbours(source_dir, la_names, set(skip))

    # The source columns hold short ids (defined in the manifest) to keep the tables compact.
    ids = _source_ids(extracts, sn_sources)
    table_out = table.assign(value=table["value"].map(_csv_number), year=table["year"].astype(str))
    table_out = table_out.assign(source=table_out["source"].map(ids))
    rev = _revision_rows(revisions)
    rev = rev.assign(old_source=rev["old_source"].map(ids), new_source=rev["new_source"].map(ids))
    sn_out = sn.assign(model=sn["model"].astype(str), rank=sn["rank"].astype(str))

    table_csv = _to_csv(table_out, COLUMNS)
    files = {
        TABLE_FILE: gzip.compress(table_csv, compresslevel=9, mtime=0),
        REVISIONS_FILE: _to_csv(rev, REVISION_COLUMNS),
        NEIGHBOURS_FILE: _to_csv(sn_out, NEIGHBOUR_COLUMNS),
    }
    sources = _source_rows(source_dir, extracts, sn_sources, ids)
    notes = tuple(dict.fromkeys(n for _, _, got in extracts for n in got.notes))
    manifest = _manifest(table, releases, order, files, table_csv, sources, _skipped_rows(source_dir, skip), notes)
    files[MANIFEST_FILE] = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

    used = set(table["release"])
    with_value = table[table["value"].notna()]
    summary = RefreshSummary(
        out_dir=Path(),
        rows=len(table),
        measures={
            m: int(n) for m, n in with_value["measure"].value_counts().reindex(list(MEASURES), fill_value=0).items()
        },
        years=tuple(sorted(int(y) for y in table["year"].unique())),
        areas={
            level: int(table.loc[table["geographic_level"] == level, "area"].nunique())
            for level in (NATIONAL, REGIONAL, LOCAL_AUTHORITY)
        },
        sources=len(sources),
        releases=tuple(r.name for r in releases if r.name in used),
        revisions=len(rev),
        neighbour_rows=len(sn),
        notes=notes,
        skipped=len(skip),
    )
    return files, summary


def source_id(path: str) -> str:
    """Short id of a source file, written to the ``source`` columns (``"s"`` + 6 hex digits).

    It depends only on the file's path relative to the source folder, so it is
    stable when other files are added.
    """
    return "s" + hashlib.sha256(path.encode("utf-8")).hexdigest()[:6]


def refresh(source_dir: Path, out_dir: Path) -> RefreshSummary:
    """Re-derive ``data/published`` from DfE/ONS downloads.

    Parameters
    ----------
    source_dir : Path
        A folder laid out like ``shared/data`` (``dfe-cla-la-level/``,
        ``ons-population-0-17/``, ``statistical-neighbours/``). Newer DfE
        downloads in the same layout (e.g. ``ees_2022_2026/``) are picked up by
        the globs in :data:`EXTRACTORS` and win as the latest release.
    out_dir : Path
        Where to write ``cla_published.csv``, ``revisions.csv``,
        ``statistical_neighbours.csv`` and ``manifest.json``.

    Returns
    -------
    RefreshSummary
        Counts of what was written; ``str()`` of it is a short report.

    Raises
    ------
    InputError
        If a source folder or file is missing, or a file lacks an expected
        column; the message names the file. Nothing is written to ``out_dir``
        unless the whole refresh succeeds.
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    files, summary = _build(source_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".refresh-", dir=out_dir.parent))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        out_dir.mkdir(exist_ok=True)
        for name in files:
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return RefreshSummary(**{**summary.__dict__, "out_dir": out_dir})
