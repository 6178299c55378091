"""Command line: ``python -m analysis <command>``.

Commands
--------
build [PAPER]            validate, execute the notebooks, render the book (book/_build/html)
data refresh SOURCE_DIR  derive data/published from DfE/ONS downloads
bench [PAPER]            time each build stage and its peak memory; write JSON

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

    bench = sub.add_parser("bench", help="time each build stage and record peak memory")
    bench.add_argument("paper", nargs="?", default=str(DEFAULT_PAPER))
    bench.add_argument("--out", default=str(REPO_ROOT / "bench" / "build.json"), help="JSON file to write")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run a command; return its exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            from analysis.pipeline import build

            result = build(args.paper)
            total = sum(s.seconds for s in result.stages)
            print(f"Built in {total:.1f} s: {result.html_dir / 'index.html'}")
        elif args.command == "data":
            from analysis.refresh import refresh

            summary = refresh(Path(args.source_dir), Path(args.out))
            print(summary)
        elif args.command == "bench":
            from analysis.bench import run

            out = run(args.paper, Path(args.out))
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
