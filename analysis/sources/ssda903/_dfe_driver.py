"""Run DfE's SSDA903 validation rules on one collection year (runs inside the isolated environment).

This file is executed by the Python of the isolated environment that has
``csc-validator-be-903`` (and its pandas < 2); it must import nothing from the
report's own package. Usage::

    python _dfe_driver.py --this DIR [--prev DIR] --year 2017 --la E10000003 --out findings.csv
"""

import argparse
import importlib
import json
import logging
import sys
from pathlib import Path

logging.disable(logging.CRITICAL)

RULESETS = {2023: "lac2022_23", 2024: "lac2023_24", 2025: "lac2024_25", 2026: "lac2025_26", 2027: "lac2026_27"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--this", required=True)
    ap.add_argument("--prev")
    ap.add_argument("--year", type=int, required=True)
    ap.add_argument("--la", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    import pandas as pd
    from lac_validator import lac_validator
    from lac_validator.report import Report
    from lac_validator.utils import process_uploaded_files

    ruleset = RULESETS.get(args.year, RULESETS[min(RULESETS)] if args.year < min(RULESETS) else RULESETS[max(RULESETS)])
    files = {"This year": sorted(str(p) for p in Path(args.this).glob("*.csv"))}
    if args.prev:
        files["Prev year"] = sorted(str(p) for p in Path(args.prev).glob("*.csv"))
    uploaded = process_uploaded_files(files)
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    # the validator reads the collection year as the first four characters: the year the return ends
    metadata = {"collectionYear": str(args.year), "localAuthority": args.la}
    v = lac_validator.LacValidator(metadata=metadata, files=uploaded, registry=registry, selected_rules=None)
    report = Report(v.ds_results, registry)
    columns = ["child_id", "tables_affected", "columns_affected", "row_id", "rule_code", "rule_description"]
    if any(str(c).startswith("ERR_") and report.report[c].any() for c in report.report.columns):
        issues = lac_validator.create_issue_df(report.report, report.error_report)
    else:
        issues = pd.DataFrame(columns=columns)  # nothing failed
    issues.to_csv(args.out, index=False)
    meta = {
        "ruleset": ruleset,
        "rules": len(registry),
        "failed_to_run": sorted(map(str, v.fails)),
        "skipped": sorted(map(str, v.skips)),
    }
    Path(args.out).with_suffix(".json").write_text(json.dumps(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
