"""Child-level data for a paper: loaded, validated, stacked and modelled once.

:func:`load` is what a chapter notebook (and the build's validation step) calls
to get the paper's SSDA903 history. It reads the folder named in the paper
(``data.ssda903``), keeps the returns up to the paper's year (what the
authority had when the paper was written), validates them and refuses data
with errors: an :class:`~analysis.errors.InputError` carrying the first errors,
so nothing is built from invalid data.

It also refuses returns that are not the paper's authority's
(:func:`check_authority`): a SYNTHETIC folder whose manifest names another
authority, and real returns whose count at 31 March is more than 20% from the
authority's published count in every year both have (unless the paper sets
``data.check_authority: false``).
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.paper import REPO_ROOT, Paper
from analysis.sources import published
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import load as L
from analysis.sources.ssda903 import reconcile
from analysis.sources.ssda903.validate import summarise, validate


@dataclass(frozen=True)
class ChildData:
    """A paper's child-level data, ready for the chapters."""

    source: Path
    synthetic: bool
    years: tuple[int, ...]
    findings: pd.DataFrame
    stacked: L.Return903
    prepared: pd.DataFrame
    manifest: dict

    @property
    def label(self) -> str:
        """How pages describe the data."""
        if self.synthetic:
            return (
                "SYNTHETIC data (no real children): a made-up history calibrated to the authority's published figures"
            )
        return f"the authority's SSDA903 returns, {self.years[0]} to {self.years[-1]}"


def folder(paper: Paper) -> Path | None:
    """The paper's SSDA903 folder (absolute), or None when the paper has none."""
    path = paper.data.ssda903
    if path is None:
        return None
    return path if path.is_absolute() else REPO_ROOT / path


def _filter_years(ret: L.Return903, last: int) -> L.Return903:
    tables = {name: frame[frame["YEAR"] <= last].reset_index(drop=True) for name, frame in ret.tables.items()}
    years = tuple(y for y in ret.years if y <= last)
    findings = ret.findings
    return dataclasses.replace(ret, tables=tables, years=years, findings=findings)


@functools.lru_cache(maxsize=4)
def _load(path: str, last_year: int) -> ChildData:
    source = Path(path)
    if not source.exists():
        raise InputError(f"data.ssda903: {source} not found; point the paper at a folder of SSDA903 returns")
    ret = L.load_return(source)
    if not any(y <= last_year for y in ret.years):
        raise InputError(
            f"data.ssda903: {source} has returns for {ret.years[0]}-{ret.years[-1]}, none up to the paper's year "
            f"{last_year}"
        )
    ret = _filter_years(ret, last_year)
    stacked = L.stack(ret)
    findings = validate(stacked)  # each child's whole history, every row against its own year's code lists
    if (findings["severity"] == "error").any():
        raise InputError(
            f"data.ssda903: {source} failed validation, so nothing is built from it. "
            f"Run `python -m analysis validate {source}` for the full report.\n" + summarise(findings)
        )
    prepared = E.prepare(stacked.tables["episodes"], stacked.tables["header"])
    manifest_path = source / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    synthetic = (source / "SYNTHETIC").exists() or bool(manifest.get("synthetic"))
    return ChildData(
        source=source,
        synthetic=synthetic,
        years=ret.years,
        findings=findings,
        stacked=stacked,
        prepared=prepared,
        manifest=manifest,
    )


def load(paper: Paper) -> ChildData:
    """Load, validate and model the paper's SSDA903 returns up to the paper's year.

    Raises
    ------
    InputError
        No folder, no returns up to the year, or validation errors.
    """
    path = folder(paper)
    if path is None:
        raise InputError("data.ssda903: this paper names no SSDA903 folder, but a chapter needs child-level data")
    data = _load(str(path), paper.year)
    _check_once(str(path), paper.year, paper.local_authority, str(paper.published_dir()), paper.data.check_authority)
    return data


def _shown(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def _named(la: published.LocalAuthority) -> str:
    return f"{la.la_name} ({la.old_la_code}, {la.new_la_code})"


def check_authority(data: ChildData, table: pd.DataFrame, la: published.LocalAuthority, *, check: bool = True) -> None:
    """Refuse child-level data that are not ``la``'s.

    * A SYNTHETIC folder whose ``manifest.json`` names another authority is refused whatever ``check``
      says: its made-up children were calibrated to that authority's figures. (Real returns whose
      manifest names another authority are refused too, unless ``check`` is False.)
    * Returns whose count of children looked after at 31 March differs from ``la``'s published count
      by more than 20% in every year both have are refused, unless ``check`` is False (the paper's
      ``data.check_authority``).

    Raises
    ------
    InputError
        Naming both authorities (synthetic), or the years and counts (real returns).
    """
    named = reconcile.manifest_authority(data.manifest)
    if named is not None:
        try:
            made_for = published.resolve_la(table, named)
        except InputError:
            made_for = None
        if made_for is not None and made_for.old_la_code != la.old_la_code and (data.synthetic or check):
            what = "SYNTHETIC data made" if data.synthetic else "returns"
            raise InputError(
                f"data.ssda903: {_shown(data.source)} holds {what} for {_named(made_for)}, as its manifest.json "
                f"says, but the paper is for {_named(la)} (local_authority). Point data.ssda903 at {la.la_name}'s "
                f"returns (a SYNTHETIC folder for it is made by `python -m analysis synth --la {la.new_la_code}`), "
                f"or set local_authority to {made_for.la_name}."
            )
    if not check:
        return
    rec = reconcile.compare(data.prepared, data.years, table, la.old_la_code)
    if reconcile.looks_like_another_authority(rec):
        raise InputError(
            f"data.ssda903: these returns do not look like {la.la_name}'s: children looked after at 31 March "
            f"differ from {la.la_name}'s published figures by more than {reconcile.AUTHORITY_PCT:g}% in every "
            f"year both have ({reconcile.mismatch_text(rec)}). Check that {_shown(data.source)} holds "
            f"{la.la_name}'s returns, complete for each year; if they are, set data.check_authority: false in "
            "the paper file (the Provenance page will record it)."
        )


@functools.lru_cache(maxsize=8)
def _check_once(path: str, last_year: int, local_authority: str, published_dir: str, check: bool) -> None:
    """:func:`check_authority` for a paper, once per process (the published table is read here)."""
    table = published.load_published(published_dir)
    la = published.resolve_la(table, local_authority)
    check_authority(_load(path, last_year), table, la, check=check)


def banner_html(data: ChildData) -> str:
    """The banner every page built from child-level data carries."""
    if data.synthetic:
        text = (
            "SYNTHETIC DATA. The child-level figures on this page come from a made-up history, calibrated to "
            "the authority's published totals. No real child's data is used. They show what the analysis "
            "will say when it is run on the authority's own SSDA903 returns, not what it does say."
        )
    else:
        text = f"Child-level figures on this page come from {html.escape(data.label)}; counts of 1 to 5 are suppressed."
    return f'<div class="synthetic-banner" role="note"><strong>{text}</strong></div>'
