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
    "dfe-362": (
        2018,
        2018,
        (
            "The rule joins a child's emergency protection orders into one whenever the first is followed by "
            "another episode: a child with two separate EPOs in the year (of 8 and 4 days, in two periods of "
            "care) is read as under one EPO from the first's start to the second's end, over 21 days."
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


#: Findings of DfE's rules that the deliberate defects of a SYNTHETIC folder cause (the generator lists each
#: defect, its kind, child and year, in the folder's ``calibration.json``): kind -> (the rules, why). These
#: are not false positives: the rules are right and the data are wrong on purpose, as a few real returns
#: are, so that the report's handling of such data is exercised. A finding is judged so only when its child
#: has that defect (in that year's return, for a defect one return holds); a rule's other findings stay "to
#: investigate".
DELIBERATE_DEFECTS: dict[str, tuple[tuple[str, ...], str]] = {
    "home_postcode_blank": (
        ("dfe-392a", "dfe-392b"),
        "the child's home postcode is left blank on purpose (synth params.POSTCODE_FLAWS), as in a few real "
        "returns, so the distance from home is not known",
    ),
    "home_postcode_invalid": (
        ("dfe-392a", "dfe-392c"),
        "the child's home postcode is cut to its outward code on purpose (synth params.POSTCODE_FLAWS), as in "
        "a few real returns, so the distance from home is not known",
    ),
    "placed_for_adoption_missing": (
        ("dfe-551", "dfe-553"),
        "the child's Placed for Adoption row is left out on purpose (synth params.ADOPTION, missing_placed), "
        "as in a few real returns",
    ),
    "late_start": (
        ("dfe-NoE", "dfe-562"),
        "a late episode on purpose (synth params.LATE_EPISODES): the child started in the last weeks of the "
        "year before, which that year's return left out and this one adds",
    ),
    "provider_corrected": (
        ("dfe-503E",),
        "a late correction on purpose (synth params.LATE_EPISODES): last year's return gave this placement's "
        "provider wrongly and this one corrects it",
    ),
}
#: A folder's deliberate defects: (kind, child) -> the years of the returns that hold them (0: every year).
Defects = dict[tuple[str, str], set[int]]


def deliberate_defects(directory: Path) -> Defects:
    """The deliberate defects a SYNTHETIC folder's ``calibration.json`` lists (none for real returns)."""
    directory = Path(directory)
    path = directory / "calibration.json"
    if not (directory / "SYNTHETIC").exists() or not path.exists():
        return {}
    out: Defects = {}
    for d in json.loads(path.read_text(encoding="utf-8")).get("deliberate_defects", []):
        out.setdefault((str(d["kind"]), str(d["child"])), set()).add(int(d.get("year") or 0))
    return out


def deliberate_reason(rule: str, child: str, year: int, defects: Defects) -> str:
    """Why a finding of ``rule`` on ``child`` in ``year``'s return is a deliberate defect ("" when it is not)."""
    for kind, (rules, reason) in DELIBERATE_DEFECTS.items():
        years = defects.get((kind, str(child)))
        if rule in rules and years and (0 in years or year in years):
            return reason
    return ""


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
    summary(findings, deliberate_defects(directory)).to_csv(out_dir / "dfe_rules_summary.csv", index=False)
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


SUMMARY_COLUMNS = ["year", "rule", "findings", "message", "false_positive_reason", "deliberate_defect"]


def summary(findings: pd.DataFrame, defects: Defects | None = None) -> pd.DataFrame:
    """Findings counted by collection year and rule, with the message, any false-positive reason and, for
    findings on a deliberate defect of SYNTHETIC data (``defects``, :func:`deliberate_defects`), why: a rule
    whose findings in a year are partly such defects has two rows, those and the rest."""
    if findings.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    year = findings["file"].str.split("/").str[0].map(_year_or_text)
    defects = defects or {}
    deliberate = [
        deliberate_reason(r, c, int(y), defects) if defects and str(y).isdigit() else ""
        for r, c, y in zip(findings["rule"], findings["child"].fillna("").astype(str), year)
    ]
    out = (
        findings.assign(year=year, deliberate_defect=deliberate)
        .groupby(["year", "rule", "deliberate_defect"], as_index=False)
        .agg(findings=("rule", "size"), message=("message", "first"))
    )
    out["false_positive_reason"] = [
        false_positive_reason(r, int(y)) if str(y).isdigit() else "" for r, y in zip(out["rule"], out["year"])
    ]
    return out.sort_values(["year", "rule", "deliberate_defect"]).reset_index(drop=True)[SUMMARY_COLUMNS]


def _year_or_text(name: str):
    from analysis.sources.ssda903.load import parse_year

    return parse_year(name) or name


def fingerprint() -> str:
    """Identifies the DfE rules in use (for provenance)."""
    return hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()[:12]
