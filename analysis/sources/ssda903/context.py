"""Child-level data for a paper: loaded, validated, stacked and modelled once.

:func:`load` is what a chapter notebook (and the build's validation step) calls
to get the paper's SSDA903 history. It reads the folder named in the paper
(``data.ssda903``), keeps the returns up to the paper's year (what the
authority had when the paper was written), validates them and refuses data
with errors: an :class:`~analysis.errors.InputError` carrying the first errors,
so nothing is built from invalid data.
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
from analysis.sources.ssda903 import episodes as E
from analysis.sources.ssda903 import load as L
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
    return _load(str(path), paper.year)


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
