"""Benchmark: wall time and peak memory of each build stage, written to JSON.

``python -m analysis bench [PAPER]`` runs the real build into a scratch folder
(so the published build is not touched) and records, for each stage, its wall
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

    def __enter__(self) -> "MemorySampler":
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
    from analysis.pipeline import build

    scratch = Path(tempfile.mkdtemp(prefix="cla-bench-"))
    start = time.perf_counter()
    try:
        with MemorySampler() as whole:
            result = build(paper, out_root=scratch, monitor=lambda name: MemorySampler())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    total = time.perf_counter() - start
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
            {"stage": s.name, "seconds": round(s.seconds, 2), "peak_rss_mib": s.peak_rss_mib}
            for s in result.stages
        ],
        "notebooks_seconds": {k: round(v, 2) for k, v in result.notebook_seconds.items()},
        "memory_method": "resident memory of this process and its descendants, sampled every 50 ms from /proc",
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return out
