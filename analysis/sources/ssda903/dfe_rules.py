"""DfE's own SSDA903 validation rules, run in an isolated environment.

The children's-services data community maintains DfE's validation rules as the
PyPI package ``csc-validator-be-903`` (module ``lac_validator``). It pins
pandas < 2 and numpy < 1.25, so it cannot share the report's environment. This
module creates a separate virtual environment for it on demand (with uv, from
PyPI, pinned), runs :mod:`analysis.sources.ssda903._dfe_driver` there once per
collection year (with the previous year's return, as DfE does), and converts
its output to the report's findings format (rule ids ``dfe-<code>``).

Rulesets exist from 2022-23; earlier years are checked with the 2022-23 rules,
which is noted in the findings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.paper import REPO_ROOT

#: What the isolated environment holds (exact pins: the DfE rules change between releases).
REQUIREMENTS = ("csc-validator-be-903==0.1.17", "pytest==8.3.5")
ENV_DIR = REPO_ROOT / "build" / "dfe-rules-env"
DRIVER = Path(__file__).with_name("_dfe_driver.py")
FINDING_COLUMNS = ["file", "row", "child", "column", "rule", "message", "severity"]

#: Findings of DfE's rules judged false positives on correct data: rule -> (first year, last year, reason).
#: Shown in the book beside each finding; anything else is "to investigate".
FALSE_POSITIVES: dict[str, tuple[int, int, str]] = {
    "dfe-202": (
        2025,
        2025,
        (
            "2024-25 changed how sex is coded (1/2 became M/F/U); the rule compares this year's code with last "
            "year's as text, so every child in both years is flagged in the first year of the new codes."
        ),
    ),
    "dfe-146": (
        2025,
        2025,
        (
            "The validator's 2024-25 list of placement codes has K3 (registered supported accommodation) in lower "
            "case, 'k3', so every valid K3 placement is rejected (a bug of that release)."
        ),
    ),
    "dfe-503F": (
        2024,
        2024,
        (
            "Supported accommodation (H5) needed an Ofsted URN only from 28 October 2023: a placement open at "
            "31 March 2023 was recorded without one in 2022-23 and with one in 2023-24, which the rule reads as a "
            "mismatch."
        ),
    ),
    "dfe-225": (
        2000,
        2015,
        (
            "The reason for a placement change was first collected in 2015-16; no ruleset exists before 2022-23, "
            "so the 2022-23 rules are applied to earlier returns, where the field did not exist."
        ),
    ),
}


def false_positive_reason(rule: str, year: int) -> str:
    """Why a finding of ``rule`` in ``year`` is a false positive ("" when it is not judged one)."""
    first, last, reason = FALSE_POSITIVES.get(rule, (0, 0, ""))
    return reason if first <= year <= last else ""


#: DfE table names (as the validator reports them) -> our file names.
_TABLE_FILES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "UASC": "uasc.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "Reviews": "reviews.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
}


def _uv() -> str:
    local = REPO_ROOT / ".tools" / "bin" / "uv"
    if local.exists():
        return str(local)
    found = shutil.which("uv")
    if found:
        return found
    raise InputError("--dfe-rules needs uv to build its isolated environment: run `make setup` first")


def ensure_environment(log=print) -> Path:
    """Create (once) the isolated environment and return its Python."""
    python = ENV_DIR / "bin" / "python"
    stamp = ENV_DIR / ".requirements"
    wanted = "\n".join(REQUIREMENTS)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    log(f"Creating the isolated environment for DfE's rules in {ENV_DIR.relative_to(REPO_ROOT)} ...")
    if ENV_DIR.exists():
        shutil.rmtree(ENV_DIR)
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    for cmd in (
        [_uv(), "venv", "--quiet", "--python", py, str(ENV_DIR)],
        [_uv(), "pip", "install", "--quiet", "--python", str(python), *REQUIREMENTS],
    ):
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise InputError(f"could not build the DfE rules environment: {proc.stderr.strip()[-500:]}")
    stamp.write_text(wanted)
    return python


def _year_folders(directory: Path) -> dict[int, Path]:
    from analysis.sources.ssda903.load import parse_year

    out = {}
    for sub in sorted(p for p in directory.iterdir() if p.is_dir()):
        year = parse_year(sub.name)
        if year is not None:
            out[year] = sub
    return out


def run(
    directory: Path, out_dir: Path, *, la_code: str | None = None, years: list[int] | None = None, log=print
) -> pd.DataFrame:
    """Run DfE's rules on each collection year folder of ``directory``; return findings.

    Parameters
    ----------
    directory:
        Folder with one sub-folder per collection year (as written by ``synth``).
    out_dir:
        Where the raw per-year outputs are kept (``dfe_rules_<year>.csv``).
    la_code:
        The responsible authority's new code (for placement-location rules);
        read from the folder's ``manifest.json`` when not given.
    years:
        Years to check (default: all).
    """
    directory = Path(directory).resolve()
    out_dir = Path(out_dir).resolve()
    folders = _year_folders(directory)
    if not folders:
        raise InputError(f"{directory}: --dfe-rules needs one sub-folder per collection year (e.g. 2017/)")
    if la_code is None:
        manifest = directory / "manifest.json"
        la_code = json.loads(manifest.read_text())["parameters"]["new_la_code"] if manifest.exists() else "E10000003"
    python = ensure_environment(log)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = []
    for year in years or sorted(folders):
        if year not in folders:
            raise InputError(f"--dfe-rules: no folder for {year} in {directory}")
        start = time.perf_counter()
        target = out_dir / f"dfe_rules_{year}.csv"
        cmd = [
            str(python),
            str(DRIVER),
            "--this",
            str(folders[year]),
            "--year",
            str(year),
            "--la",
            la_code,
            "--out",
            str(target),
        ]
        if year - 1 in folders:
            cmd += ["--prev", str(folders[year - 1])]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=out_dir)
        if proc.returncode != 0:
            raise InputError(f"DfE rules failed on {year}: {proc.stderr.strip().splitlines()[-1:]}")
        meta = json.loads(target.with_suffix(".json").read_text())
        raw = pd.read_csv(target, dtype=str, keep_default_na=False)
        log(
            f"      {year}: {len(raw):,} findings from {meta['rules']} rules ({meta['ruleset']}), "
            f"{time.perf_counter() - start:.1f} s"
        )
        frames.append(_convert(raw, year, folders[year].name, meta))
    findings = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FINDING_COLUMNS)
    summary(findings).to_csv(out_dir / "dfe_rules_summary.csv", index=False)
    return findings


def _convert(raw: pd.DataFrame, year: int, folder: str, meta: dict) -> pd.DataFrame:
    if raw.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    note = "" if meta["ruleset"].endswith(f"{str(year - 1)[2:]}_{str(year)[2:]}") else f" [{meta['ruleset']} rules]"
    return pd.DataFrame(
        {
            "file": folder + "/" + raw["tables_affected"].map(_TABLE_FILES).fillna(raw["tables_affected"]),
            "row": pd.to_numeric(raw["row_id"], errors="coerce").astype("Int64") + 2,
            "child": raw["child_id"],
            "column": raw["columns_affected"],
            "rule": "dfe-" + raw["rule_code"],
            "message": raw["rule_description"] + note,
            "severity": "dfe",
        }
    )


def summary(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings counted by collection year and rule, with the message and any false-positive reason."""
    if findings.empty:
        return pd.DataFrame(columns=["year", "rule", "findings", "message", "false_positive_reason"])
    year = findings["file"].str.split("/").str[0].map(_year_or_text)
    out = (
        findings.assign(year=year)
        .groupby(["year", "rule"], as_index=False)
        .agg(findings=("rule", "size"), message=("message", "first"))
    )
    out["false_positive_reason"] = [
        false_positive_reason(r, int(y)) if str(y).isdigit() else "" for r, y in zip(out["rule"], out["year"])
    ]
    return out.sort_values(["year", "rule"]).reset_index(drop=True)


def _year_or_text(name: str):
    from analysis.sources.ssda903.load import parse_year

    return parse_year(name) or name


def fingerprint() -> str:
    """Identifies the DfE rules in use (for provenance)."""
    return hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()[:12]
