"""Read the committed public-data layer in ``data/published``.

This is the reader the notebooks use. It runs from the committed files alone
(no access to the original DfE/ONS downloads is needed); those files are made
by :func:`analysis.sources.refresh.refresh`, and ``data/README.md`` describes them.

The main table, ``cla_published.csv``, is tidy: one row per reporting year,
area and measure, holding only the latest published vintage of each value.
Besides the totals and rates it carries DfE's published breakdowns (placement
type and provider, age, locality and distance, legal status, UASC, starters by
age, reasons for ceasing, placement stability, new placements), national
adoption timeliness and Ofsted's LA fostering figures; :data:`MEASURES` lists
them and ``data/README.md`` defines each one and its years.
"""

from __future__ import annotations

import difflib
import gzip
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import InputError

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "published"
"""Default folder of the committed public data."""

TABLE_FILE = "cla_published.csv.gz"  # gzip: 21 MB of CSV is about 1.5 MB compressed
REVISIONS_FILE = "revisions.csv"
NEIGHBOURS_FILE = "statistical_neighbours.csv"
MANIFEST_FILE = "manifest.json"

COLUMNS = (
    "year",
    "geographic_level",
    "new_la_code",
    "old_la_code",
    "la_name",
    "region_code",
    "region_name",
    "measure",
    "value",
    "marker",
    "release",
    "source",
)
"""Columns of ``cla_published.csv``, in order (a contract).

``source`` is a short source-file id (``"s"`` + 6 hex digits); ``manifest.json``
lists every id under ``sources`` with its path, release and SHA-256
(``{s["id"]: s["path"] for s in load_manifest()["sources"]}``).
"""

MEASURES = (
    # Totals, rates and populations.
    "cla_31_march",
    "cla_31_march_rate",
    "cla_started",
    "cla_started_rate",
    "cla_ceased",
    "cla_ceased_rate",
    "population_0_17_dfe",
    "population_0_17_ons",
    # Children looked after at 31 March by placement type (DfE's published groups);
    # each count is followed by its published percentage where DfE published one.
    "cla_placement_foster",
    "cla_placement_foster_pct",
    "cla_placement_adoption",
    "cla_placement_adoption_pct",
    "cla_placement_parents",
    "cla_placement_parents_pct",
    "cla_placement_community",  # groups as published up to 2019 ...
    "cla_placement_community_pct",
    "cla_placement_secure_homes_semi_independent",
    "cla_placement_secure_homes_semi_independent_pct",
    "cla_placement_secure_childrens_homes",  # ... and as regrouped by DfE in 2024 (2021-2025 here)
    "cla_placement_secure_childrens_homes_pct",
    "cla_placement_independent_supported",
    "cla_placement_independent_supported_pct",
    "cla_placement_other_residential",
    "cla_placement_other_residential_pct",
    "cla_placement_residential_schools",
    "cla_placement_residential_schools_pct",
    "cla_placement_other",
    "cla_placement_other_pct",
    "cla_placement_missing",  # 2013-2014 only
    # ... by placement provider (all placement types).
    "cla_provider_own",
    "cla_provider_own_pct",
    "cla_provider_other_la",
    "cla_provider_other_la_pct",
    "cla_provider_other_public",
    "cla_provider_other_public_pct",
    "cla_provider_private",
    "cla_provider_private_pct",
    "cla_provider_voluntary",
    "cla_provider_voluntary_pct",
    "cla_provider_parents",
    "cla_provider_parents_pct",
    "cla_provider_not_recorded",
    "cla_provider_not_recorded_pct",
    # ... by age at 31 March.
    "cla_age_under_1",
    "cla_age_under_1_pct",
    "cla_age_1_4",
    "cla_age_1_4_pct",
    "cla_age_5_9",
    "cla_age_5_9_pct",
    "cla_age_10_15",
    "cla_age_10_15_pct",
    "cla_age_16_over",
    "cla_age_16_over_pct",
    # ... by locality of placement and distance from home.
    "cla_inside_la",
    "cla_inside_la_pct",
    "cla_outside_la",
    "cla_outside_la_pct",
    "cla_20_miles_or_less",
    "cla_20_miles_or_less_pct",
    "cla_over_20_miles",
    "cla_over_20_miles_pct",
    "cla_distance_not_known",
    "cla_distance_not_known_pct",
    "cla_inside_la_20_miles_or_less",
    "cla_inside_la_20_miles_or_less_pct",
    "cla_outside_la_20_miles_or_less",
    "cla_outside_la_20_miles_or_less_pct",
    "cla_inside_la_over_20_miles",
    "cla_inside_la_over_20_miles_pct",
    "cla_outside_la_over_20_miles",
    "cla_outside_la_over_20_miles_pct",
    "cla_inside_la_distance_not_known",
    "cla_inside_la_distance_not_known_pct",
    "cla_outside_la_distance_not_known",
    "cla_outside_la_distance_not_known_pct",
    # ... by legal status.
    "cla_legal_interim_care_order",
    "cla_legal_interim_care_order_pct",
    "cla_legal_full_care_order",
    "cla_legal_full_care_order_pct",
    "cla_legal_placement_order",
    "cla_legal_placement_order_pct",
    "cla_legal_freed_for_adoption",
    "cla_legal_freed_for_adoption_pct",
    "cla_legal_section_20",
    "cla_legal_section_20_pct",
    "cla_legal_youth_justice",
    "cla_legal_youth_justice_pct",
    "cla_legal_other",
    "cla_legal_other_pct",
    # ... unaccompanied asylum-seeking children.
    "cla_uasc",
    "cla_uasc_pct",
    # Children who started to be looked after during the year, by age on starting.
    "started_age_under_1",
    "started_age_1_4",
    "started_age_5_9",
    "started_age_10_15",
    "started_age_16_over",
    # Children who ceased to be looked after during the year, by reason (the six add to cla_ceased).
    "ceased_adopted",
    "ceased_sgo",
    "ceased_cao",
    "ceased_returned_home",
    "ceased_independent_living",
    "ceased_other",
    # Placement stability.
    "stability_3plus_placements",
    "stability_3plus_placements_pct",
    "stability_long_term_same_placement",
    "stability_long_term_same_placement_pct",
    "stability_long_term_cohort",
    "stability_3plus_placements_2_years",
    "stability_3plus_placements_2_years_pct",
    "stability_2_years_cohort",
    # New placements made during the year, by locality and distance.
    "new_placements_total",
    "new_placements_over_20_miles",
    "new_placements_outside_la",
    "new_placements_inside_la_20_miles_or_less",
    "new_placements_inside_la_20_miles_or_less_pct",
    "new_placements_outside_la_20_miles_or_less",
    "new_placements_outside_la_20_miles_or_less_pct",
    "new_placements_inside_la_over_20_miles",
    "new_placements_inside_la_over_20_miles_pct",
    "new_placements_outside_la_over_20_miles",
    "new_placements_outside_la_over_20_miles_pct",
    "new_placements_distance_not_known",
    "new_placements_distance_not_known_pct",
    # National adoption timeliness, all ages (average months between stages).
    "adoption_months_care_to_decision",
    "adoption_months_decision_to_match",
    "adoption_months_match_to_placement",
    "adoption_months_care_to_placement",
    "adoption_months_placement_to_adoption",
    "adoption_months_care_to_adoption",
    "adoption_placed_within_12_months_of_decision",
    # Ofsted, local-authority fostering services (year ending 31 March).
    "fostering_initial_enquiries",
    "fostering_applications",
    "fostering_applications_concluded_or_in_progress",
    "fostering_applications_approved",
    "fostering_approvals",
    "fostering_approvals_family_friends",
    "fostering_deregistrations",
    "fostering_households",
    "fostering_places",
    "fostering_children_placed",
    "fostering_filled_places",
    "fostering_vacant_places",
    "fostering_places_not_available",
)
"""Measure names in ``cla_published.csv`` (a contract other code relies on).

Rows are sorted by this order. ``data/README.md`` defines each measure, the
years it covers and the source columns or labels it comes from. A name ending
in ``_pct`` is DfE's published percentage of the count it follows (of all
children looked after at 31 March, of all new placements, or of the stability
measure's cohort), never a recomputation. A few measures are sums of published cells (e.g.
``ceased_adopted`` from 2013 to 2019 adds the two adoption reasons); a sum is
blank, with the marker of a suppressed part, whenever any part is suppressed.
"""

PLACEMENT_TYPES = (
    "cla_placement_foster",
    "cla_placement_adoption",
    "cla_placement_parents",
    "cla_placement_community",
    "cla_placement_secure_homes_semi_independent",
    "cla_placement_secure_childrens_homes",
    "cla_placement_independent_supported",
    "cla_placement_other_residential",
    "cla_placement_residential_schools",
    "cla_placement_other",
    "cla_placement_missing",
)
"""Placement-type counts; those published for a year add up to ``cla_31_march``
of the same release (2013-2019: the eight pre-2024 groups, plus "missing" in
2013-2014; 2021-2025: the 2024 grouping, with ``cla_placement_secure_childrens_homes``
and ``cla_placement_independent_supported`` instead of ``cla_placement_community``
and ``cla_placement_secure_homes_semi_independent``)."""

PLACEMENT_PROVIDERS = (
    "cla_provider_own",
    "cla_provider_other_la",
    "cla_provider_other_public",
    "cla_provider_private",
    "cla_provider_voluntary",
    "cla_provider_parents",
    "cla_provider_not_recorded",
)
"""Placement-provider counts (all placement types); they add up to ``cla_31_march``."""

LEGAL_STATUSES = (
    "cla_legal_interim_care_order",
    "cla_legal_full_care_order",
    "cla_legal_placement_order",
    "cla_legal_freed_for_adoption",
    "cla_legal_section_20",
    "cla_legal_youth_justice",
    "cla_legal_other",
)
"""Legal-status counts at 31 March; they add up to ``cla_31_march``."""

CEASED_REASONS = (
    "ceased_adopted",
    "ceased_sgo",
    "ceased_cao",
    "ceased_returned_home",
    "ceased_independent_living",
    "ceased_other",
)
"""Reasons for ceasing to be looked after; they add up to ``cla_ceased``."""

NEIGHBOUR_COLUMNS = (
    "model",
    "old_la_code",
    "la_name",
    "rank",
    "neighbour_old_la_code",
    "neighbour_la_name",
    "closeness",
)
"""Columns of ``statistical_neighbours.csv``, in order."""

REVISION_COLUMNS = (
    "year",
    "geographic_level",
    "old_la_code",
    "region_code",
    "area_name",
    "measure",
    "old_value",
    "old_marker",
    "old_release",
    "old_source",
    "new_value",
    "new_marker",
    "new_release",
    "new_source",
)
"""Columns of ``revisions.csv``, in order (``old_source``/``new_source`` are source ids, as in :data:`COLUMNS`)."""

NATIONAL = "National"
REGIONAL = "Regional"
LOCAL_AUTHORITY = "Local authority"
ENGLAND_CODE = "E92000001"

_STRING_COLUMNS = tuple(c for c in COLUMNS if c not in ("year", "value"))
_DISPLAY_PATH = "data/published/" + TABLE_FILE


def _folder(data_dir: Path | str | None) -> Path:
    return DATA_DIR if data_dir is None else Path(data_dir)


def _read_csv(path: Path, expected: tuple[str, ...], what: str) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(
            f"{path}: file not found; expected {what} with columns "
            f"{', '.join(expected)} (run `python -m analysis data refresh SOURCE_DIR`)."
        )
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); expected a CSV file, {what}.") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: not a gzip-compressed CSV file ({exc}); expected {what}.") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty file"
        raise InputError(f"{path}: not a readable CSV file ({reason}); expected {what}.") from None
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; expected {what} with columns {', '.join(expected)}."
        )
    return frame


def load_published(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Load the tidy table of published CLA figures.

    Parameters
    ----------
    data_dir : path-like, optional
        Folder holding ``cla_published.csv``; defaults to :data:`DATA_DIR`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``year`` as int, ``value`` as float (NaN when
        suppressed or not available, see ``marker``), every other column as
        strings (codes keep their leading zeros; blank is ``""``).

    Raises
    ------
    InputError
        If the file is missing or lacks an expected column.
    """
    path = _folder(data_dir) / TABLE_FILE
    stat = path.stat() if path.is_file() else None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size) if stat else None
    if key is not None and key in _LOADED:
        return _LOADED[key].copy()
    frame = _parse_published(path)
    if key is not None:
        _LOADED.clear()  # one table per process is enough: a run reads one folder
        _LOADED[key] = frame
    return frame.copy()


#: The last published table parsed in this process, by (path, modification time, size): a process that loads
#: several papers on the same data (the test suite, a publish) parses the file once; a changed file is read again.
_LOADED: dict[tuple, pd.DataFrame] = {}


def _parse_published(path: Path) -> pd.DataFrame:
    """Read and check the tidy table at ``path`` (see :func:`load_published`)."""
    frame = _read_csv(path, COLUMNS, "the tidy table of published CLA figures")
    frame = frame.loc[:, list(COLUMNS)].copy()
    for column, blank_ok in (("year", False), ("value", True)):
        text = frame[column].str.strip()
        numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
        bad = numbers.isna() & ((text != "") | (not blank_ok))
        if bad.any():
            first = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                f"{path}: row {first + 2}, column {column}: {frame[column].iloc[first]!r} is not a number "
                f"({int(bad.sum())} such row(s)); expected {'a year' if column == 'year' else 'a number, or blank with a marker'}."
            )
        frame[column] = numbers.astype(int) if column == "year" else numbers.astype(float)
    frame.attrs["source_path"] = _display(path)
    return frame


def _display(path: Path) -> str:
    """The path relative to the repository when inside it (for messages)."""
    try:
        return path.resolve().relative_to(DATA_DIR.parents[1]).as_posix()
    except ValueError:
        return str(path)


def load_neighbours(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Load DfE's statistical-neighbour groupings (models 2018, 2021 and 2025).

    Parameters
    ----------
    data_dir : path-like, optional
        Folder holding ``statistical_neighbours.csv``; defaults to :data:`DATA_DIR`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`NEIGHBOUR_COLUMNS`; ``model`` and ``rank`` as int, codes
        and names as strings. Rank 1 is the closest neighbour. Model 2018 is the
        list in use before April 2021; it has no closeness labels.

    Raises
    ------
    InputError
        If the file is missing or lacks an expected column.
    """
    path = _folder(data_dir) / NEIGHBOURS_FILE
    frame = _read_csv(path, NEIGHBOUR_COLUMNS, "statistical-neighbour groupings")
    frame = frame.loc[:, list(NEIGHBOUR_COLUMNS)].copy()
    frame["model"] = frame["model"].astype(int)
    frame["rank"] = frame["rank"].astype(int)
    return frame


def load_manifest(data_dir: Path | str | None = None) -> dict:
    """Load the provenance manifest (publishers, releases, licence, source hashes).

    Parameters
    ----------
    data_dir : path-like, optional
        Folder holding ``manifest.json``; defaults to :data:`DATA_DIR`.

    Returns
    -------
    dict
        The parsed JSON manifest.

    Raises
    ------
    InputError
        If the file is missing or is not valid JSON.
    """
    path = _folder(data_dir) / MANIFEST_FILE
    if not path.is_file():
        raise InputError(f"{path}: file not found; expected the JSON provenance manifest.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc}).") from exc


@dataclass(frozen=True)
class LocalAuthority:
    """A local authority as found in the published table.

    Attributes
    ----------
    old_la_code : str
        DfE's 3-digit code, the key of every series (e.g. ``"873"``).
    new_la_code : str
        ONS GSS code in the latest year published (e.g. ``"E10000003"``).
    la_name : str
        Name, one spelling per authority (the latest published).
    region_code, region_name : str
        The English region (``E12...``); London boroughs are in London.
    years : tuple of int
        Sorted reporting years with a ``cla_31_march`` value.
    """

    old_la_code: str
    new_la_code: str
    la_name: str
    region_code: str
    region_name: str
    years: tuple[int, ...]


_STOP_TOKENS = {"city", "of", "county", "the", "borough", "council", "royal"}


def _normalise(text: str) -> str:
    text = str(text).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _name_keys(name: str) -> tuple[str, str, str]:
    norm = _normalise(name)
    tokens = norm.split()
    core = [t for t in tokens if t not in _STOP_TOKENS] or tokens
    return norm, " ".join(sorted(tokens)), " ".join(sorted(core))


def _la_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["geographic_level"] == LOCAL_AUTHORITY]


def _describe(table: pd.DataFrame, old_code: str) -> LocalAuthority:
    rows = _la_rows(table)
    rows = rows[rows["old_la_code"] == old_code]
    counts = rows[(rows["measure"] == "cla_31_march") & rows["value"].notna()]
    latest_pool = counts if len(counts) else rows
    latest = latest_pool.sort_values(["year", "measure"]).iloc[-1]
    return LocalAuthority(
        old_la_code=old_code,
        new_la_code=str(latest["new_la_code"]),
        la_name=str(latest["la_name"]),
        region_code=str(latest["region_code"]),
        region_name=str(latest["region_name"]),
        years=tuple(sorted(int(y) for y in counts["year"].unique())),
    )


def resolve_la(table: pd.DataFrame, query: str | int) -> LocalAuthority:
    """Find a local authority by new code, old code or name.

    Parameters
    ----------
    table : pandas.DataFrame
        The table from :func:`load_published`.
    query : str or int
        A GSS code (``"E10000003"``, any code the authority has had), a DfE
        3-digit code (``"873"`` or ``873``) or a name. Names match ignoring
        case, punctuation, ``&``/``and``, word order (``"City of Bristol"``
        finds ``"Bristol, City of"``) and the words "City", "County", "of",
        "the", "Borough" (``"Durham"`` finds ``"County Durham"``).

    Returns
    -------
    LocalAuthority
        When a name matches several authorities (``"Dorset"`` before and
        after the 2019 reorganisation), the one with the latest data.

    Raises
    ------
    InputError
        If nothing matches; the message suggests up to 3 close names.
    """
    source = table.attrs.get("source_path", _DISPLAY_PATH)
    rows = _la_rows(table)
    text = str(query).strip()
    if not text:
        raise InputError(f"An empty string is not a local authority in {source}.")
    codes: list[str] = []
    if re.fullmatch(r"[A-Za-z]\d{8}", text):
        codes = sorted(set(rows.loc[rows["new_la_code"].str.upper() == text.upper(), "old_la_code"]))
    elif re.fullmatch(r"\d{1,3}", text):
        padded = text.zfill(3)
        codes = sorted(set(rows.loc[rows["old_la_code"] == padded, "old_la_code"]))
    else:
        names = rows[["old_la_code", "la_name"]].drop_duplicates()
        query_keys = _name_keys(text)
        for level in range(3):
            codes = sorted(
                {code for code, name in names.itertuples(index=False) if _name_keys(name)[level] == query_keys[level]}
            )
            if codes:
                break
    if not codes:
        all_names = sorted(set(rows["la_name"]))
        by_norm = {_normalise(n): n for n in all_names}
        wanted = _normalise(text)
        # Names containing every word of the query first ("Hull"), then spelling neighbours.
        containing = [n for n in by_norm if wanted and set(wanted.split()) <= set(n.split())]
        close = containing + [
            c for c in difflib.get_close_matches(wanted, list(by_norm), n=3, cutoff=0.6) if c not in containing
        ]
        close = close[:3]
        hint = " Did you mean: " + ", ".join(f'"{by_norm[c]}"' for c in close) + "?" if close else ""
        raise InputError(
            f"{text!r} is not a local authority in {source}: give a name, a DfE 3-digit "
            f"code (e.g. 873) or a GSS code (e.g. E10000003).{hint}"
        )
    described = [_describe(table, code) for code in codes]
    return max(described, key=lambda la: (la.years[-1] if la.years else 0, la.old_la_code))


def available_years(
    table: pd.DataFrame, measure: str = "cla_31_march", *, old_la_code: str | int | None = None
) -> list[int]:
    """Reporting years in which a measure has at least one value.

    Parameters
    ----------
    table : pandas.DataFrame
        The table from :func:`load_published`.
    measure : str, default "cla_31_march"
        One of :data:`MEASURES`.
    old_la_code : str or int, optional
        Restrict to one local authority.

    Returns
    -------
    list of int
        Sorted years (year ending 31 March).
    """
    _check_measure(measure)
    rows = table[(table["measure"] == measure) & table["value"].notna()]
    if old_la_code is not None:
        rows = rows[(rows["geographic_level"] == LOCAL_AUTHORITY) & (rows["old_la_code"] == str(old_la_code).zfill(3))]
    return sorted(int(y) for y in rows["year"].unique())


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise InputError(f"Unknown measure {measure!r}; expected one of {', '.join(MEASURES)}.")


def _area_rows(table: pd.DataFrame, measure: str, old_la_code, region_code, national: bool) -> pd.DataFrame:
    _check_measure(measure)
    chosen = sum([old_la_code is not None, region_code is not None, bool(national)])
    if chosen != 1:
        raise InputError("Give exactly one of old_la_code=, region_code= or national=True.")
    rows = table[table["measure"] == measure]
    if old_la_code is not None:
        return rows[(rows["geographic_level"] == LOCAL_AUTHORITY) & (rows["old_la_code"] == str(old_la_code).zfill(3))]
    if region_code is not None:
        return rows[(rows["geographic_level"] == REGIONAL) & (rows["region_code"] == str(region_code))]
    return rows[rows["geographic_level"] == NATIONAL]


def series(
    table: pd.DataFrame,
    measure: str,
    *,
    old_la_code: str | int | None = None,
    region_code: str | None = None,
    national: bool = False,
) -> pd.Series:
    """One area's values of a measure by year.

    Parameters
    ----------
    table : pandas.DataFrame
        The table from :func:`load_published`.
    measure : str
        One of :data:`MEASURES`.
    old_la_code : str or int, optional
        A local authority's DfE 3-digit code.
    region_code : str, optional
        A region's GSS code (``E12...``, or ``E13...`` for Inner/Outer London).
    national : bool, default False
        England.

    Returns
    -------
    pandas.Series
        Float values indexed by ``year`` (NaN where suppressed), named after the
        measure; empty if the area has no rows.

    Raises
    ------
    InputError
        If the measure is unknown or not exactly one area is given.
    """
    rows = _area_rows(table, measure, old_la_code, region_code, national)
    out = rows.set_index("year")["value"].sort_index().astype(float)
    out.name = measure
    return out


def value(
    table: pd.DataFrame,
    measure: str,
    year: int,
    *,
    old_la_code: str | int | None = None,
    region_code: str | None = None,
    national: bool = False,
) -> float | None:
    """One published value.

    Parameters
    ----------
    table : pandas.DataFrame
        The table from :func:`load_published`.
    measure : str
        One of :data:`MEASURES`.
    year : int
        Reporting year (year ending 31 March).
    old_la_code, region_code, national
        The area, exactly one of them (see :func:`series`).

    Returns
    -------
    float or None
        The value, or None when it is suppressed or not published.
    """
    s = series(table, measure, old_la_code=old_la_code, region_code=region_code, national=national)
    if int(year) not in s.index:
        return None
    v = s.loc[int(year)]
    return None if pd.isna(v) else float(v)


def neighbours(neighbour_table: pd.DataFrame, old_la_code: str | int, model: int | str) -> list[str]:
    """An authority's statistical neighbours, closest first.

    Parameters
    ----------
    neighbour_table : pandas.DataFrame
        The table from :func:`load_neighbours`.
    old_la_code : str or int
        The authority's DfE 3-digit code.
    model : int or str
        The model year: 2018 (the list in use before April 2021), 2021 or 2025.

    Returns
    -------
    list of str
        Old (3-digit) codes ordered by rank; empty if the authority is not in
        that model (e.g. an authority created after it).

    Raises
    ------
    InputError
        If the model is not in the table.
    """
    models = sorted({int(m) for m in neighbour_table["model"]})
    try:
        model_int = int(model)
    except (TypeError, ValueError):
        model_int = -1
    if model_int not in models:
        raise InputError(
            f"Unknown statistical-neighbour model {model!r}; expected one of {', '.join(map(str, models))}."
        )
    rows = neighbour_table[
        (neighbour_table["model"].astype(int) == model_int)
        & (neighbour_table["old_la_code"] == str(old_la_code).zfill(3))
    ]
    return [str(c) for c in rows.sort_values("rank")["neighbour_old_la_code"]]
