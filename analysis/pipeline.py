"""The build: one paper file in, an offline HTML book out.

``python -m analysis build PAPER`` runs these steps, printing each:

1. validate the paper file and the data it names (:mod:`analysis.context`);
2. assemble the book sources in a staging folder beside the last good build;
3. execute each chapter notebook with papermill (kernel ``python3``), writing
   the executed copies into the staging folder, never into ``notebooks/``;
4. render the book with Jupyter Book 1.x (``execute_notebooks: off``,
   warnings are errors);
5. check no page loads anything from another host, and write
   ``key-figures.json``;
6. swap the new build into ``book/_build/html`` (and the executed notebooks into
   ``book/_build/executed``).

If any step fails the staging folder is kept for inspection under
``book/_build/failed`` and the previous good build is left untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

from analysis import keyfigures, offline, pages, published
from analysis.context import load as load_context
from analysis.errors import BuildError
from analysis.paper import CHAPTERS, CHILD_LEVEL_CHAPTERS, REPO_ROOT, Paper, load_paper

BOOK_SRC = REPO_ROOT / "book"
NOTEBOOKS = REPO_ROOT / "notebooks"
BUILD_ROOT = BOOK_SRC / "_build"

#: Files and folders of book/ that are not book pages.
_NOT_SOURCES = {"_build", "papers"}

#: Seconds any one notebook cell may run.
CELL_TIMEOUT = 600


def _plotly_js() -> Path:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - broken install
        raise BuildError(f"plotly.min.js not found in the plotly package at {path}")
    return path


@dataclass
class Stage:
    """One timed step of the build."""

    name: str
    seconds: float = 0.0
    peak_rss_mib: float | None = None


@dataclass
class Progress:
    """Prints numbered progress lines and times each step.

    ``monitor`` (optional) is a context-manager factory wrapped around each step,
    used by the benchmark to sample memory.
    """

    total: int
    log: Callable[[str], None] = print
    monitor: Callable[[str], contextlib.AbstractContextManager] | None = None
    stages: list[Stage] = field(default_factory=list)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[Stage]:
        stage = Stage(name)
        self.stages.append(stage)
        self.log(f"[{len(self.stages)}/{self.total}] {name} ...")
        start = time.perf_counter()
        ctx = self.monitor(name) if self.monitor else contextlib.nullcontext()
        with ctx as sampled:
            yield stage
        stage.seconds = time.perf_counter() - start
        if sampled is not None and hasattr(sampled, "peak_mib"):
            stage.peak_rss_mib = sampled.peak_mib
        self.log(f"      done in {stage.seconds:.1f} s")


@dataclass
class BuildResult:
    """What a successful build produced."""

    html_dir: Path
    executed_dir: Path
    key_figures: dict[str, Any]
    stages: list[Stage]
    notebook_seconds: dict[str, float]


def _copy_sources(stage_src: Path, paper: Paper) -> None:
    shutil.copytree(
        BOOK_SRC,
        stage_src,
        ignore=lambda d, names: [n for n in names if Path(d) == BOOK_SRC and n in _NOT_SOURCES],
    )
    static = stage_src / "_static"
    static.mkdir(exist_ok=True)
    shutil.copy2(_plotly_js(), static / "plotly.min.js")
    config = yaml.safe_load((stage_src / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = paper.title
    footer = (
        f"Edition {paper.edition} · {paper.committee}, meeting of {paper.meeting_date:%-d %B %Y} · "
        f"data for the year ending 31 March {paper.year}"
    )
    config.setdefault("html", {})["extra_footer"] = f"<p>{footer}</p>"
    (stage_src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (stage_src / "_toc.yml").write_text(_toc(paper), encoding="utf-8")
    manifest = published.load_manifest(paper.published_dir())
    (stage_src / "data-sources.md").write_text(pages.data_sources_markdown(manifest, paper), encoding="utf-8")


def _toc(paper: Paper) -> str:
    """The table of contents for this paper: the opening page, its chapters, the appendices."""
    base = yaml.safe_load((BOOK_SRC / "_toc.yml").read_text(encoding="utf-8"))
    chosen = {Path(CHAPTERS[c]).stem for c in paper.chapters}
    for part in base.get("parts", []):
        part["chapters"] = [
            ch for ch in part["chapters"]
            if not ch["file"].startswith("chapters/") or Path(ch["file"]).name in chosen
        ]
    base["parts"] = [p for p in base.get("parts", []) if p["chapters"]]
    return yaml.safe_dump(base, sort_keys=False)


def _tag_cells(path: Path) -> None:
    """Hide code behind a toggle and remove parameter cells from the rendered page."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = list(cell.metadata.get("tags", []))
        if "parameters" in tags or "injected-parameters" in tags:
            tags.append("remove-cell")
        elif not any(t in tags for t in ("remove-cell", "remove-input", "show-input", "hide-input")):
            tags.append("hide-input")
        cell.metadata["tags"] = tags
    nbformat.write(nb, path)


@contextlib.contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Send this process's stderr (inherited by the notebook kernel) to ``path`` for the duration.

    The kernel's own start-up and shut-down chatter goes to that log rather than
    the user's terminal; cell errors are reported by papermill regardless.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _execute(name: str, source: Path, target: Path, paper: Paper, log_path: Path) -> float:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    try:
        with _stderr_to(log_path):
            papermill.execute_notebook(
            str(source),
            str(target),
                parameters={"paper": paper.parameters()},
                kernel_name="python3",
                cwd=str(REPO_ROOT),
                progress_bar=False,
                log_output=False,
                execution_timeout=CELL_TIMEOUT,
            )
    except PapermillExecutionError as exc:
        first = (exc.source or "").strip().splitlines()[:1]
        raise BuildError(
            f"notebook {name} failed at cell {exc.cell_index} (execution count {exc.exec_count})"
            f"{': ' + first[0] if first else ''}\n  {exc.ename}: {exc.evalue}"
            f"\n  (the kernel's log is logs/{log_path.name} in the failed build's folder)"
        ) from None
    _tag_cells(target)
    return time.perf_counter() - start


def _jupyter_book(stage_src: Path, out: Path) -> None:
    exe = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(exe), "build", str(stage_src), "--path-output", str(out), "--builder", "html",
           "-W", "--keep-going", "--all", "-q"]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        text = (proc.stdout + proc.stderr).strip().splitlines()
        warnings = [line for line in text if "WARNING" in line or "ERROR" in line] or text[-20:]
        raise BuildError("Jupyter Book build failed (warnings are errors):\n  " + "\n  ".join(warnings[:30]))


def _swap(new: Path, current: Path) -> None:
    """Put ``new`` in place of ``current`` with two renames; the old copy is removed last."""
    old = current.with_name(f".old-{current.name}-{os.getpid()}")
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    if old.exists():
        shutil.rmtree(old)


def build(
    paper_path: str | Path,
    *,
    out_root: Path = BUILD_ROOT,
    log: Callable[[str], None] = print,
    monitor: Callable[[str], contextlib.AbstractContextManager] | None = None,
) -> BuildResult:
    """Build the book for one paper file into ``out_root/html``.

    Raises
    ------
    InputError
        Bad paper file or data (nothing is built).
    BuildError
        A notebook or the book build failed (the previous build is untouched).
    """
    progress = Progress(total=6, log=log, monitor=monitor)
    with progress.step("Validating the paper file and data"):
        paper = load_paper(paper_path)
        ctx = load_context(paper)
        log(f"      {paper.title}: {ctx.la.la_name} ({ctx.la.new_la_code}), year ending 31 March {paper.year}, "
            f"edition {paper.edition}")
        if CHILD_LEVEL_CHAPTERS & set(paper.chapters):
            from analysis.ssda903 import context as child_context

            child = child_context.load(paper)
            log(f"      SSDA903: {child.source.relative_to(REPO_ROOT) if child.source.is_relative_to(REPO_ROOT) else child.source}"
                f", {child.years[0]}-{child.years[-1]}, {len(child.prepared):,} episodes, validated"
                f"{' (SYNTHETIC)' if child.synthetic else ''}")

    out_root.mkdir(parents=True, exist_ok=True)
    for stale in out_root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = out_root / f".staging-{os.getpid()}"
    stage_src = staging / "src"
    failed = out_root / "failed"
    ok = False
    try:
        with progress.step("Assembling the book sources"):
            _copy_sources(stage_src, paper)

        seconds: dict[str, float] = {}
        with progress.step(f"Executing {len(paper.chapters)} notebook(s) with papermill"):
            chapters = stage_src / "chapters"
            chapters.mkdir(exist_ok=True)
            for i, chapter in enumerate(paper.chapters, 1):
                name = CHAPTERS[chapter]
                log(f"      ({i}/{len(paper.chapters)}) {name}")
                logs = staging / "logs"
                logs.mkdir(exist_ok=True)
                seconds[name] = _execute(
                    name, NOTEBOOKS / name, chapters / name, paper, logs / f"{Path(name).stem}.kernel.log"
                )
                log(f"          {seconds[name]:.1f} s")

        with progress.step("Rendering the book with Jupyter Book (warnings are errors)"):
            _jupyter_book(stage_src, staging)

        html = staging / "_build" / "html"
        with progress.step("Checking pages are offline and writing key-figures.json"):
            problems = offline.external_references(html)
            if problems:
                raise BuildError("pages load resources from another host:\n  " + "\n  ".join(problems[:20]))
            executed = sorted(chapters.glob("*.ipynb"))
            figures = keyfigures.collect(executed, stage_src)
            keyfigures.write(figures, html / "key-figures.json")
            (html / "paper.json").write_text(json.dumps(paper.parameters(), indent=2, sort_keys=True) + "\n")
            executed_dir = staging / "executed"
            executed_dir.mkdir()
            for nb in executed:
                shutil.copy2(nb, executed_dir / nb.name)
            log(f"      {len(figures)} key figures")

        with progress.step("Publishing to book/_build/html"):
            _swap(executed_dir, out_root / "executed")
            _swap(html, out_root / "html")
        ok = True
    finally:
        if not ok and staging.exists():
            if failed.exists():
                shutil.rmtree(failed)
            os.replace(staging, failed)
            log(f"      build failed; its files are kept in {failed.relative_to(REPO_ROOT) if failed.is_relative_to(REPO_ROOT) else failed}"
                f" and the previous build in {out_root / 'html'} is untouched")
        elif staging.exists():
            shutil.rmtree(staging)
    if ok and failed.exists():
        shutil.rmtree(failed)
    return BuildResult(
        html_dir=out_root / "html",
        executed_dir=out_root / "executed",
        key_figures=figures,
        stages=progress.stages,
        notebook_seconds=seconds,
    )
