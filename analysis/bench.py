"""Benchmark: wall time and peak memory of each build stage, written to JSON.

``python -m analysis bench [PAPER]`` runs the real build into a scratch folder
(so the published build is not touched), with an empty notebook cache, then
builds again with nothing changed (``rebuild_nothing_changed``: every notebook
reused from the cache), and records, for each stage, its wall
time and the peak resident memory of the whole process tree (this process plus
the notebook kernels and the Jupyter Book subprocess), sampled every 50 ms from
``/proc``. Speed is measured here, never in timed tests.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import threading
import time
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
            ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss_bytes(pid: int | None = None) -> int:
    """Resident memory of process ``pid`` (default: this one) and all its descendants."""
    pid = os.getpid() if pid is None else pid
    tree = _children()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm", encoding="ascii") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            pass
        todo.extend(tree.get(p, []))
    return total


class MemorySampler:
    """Context manager sampling :func:`tree_rss_bytes` in a thread; ``peak_mib`` after exit."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes())
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self.peak_bytes = tree_rss_bytes()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, tree_rss_bytes())

    @property
    def peak_mib(self) -> float:
        """Peak resident memory seen, in MiB."""
        return round(self.peak_bytes / 2**20, 1)


def run(paper: str | Path, out: Path) -> Path:
    """Benchmark one build of ``paper`` and write the figures to ``out`` (JSON)."""
    from analysis.build.pipeline import BuildOptions, build

    scratch = Path(tempfile.mkdtemp(prefix="cla-bench-"))
    options = BuildOptions(cache_dir=scratch / "cache")  # starts empty: the first build executes everything
    start = time.perf_counter()
    try:
        with MemorySampler() as whole:
            result = build(paper, out_root=scratch, monitor=lambda name: MemorySampler(), options=options)
        total = time.perf_counter() - start
        again_start = time.perf_counter()
        with MemorySampler() as again_mem:
            again = build(paper, out_root=scratch, monitor=lambda name: MemorySampler(), options=options)
        again_total = time.perf_counter() - again_start
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report = {
        "command": "build",
        "paper": str(paper),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "total_seconds": round(total, 2),
        "peak_rss_mib": whole.peak_mib,
        "stages": [
            {"stage": s.name, "seconds": round(s.seconds, 2), "peak_rss_mib": s.peak_rss_mib} for s in result.stages
        ],
        "notebooks_seconds": {k: round(v, 2) for k, v in result.notebook_seconds.items()},
        "rebuild_nothing_changed": {
            "total_seconds": round(again_total, 2),
            "peak_rss_mib": again_mem.peak_mib,
            "stages": [
                {"stage": s.name, "seconds": round(s.seconds, 2), "peak_rss_mib": s.peak_rss_mib} for s in again.stages
            ],
            "notebooks": {nb["notebook"]: nb["status"] for nb in again.provenance.get("notebooks", [])},
        },
        "memory_method": "resident memory of this process and its descendants, sampled every 50 ms from /proc",
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return out


def _stage(stages: list, name: str, fn):
    """Run ``fn`` timing it and sampling the process tree's memory; append the record."""
    start = time.perf_counter()
    with MemorySampler() as mem:
        out = fn()
    stages.append({"stage": name, "seconds": round(time.perf_counter() - start, 2), "peak_rss_mib": mem.peak_mib})
    print(f"  {name}: {stages[-1]['seconds']} s, peak {mem.peak_mib} MiB", flush=True)
    return out


def run_ssda903(scale: float, out: Path, seed: int = 903) -> Path:
    """Benchmark the child-level pipeline on a national-sized synthetic data set.

    The data set is the synthetic authority scaled up ``scale`` times (written
    once to ``build/synthetic/scale-<scale>``; generating it is not timed).
    Timed: load (parse every CSV, dates), multi-year stacking, validation, the
    episode model (periods, counts by year).
    """
    from analysis.paper import REPO_ROOT
    from analysis.sources.ssda903 import episodes as E
    from analysis.sources.ssda903 import load, synth
    from analysis.sources.ssda903.validate import validate

    folder = REPO_ROOT / "build" / "synthetic" / f"scale-{scale:g}"
    if not (folder / "manifest.json").exists():
        print(f"Generating the scale data set (x{scale:g}) in {folder} (not timed) ...", flush=True)
        gen_start = time.perf_counter()
        synth.write(synth.generate("Cambridgeshire", 2012, 2025, seed, scale=scale), folder)
        print(f"  generated in {time.perf_counter() - gen_start:.0f} s", flush=True)
    params = json.loads((folder / "manifest.json").read_text())["parameters"]
    stages: list[dict] = []
    total_start = time.perf_counter()
    with MemorySampler() as whole:
        ret = _stage(stages, "load (read and parse all yearly returns)", lambda: load.load_return(folder))
        stacked = _stage(stages, "stack (de-duplicate across years)", lambda: load.stack(ret))
        findings = _stage(stages, "validate (schema, codes, dates, each child's history)", lambda: validate(stacked))
        prepared = _stage(
            stages,
            "episode model: prepare (periods, categories)",
            lambda: E.prepare(stacked.tables["episodes"], stacked.tables["header"]),
        )
        _stage(stages, "episode model: periods", lambda: E.periods(prepared))
        years = list(range(params["years"][0] + 1, params["years"][1] + 1))
        _stage(stages, "episode model: counts by year", lambda: E.counts_by_year(prepared, years))
    rows = {name: len(frame) for name, frame in ret.tables.items()}
    report = {
        "command": "bench --ssda903",
        "data": str(folder.relative_to(REPO_ROOT)),
        "scale": scale,
        "children": int(stacked.tables["header"]["CHILD"].nunique()),
        "episode_rows_loaded": rows.get("episodes", 0),
        "episodes_after_stacking": len(stacked.tables["episodes"]),
        "rows_loaded": rows,
        "findings": {str(k): int(v) for k, v in findings["severity"].value_counts().items()},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "total_seconds": round(time.perf_counter() - total_start, 2),
        "peak_rss_mib": whole.peak_mib,
        "stages": stages,
        "memory_method": "resident memory of this process and its descendants, sampled every 50 ms from /proc",
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                k: report[k]
                for k in ("children", "episode_rows_loaded", "episodes_after_stacking", "total_seconds", "peak_rss_mib")
            },
            indent=2,
        )
    )
    return out


#: The commands ``bench --tests`` times, in order: (name, make target).
TEST_COMMANDS = (("test_fast", "test-fast"), ("test", "test"))


def run_tests(out: Path, root: Path | None = None) -> Path:
    """Time ``make test-fast`` and ``make test`` (an installed environment) and write the figures to ``out``.

    Each command runs as it would for a developer (``make`` in the project
    folder), its output kept in ``out``'s folder as ``<name>.log``; the record
    gives its wall time, exit code and the peak resident memory of its process
    tree. The default build is removed first so that ``make test`` builds cold
    (the notebook cache is removed too).
    """
    import subprocess

    from analysis.paper import REPO_ROOT

    root = root or REPO_ROOT
    shutil.rmtree(root / "book" / "_build", ignore_errors=True)
    records = []
    for name, target in TEST_COMMANDS:
        log = out.parent / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        with open(log, "w", encoding="utf-8") as fh, MemorySampler() as mem:
            code = subprocess.run(["make", target], cwd=root, stdout=fh, stderr=subprocess.STDOUT).returncode
        seconds = round(time.perf_counter() - start, 1)
        records.append(
            {"command": f"make {target}", "seconds": seconds, "exit_code": code, "peak_rss_mib": mem.peak_mib}
        )
        print(f"  make {target}: {seconds} s, exit {code}, peak {mem.peak_mib} MiB", flush=True)
    report = {
        "command": "bench --tests",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "runs": records,
        "memory_method": "resident memory of this process and its descendants, sampled every 50 ms from /proc",
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return out
