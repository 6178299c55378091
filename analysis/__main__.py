"""Command line: ``python -m analysis <command>``.

Commands
--------
build [PAPER]            validate, execute the notebooks, render the book (book/_build/html)
data refresh SOURCE_DIR  derive data/published from DfE/ONS downloads
validate DIR             check an SSDA903 extract; write a findings report (--dfe-rules adds DfE's rules)
synth                    write a synthetic SSDA903 history calibrated to an authority's published figures
bench [PAPER]            time each build stage and its peak memory; write JSON
publish PAPER            build, check and publish an immutable edition into site/<version>/
                         (--draft: from uncommitted code, into site/drafts/, marked DRAFT; --no-pdf: HTML only)

Bad input exits with code 2 and a short message; a failed build step exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.errors import BuildError, InputError
from analysis.paper import DEFAULT_PAPER, REPO_ROOT


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the book for a paper file")
    b.add_argument("paper", nargs="?", default=str(DEFAULT_PAPER), help="paper file (default: %(default)s)")

    d = sub.add_parser("data", help="manage the committed table of published figures")
    dsub = d.add_subparsers(dest="data_command", required=True)
    r = dsub.add_parser("refresh", help="derive data/published from a folder of DfE/ONS downloads")
    r.add_argument("source_dir", help="folder laid out like ../shared/data")
    r.add_argument("--out", default=str(REPO_ROOT / "data" / "published"), help="output folder (default: %(default)s)")

    v = sub.add_parser("validate", help="check an SSDA903 extract and write a findings report")
    v.add_argument("directory", help="folder of SSDA903 CSV files (one sub-folder per year, or YEAR columns)")
    v.add_argument("--out", default=None, help="folder for validation_report.csv (default: build/validation/NAME)")
    v.add_argument("--year", type=int, default=None, help="collection year of a single-year folder without YEAR")
    v.add_argument("--dfe-rules", action="store_true", help="also run DfE's rules (csc-validator-be-903, isolated)")

    sy = sub.add_parser("synth", help="generate a synthetic SSDA903 history calibrated to published figures")
    sy.add_argument("--la", default="Cambridgeshire", help="authority to imitate: code or name")
    sy.add_argument("--years", default="2012-2025", help="collection years FIRST-LAST (years ending 31 March)")
    sy.add_argument("--seed", type=int, default=2018, help="random seed")
    sy.add_argument("--scale", type=float, default=1.0, help="multiply every count (national-sized test data)")
    sy.add_argument("--out", default=None, help="output folder (default: data/ssda903/<la>-synthetic)")

    bench = sub.add_parser("bench", help="time each build stage and record peak memory")
    bench.add_argument("paper", nargs="?", default=str(DEFAULT_PAPER))
    bench.add_argument(
        "--out", default=None, help="JSON file to write (default: bench/build.json or bench/ssda903.json)"
    )
    bench.add_argument(
        "--ssda903",
        action="store_true",
        help="benchmark the child-level pipeline (load, validate, episode model) at national scale",
    )
    bench.add_argument(
        "--tests", action="store_true", help="time make test-fast and make test (an installed environment)"
    )
    bench.add_argument(
        "--scale", type=float, default=55.0, help="with --ssda903: size as a multiple of the synthetic authority"
    )
    pub = sub.add_parser("publish", help="build, check and publish an edition into site/<version>/")
    pub.add_argument("paper", help="paper file (its edition is the version)")
    pub.add_argument(
        "--draft",
        action="store_true",
        help="publish a draft (allowed from uncommitted code) into site/drafts/, marked DRAFT",
    )
    pub.add_argument("--no-pdf", action="store_true", help="publish the HTML only (no Chromium needed)")
    pub.add_argument("--site", default=str(REPO_ROOT / "site"), help="the site folder (default: %(default)s)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run a command; return its exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            from analysis.build.pipeline import build

            result = build(args.paper)
            total = sum(s.seconds for s in result.stages)
            print(f"Built in {total:.1f} s: {result.html_dir / 'index.html'}")
        elif args.command == "publish":
            from analysis.publish.site import publish

            try:
                result = publish(args.paper, site=Path(args.site), draft=args.draft, with_pdf=not args.no_pdf)
            except KeyboardInterrupt:
                print("interrupted; nothing was published and the site is unchanged", file=sys.stderr)
                return 130
            print(
                f"Published {'draft' if result.draft else 'edition'} {result.version} in {result.seconds:.1f} s: "
                f"{result.path / 'index.html'}"
            )
        elif args.command == "data":
            from analysis.sources.refresh import refresh

            summary = refresh(Path(args.source_dir), Path(args.out))
            print(summary)
        elif args.command == "validate":
            from analysis.sources.ssda903.validate import run_cli

            return run_cli(
                Path(args.directory), out=Path(args.out) if args.out else None, year=args.year, dfe_rules=args.dfe_rules
            )
        elif args.command == "synth":
            from analysis.sources.ssda903.synth import run_cli as synth_cli

            return synth_cli(args.la, args.years, args.seed, Path(args.out) if args.out else None, args.scale)
        elif args.command == "bench":
            from analysis import bench

            if args.tests:
                out = bench.run_tests(Path(args.out or REPO_ROOT / "bench" / "tests.json"))
            elif args.ssda903:
                out = bench.run_ssda903(args.scale, Path(args.out or REPO_ROOT / "bench" / "ssda903.json"))
            else:
                out = bench.run(args.paper, Path(args.out or REPO_ROOT / "bench" / "build.json"))
            print(f"Benchmark written to {out}")
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return InputError.exit_code
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return BuildError.exit_code
    except KeyboardInterrupt:
        print("interrupted; the previous build is untouched", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
