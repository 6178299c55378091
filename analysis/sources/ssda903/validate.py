"""Validate an SSDA903 return before it is analysed.

:func:`validate` checks a loaded :class:`~analysis.sources.ssda903.load.Return903`
(schema, code lists by collection year, dates, the sequence of each child's
episodes, adoption consistency, and what DfE asks for that the analysis can do
without: :mod:`analysis.sources.ssda903.completeness`) and returns the loader's findings plus its
own, one row per problem (columns ``file,row,child,column,rule,message,severity``).
Errors are problems that would make the analysis wrong; warnings deserve a
look; info notes what the loader assumed. Every rule has a stable id in
:data:`RULES` (see :func:`rules_table`).

All checks are vectorised: a million episodes validate in seconds.
Messages quote codes and episode dates but never a date of birth, UPN or
postcode; the report CSV names children by their ID and is for the analyst,
not for publication.

``python -m analysis validate DIR`` runs :func:`run_cli`.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.sources.ssda903.checks import (
    _Check,
    _check_blank,
    _check_codes,
    _check_dates,
    _check_links,
    _check_provider_and_rec,
    _check_sequence,
)
from analysis.sources.ssda903.completeness import check_completeness
from analysis.sources.ssda903.findings import (
    FINDING_COLUMNS,
    SEVERITIES,
    Return903,
    concat_findings,
    year_label,
)
from analysis.sources.ssda903.load import load_return
from analysis.sources.ssda903.rules import (
    RULES,
)

__all__ = ["RULES", "rules_table", "run_cli", "sort_findings", "summarise", "validate", "write_report"]

REPORT_NAME = "validation_report.csv"


def rules_table() -> pd.DataFrame:
    """Every rule (loader and validator): id, severity, table, description; for the book."""
    return pd.DataFrame(
        [(r.id, r.severity, r.table, r.description) for r in RULES.values()],
        columns=["rule", "severity", "table", "description"],
    )


# --------------------------------------------------------------------------- helpers


def validate(ret: Return903, *, today: date | None = None) -> pd.DataFrame:
    """Check a loaded return; the loader's findings plus the validator's, sorted (severity, file, row).

    Parameters
    ----------
    ret:
        From :func:`~analysis.sources.ssda903.load.load_return` (each year checked on
        its own) or :func:`~analysis.sources.ssda903.load.stack` (children's histories
        checked across years).
    today:
        Dates after this day are in the future (default: today).
    """
    c = _Check(ret, today or date.today())
    _check_blank(c)
    _check_codes(c)
    _check_provider_and_rec(c)
    _check_dates(c)
    _check_links(c)
    _check_sequence(c)
    check_completeness(c)
    return sort_findings(concat_findings([ret.findings, *c.parts]))


def sort_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings sorted by severity (errors first), file, row, then rule."""
    if findings.empty:
        return findings.reset_index(drop=True)
    rank = findings["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES))
    key = pd.DataFrame(
        {"rank": rank, "file": findings["file"].fillna(""), "row": findings["row"].fillna(0).astype("int64")}
    )
    order = key.sort_values(["rank", "file", "row"], kind="stable").index
    return findings.loc[order].reset_index(drop=True)


def _line(f) -> str:
    where = f.file if pd.isna(f.row) else f"{f.file}:{int(f.row)}"
    parts = [where]
    if isinstance(f.child, str):
        parts.append(f"child {f.child}")
    head = " ".join(parts)
    if isinstance(f.column, str):
        head += f" {f.column}"
    return f"{head}: {f.message} [{f.rule}]"


def summarise(findings: pd.DataFrame, limit: int = 10) -> str:
    """The first ``limit`` errors, one per line (``file:row child CHILD column: message [rule]``), and counts by severity."""
    findings = sort_findings(findings)
    errors = findings[findings["severity"] == "error"]
    lines = [_line(f) for f in errors.head(limit).itertuples(index=False)]
    if len(errors) > limit:
        lines.append(f"... and {len(errors) - limit} more errors")
    counts = findings["severity"].value_counts()

    def n(sev: str, word: str) -> str:
        k = int(counts.get(sev, 0))
        return f"{k} {word}{'' if k == 1 else 's'}"

    lines.append(f"{n('error', 'error')}, {n('warning', 'warning')}, {int(counts.get('info', 0))} info.")
    return "\n".join(lines)


def write_report(findings: pd.DataFrame, out_dir: Path) -> Path:
    """Write ``out_dir/validation_report.csv`` (sorted: severity, file, row) and return its path.

    The report names children by ID: it is for the analyst, not for publication.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_NAME
    sort_findings(findings)[list(FINDING_COLUMNS)].to_csv(path, index=False)
    return path


def _default_out(directory: Path) -> Path:
    from analysis.paper import REPO_ROOT

    name = Path(directory).resolve().name or "input"
    return REPO_ROOT / "build" / "validation" / name


def _write(findings: pd.DataFrame, out_dir: Path) -> Path:
    try:
        return write_report(findings, out_dir)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write the report ({exc.strerror or exc}).") from exc


def _run_dfe_rules(directory: Path, out_dir: Path) -> pd.DataFrame | None:
    """DfE's rules (analysis.sources.ssda903.dfe_rules, maintained separately) as findings; None when not available."""
    import importlib

    try:
        dfe = importlib.import_module("analysis.sources.ssda903.dfe_rules")
    except ImportError:
        print("DfE validation rules: not available yet.")
        return None
    print("Running DfE's validation rules ...", flush=True)
    result = dfe.run(directory, out_dir)
    if not isinstance(result, pd.DataFrame):
        return None
    frame = result.reindex(columns=list(FINDING_COLUMNS))
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    for column in ("file", "child", "column", "rule", "message", "severity"):
        frame[column] = frame[column].astype("str").replace("", pd.NA)
    return frame


def run_cli(directory: Path, *, out: Path | None = None, year: int | None = None, dfe_rules: bool = False) -> int:
    """``python -m analysis validate DIR``: load, validate, write the report, print a summary.

    ``out`` is the folder for ``validation_report.csv`` (default
    ``build/validation/<folder name>/`` in the repository, since the input
    folder may be read-only). With ``dfe_rules``, DfE's rules
    (:mod:`analysis.sources.ssda903.dfe_rules`, when present) are run too and their
    findings added to the report. Returns 2 when there is any error (or the
    folder cannot be read), else 0; problems are printed, never a traceback.
    """
    directory = Path(directory)
    try:
        print(f"Reading {directory} ...", flush=True)
        ret = load_return(directory, year=year)
        years = ", ".join(year_label(y) for y in ret.years) or "none"
        ep, hd = ret.tables["episodes"], ret.tables["header"]
        print(f"Read {len(ep):,} episodes and {len(hd):,} Header rows; collection years: {years}.", flush=True)
        print("Validating ...", flush=True)
        findings = validate(ret)
        out_dir = Path(out) if out is not None else _default_out(directory)
        report = _write(findings, out_dir)
        if dfe_rules:
            extra = _run_dfe_rules(directory, out_dir)
            if extra is not None and len(extra):
                findings = sort_findings(concat_findings([findings, extra]))
                report = _write(findings, out_dir)
        print(summarise(findings))
        print(f"Report: {report}")
        return 2 if (findings["severity"] == "error").any() else 0
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return InputError.exit_code
