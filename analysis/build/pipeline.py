"""The build: one paper file in, an offline HTML book out.

``python -m analysis build PAPER`` runs these steps, printing each:

1. validate the paper file and the data it names (:mod:`analysis.report.context`);
2. assemble the book sources in a staging folder beside the last good build;
3. execute each chapter notebook with papermill (kernel ``python3``), writing
   the executed copies into the staging folder, never into ``notebooks/``; a
   notebook whose inputs have not changed since its last execution is reused
   from ``book/_build/.cache`` instead (:mod:`analysis.build.nbcache`);
4. write the "Provenance" page (:mod:`analysis.build.provenance`) and any pages a
   caller adds (``BuildOptions.extra_pages``), then render the book with
   Jupyter Book 1.x (``execute_notebooks: off``, warnings are errors);
5. check no page loads anything from another host, and write
   ``key-figures.json``, ``paper.json`` and ``provenance.json``;
6. swap the new build into ``book/_build/html`` (and the executed notebooks into
   ``book/_build/executed``).

If any step fails the staging folder is kept for inspection under
``book/_build/failed`` and the previous good build is left untouched.

Every page's footer gives the edition, the paper, the data (year and the
newest DfE release in the published table) and the commit. A draft
(``BuildOptions(draft=True)``, used by ``python -m analysis publish --draft``)
is marked DRAFT on every page: a banner at the top and a watermark that prints
on every PDF page (``_static/draft.css``).
"""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import os
import re
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

from analysis.build import nbcache, offline, pages, provenance
from analysis.build.notebooks import read_source
from analysis.chapters import PARTS, REGISTRY, child_level
from analysis.errors import BuildError
from analysis.paper import REPO_ROOT, Paper
from analysis.publish.editions import read_paper
from analysis.report import keyfigures
from analysis.report.context import load as load_context
from analysis.sources import published

BOOK_SRC = REPO_ROOT / "book"
NOTEBOOKS = REPO_ROOT / "notebooks"
BUILD_ROOT = BOOK_SRC / "_build"

#: Executed notebooks kept for reuse (see :mod:`analysis.build.nbcache`).
CACHE_DIR = BUILD_ROOT / ".cache"

#: Files and folders of book/ that are not book pages.
_NOT_SOURCES = {"_build", "papers"}

#: Style sheet added to a draft's pages: "DRAFT" across every page, on screen and
#: on every printed page (a fixed element repeats on each page Chromium prints).
#: Written into the staging sources only for drafts (Jupyter Book links every
#: style sheet it finds in _static).
DRAFT_CSS = """\
body::after {
  content: "DRAFT"; position: fixed; top: 45%; left: 0; right: 0; text-align: center;
  font: 700 9rem/1 Arial, Helvetica, sans-serif; letter-spacing: 0.5rem;
  color: rgba(160, 0, 0, 0.15); transform: rotate(-30deg); pointer-events: none; z-index: 10000;
}
.bd-header-announcement { background: #8b0000; color: #fff; font-weight: 700; }
@media print {
  .bd-header-announcement { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

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
class Page:
    """A generated book page: ``name`` (file stem, e.g. ``changes``) and its Markdown."""

    name: str
    markdown: str


@dataclass
class BuildOptions:
    """How to build, beyond the paper file (the defaults are what ``python -m analysis build`` does).

    Attributes
    ----------
    draft:
        Mark every page DRAFT (banner and printed watermark).
    version:
        The version shown in the footer and provenance (default: the paper's edition).
    cache_dir:
        Where executed notebooks are kept for reuse; None executes every notebook.
    paper_file:
        The paper file, recorded in provenance when the paper is given as a mapping.
    extra_pages:
        Called with the key figures and the provenance record after the notebooks
        ran; returns pages to add under "About this report" (before the provenance page).
    """

    draft: bool = False
    version: str | None = None
    cache_dir: Path | None = CACHE_DIR
    paper_file: Path | None = None
    extra_pages: Callable[[dict[str, Any], dict[str, Any]], list[Page]] | None = None


@dataclass
class BuildResult:
    """What a successful build produced."""

    html_dir: Path
    executed_dir: Path
    key_figures: dict[str, Any]
    stages: list[Stage]
    notebook_seconds: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)


def footer_text(paper: Paper, *, version: str, commit: str, draft: bool = False, synthetic: bool | None = None) -> str:
    """The line at the foot of every page: edition, paper, data vintage, commit."""
    child = "" if synthetic is None else ("; child-level: SYNTHETIC" if synthetic else "; child-level: SSDA903 returns")
    edition = f"DRAFT {version}, not for circulation" if draft else f"Edition {version}"
    return (
        f"{edition} · {paper.committee}, meeting of {paper.meeting_date:%-d %B %Y} · "
        f"data for the year ending 31 March {paper.year}: DfE release {provenance.data_vintage(paper)}{child} · "
        f"commit {commit}"
    )


def _copy_sources(stage_src: Path, paper: Paper, footer: str | None = None, draft: bool = False) -> None:
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
    if footer is None:
        footer = footer_text(paper, version=paper.edition, commit=provenance.git_state().short)
    html_config = config.setdefault("html", {})
    html_config["extra_footer"] = f'<p class="edition-footer">{html_lib.escape(footer)}</p>'
    sphinx = config.setdefault("sphinx", {})
    sphinx["recursive_update"] = True  # so the theme options below merge with those from `html:`
    sphinx_config = sphinx.setdefault("config", {})
    # a fixed default colour mode: the theme otherwise logs an error on a first visit from disk
    sphinx_config.setdefault("html_context", {})["default_mode"] = "light"
    if draft:
        html_config["announcement"] = "DRAFT: not for circulation. Figures may change before publication."
        (static / "draft.css").write_text(DRAFT_CSS, encoding="utf-8")
        sphinx_config["html_css_files"] = list(sphinx_config.get("html_css_files", [])) + ["draft.css"]
    (stage_src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (stage_src / "_toc.yml").write_text(_toc(paper), encoding="utf-8")
    intro = stage_src / "intro.md"
    try:
        intro.write_text(pages.opening_page(intro.read_text(encoding="utf-8"), paper), encoding="utf-8")
    except ValueError as exc:
        raise BuildError(str(exc)) from None
    manifest = published.load_manifest(paper.published_dir())
    (stage_src / "data-sources.md").write_text(pages.data_sources_markdown(manifest, paper), encoding="utf-8")


def _toc(paper: Paper, extra: list[str] | tuple[str, ...] = ()) -> str:
    """The table of contents for this paper: the opening page, its chapters, the appendices.

    The chapters come from :data:`analysis.chapters.REGISTRY` (those the paper
    runs, each at the head of its part); ``book/_toc.yml`` lists the other
    pages of each part. ``extra`` names generated pages (file stems) added at
    the end of the last part.
    """
    base = yaml.safe_load((BOOK_SRC / "_toc.yml").read_text(encoding="utf-8"))
    pages = {part["caption"]: list(part.get("chapters") or []) for part in base.get("parts", [])}
    parts = []
    for caption in dict.fromkeys([*PARTS, *pages]):
        chapters = [{"file": c.page} for c in REGISTRY.values() if c.part == caption and c.name in paper.chapters]
        entries = chapters + pages.get(caption, [])
        if entries:
            parts.append({"caption": caption, "chapters": entries})
    if extra:
        parts[-1]["chapters"] += [{"file": name} for name in extra]
    base["parts"] = parts
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


def _execute(name: str, source: Path, target: Path, parameters: dict, log_path: Path) -> float:
    """Execute one notebook with papermill into ``target``; its seconds. Runs in a worker process."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    try:
        with _stderr_to(log_path):
            papermill.execute_notebook(
                read_source(source),
                str(target),
                parameters={"paper": parameters},
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
    return time.perf_counter() - start


def _jupyter_book(stage_src: Path, out: Path) -> None:
    exe = Path(sys.executable).parent / "jupyter-book"
    cmd = [
        str(exe),
        "build",
        str(stage_src),
        "--path-output",
        str(out),
        "--builder",
        "html",
        "-W",
        "--keep-going",
        "--all",
        "-q",
    ]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        text = (proc.stdout + proc.stderr).strip().splitlines()
        warnings = [line for line in text if "WARNING" in line or "ERROR" in line] or text[-20:]
        raise BuildError("Jupyter Book build failed (warnings are errors):\n  " + "\n  ".join(warnings[:30]))


#: Scripts sphinx-thebe adds to every page although the report does not use thebe
#: (launch buttons are off): its configuration, added twice (the second raises a
#: console error, "THEBE_JS_URL has already been declared") and naming a CDN, and
#: its loader. Removed from the rendered pages.
_THEBE_SCRIPTS = re.compile(
    r"[ \t]*<script>const THEBE_JS_URL = [^<]*</script>\n?"
    r'|[ \t]*<script async="async" src="[^"]*_static/sphinx-thebe\.js[^"]*"></script>\n?'
)


#: The plotly.js script tag Sphinx adds to every page (``html_js_files``).
_PLOTLY_SCRIPT = re.compile(r'[ \t]*<script src="[^"]*_static/plotly\.min\.js[^"]*"></script>\n?')


def _tidy_pages(html_root: Path) -> None:
    """Remove the unused thebe scripts from every rendered page (see :data:`_THEBE_SCRIPTS`), and
    plotly.js (3.5 MB, about 1.4 s to load) from pages without a chart."""
    for page in html_root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        tidy = _THEBE_SCRIPTS.sub("", text)
        if "Plotly.newPlot" not in tidy:
            tidy = _PLOTLY_SCRIPT.sub("", tidy)
        if tidy != text:
            page.write_text(tidy, encoding="utf-8")


def _swap(new: Path, current: Path) -> None:
    """Put ``new`` in place of ``current`` with two renames; the old copy is removed last."""
    old = current.with_name(f".old-{current.name}-{os.getpid()}")
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    if old.exists():
        shutil.rmtree(old)


def _run_notebooks(
    paper: Paper,
    chapters: Path,
    logs: Path,
    cache: nbcache.NotebookCache | None,
    log: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Execute (or reuse from the cache) each chapter notebook into ``chapters``; one record per notebook.

    Notebooks whose inputs changed run side by side, one worker process each
    (at most :func:`workers`), since each chapter's notebook reads only the
    paper and the data, never another chapter's output.
    """
    shared = nbcache.shared_digest(paper)
    records: dict[str, dict[str, Any]] = {}
    todo = []
    for chapter in paper.chapters:
        name = REGISTRY[chapter].notebook
        source, target = NOTEBOOKS / REGISTRY[chapter].source, chapters / name
        if not source.is_file():
            raise BuildError(f"notebook {source.name} (chapter {chapter}) not found in {_show(NOTEBOOKS)}")
        key = nbcache.key(source, paper, shared)
        hit = cache.get(name, key) if cache is not None else None
        if hit is not None:
            shutil.copyfile(hit.notebook, target)
            records[name] = {**hit.record, "status": "reused", "notebook": name}
            log(f"      {name}: reused (unchanged since {records[name]['executed_at']})")
        else:
            todo.append((name, source, target, key))
    if todo:
        logs.mkdir(exist_ok=True)
        log(f"      running {len(todo)} notebook(s), {min(workers(), len(todo))} at a time")
    for name, target, key, executed_at, seconds in _execute_all(todo, paper, logs):
        records[name] = {
            "notebook": name,
            "status": "executed",
            "seconds": round(seconds, 2),
            "executed_at": executed_at,
            "cache_key": key,
        }
        if cache is not None:
            cache.put(name, key, target, {k: v for k, v in records[name].items() if k != "status"})
        log(f"      {name}: {seconds:.1f} s")
    return [records[REGISTRY[c].notebook] for c in paper.chapters]


def workers() -> int:
    """How many notebooks run at once: ``CLA_BUILD_WORKERS`` if set, else the machine's cores."""
    value = os.environ.get("CLA_BUILD_WORKERS", "")
    return max(1, int(value)) if value.isdigit() else max(1, os.cpu_count() or 1)


def _execute_all(todo: list, paper: Paper, logs: Path) -> Iterator[tuple[str, Path, str, str, float]]:
    """Execute ``todo`` (name, source, target, cache key) in worker processes; yield each as it finishes.

    The first failure (in notebook order) is raised once every notebook has
    stopped, so the message names the same notebook however the work was shared.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if not todo:
        return
    parameters = paper.parameters()
    context = multiprocessing.get_context("spawn")
    failures: dict[int, BaseException] = {}
    with ProcessPoolExecutor(max_workers=min(workers(), len(todo)), mp_context=context) as pool:
        futures = {}
        for i, (name, source, target, _key) in enumerate(todo):
            log_path = logs / f"{Path(name).stem}.kernel.log"
            futures[i] = (pool.submit(_execute, name, source, target, parameters, log_path), provenance.now())
        for i, (future, executed_at) in futures.items():
            name, _source, target, key = todo[i]
            try:
                seconds = future.result()
            except Exception as exc:  # re-raised below, once the other notebooks have stopped
                failures[i] = exc
                continue
            _tag_cells(target)
            yield name, target, key, executed_at, seconds
    if failures:
        raise failures[min(failures)]


def _validate(
    paper_path: str | Path, options: BuildOptions, log: Callable[[str], None]
) -> tuple[Paper, Path, bool | None]:
    """Step 1: the paper, its file, and whether its child-level data are SYNTHETIC (None: it reads none)."""
    paper, _extras, paper_file = read_paper(paper_path)
    ctx = load_context(paper)
    log(
        f"      {paper.title}: {ctx.la.la_name} ({ctx.la.new_la_code}), year ending 31 March {paper.year}, "
        f"edition {paper.edition}"
    )
    synthetic = None
    if child_level(paper.chapters):
        from analysis.sources.ssda903 import context as child_context

        child = child_context.load(paper)
        synthetic = child.synthetic
        where = child.source.relative_to(REPO_ROOT) if child.source.is_relative_to(REPO_ROOT) else child.source
        log(
            f"      SSDA903: {where}, {child.years[0]}-{child.years[-1]}, {len(child.prepared):,} episodes, validated"
            f"{' (SYNTHETIC)' if child.synthetic else ''}"
        )
    return paper, options.paper_file or paper_file, synthetic


def _new_staging(out_root: Path) -> Path:
    """This build's staging folder under ``out_root``, after removing those of builds no longer running."""
    out_root.mkdir(parents=True, exist_ok=True)
    for stale in out_root.glob(".staging-*"):
        if not owner_running(stale.name.rsplit("-", 1)[-1], stale.stat().st_mtime):  # a running build keeps it
            shutil.rmtree(stale, ignore_errors=True)
    return out_root / f".staging-{os.getpid()}"


def _render(stage_src: Path, staging: Path, paper: Paper, options: BuildOptions, figures: dict, prov: dict) -> None:
    """Step 4: write the generated pages and the table of contents, then render with Jupyter Book."""
    extra = list(options.extra_pages(figures, prov)) if options.extra_pages else []
    extra.append(Page("provenance", provenance.markdown(prov)))
    for page in extra:
        (stage_src / f"{page.name}.md").write_text(page.markdown, encoding="utf-8")
    (stage_src / "_toc.yml").write_text(_toc(paper, [p.name for p in extra]), encoding="utf-8")
    _jupyter_book(stage_src, staging)


def _check_and_record(html: Path, staging: Path, executed: list[Path], paper: Paper, figures: dict, prov: dict) -> Path:
    """Step 5: refuse pages that load from another host; write the JSON records; keep the executed notebooks."""
    _tidy_pages(html)
    problems = offline.external_references(html)
    if problems:
        raise BuildError("pages load resources from another host:\n  " + "\n  ".join(problems[:20]))
    keyfigures.write(figures, html / "key-figures.json")
    (html / "paper.json").write_text(json.dumps(paper.parameters(), indent=2, sort_keys=True) + "\n")
    (html / "provenance.json").write_text(json.dumps(prov, indent=2, sort_keys=True) + "\n")
    executed_dir = staging / "executed"
    executed_dir.mkdir()
    for nb in executed:
        shutil.copy2(nb, executed_dir / nb.name)
    return executed_dir


def _clean_up(staging: Path, out_root: Path, ok: bool, log: Callable[[str], None]) -> None:
    """Remove the staging folder; after a failure keep it as ``out_root/failed`` (the last good build stays)."""
    failed = out_root / "failed"
    if not ok and staging.exists():
        if failed.exists():
            shutil.rmtree(failed)
        os.replace(staging, failed)
        log(
            f"      build failed; its files are kept in {_show(failed)}"
            f" and the previous build in {out_root / 'html'} is untouched"
        )
    elif staging.exists():
        shutil.rmtree(staging)
    if ok and failed.exists():
        shutil.rmtree(failed)


def build(
    paper_path: str | Path,
    *,
    out_root: Path = BUILD_ROOT,
    log: Callable[[str], None] = print,
    monitor: Callable[[str], contextlib.AbstractContextManager] | None = None,
    options: BuildOptions | None = None,
) -> BuildResult:
    """Build the book for one paper file into ``out_root/html``.

    ``options`` (optional) sets a draft watermark, the version label, the
    notebook cache and extra generated pages (see :class:`BuildOptions`).

    Raises
    ------
    InputError
        Bad paper file or data (nothing is built).
    BuildError
        A notebook or the book build failed (the previous build is untouched).
    """
    options = options or BuildOptions()
    progress = Progress(total=6, log=log, monitor=monitor)
    with progress.step("Validating the paper file and data"):
        paper, paper_file, synthetic = _validate(paper_path, options, log)
    git = provenance.git_state()
    version = options.version or paper.edition
    built_at = provenance.now()
    staging = _new_staging(out_root)
    stage_src = staging / "src"
    ok = False
    try:
        with progress.step("Assembling the book sources"):
            commit = git.short + (" (with uncommitted changes)" if git.dirty and git.commit else "")
            footer = footer_text(paper, version=version, commit=commit, draft=options.draft, synthetic=synthetic)
            _copy_sources(stage_src, paper, footer=footer, draft=options.draft)

        cache = nbcache.NotebookCache(options.cache_dir) if options.cache_dir is not None else None
        with progress.step(f"Executing {len(paper.chapters)} notebook(s) with papermill"):
            chapters = stage_src / "chapters"
            chapters.mkdir(exist_ok=True)
            records = _run_notebooks(paper, chapters, staging / "logs", cache, log)
        seconds = {r["notebook"]: r["seconds"] for r in records}

        with progress.step("Rendering the book with Jupyter Book (warnings are errors)"):
            executed = sorted(chapters.glob("*.ipynb"))
            figures = keyfigures.collect(executed, stage_src)
            prov = provenance.collect(
                paper,
                git=git,
                notebooks=records,
                version=version,
                draft=options.draft,
                built_at=built_at,
                paper_file=paper_file,
            )
            _render(stage_src, staging, paper, options, figures, prov)

        html = staging / "_build" / "html"
        with progress.step("Checking pages are offline and writing key-figures.json"):
            executed_dir = _check_and_record(html, staging, executed, paper, figures, prov)
            log(f"      {len(figures)} key figures")

        with progress.step(f"Publishing to {_show(out_root / 'html')}"):
            _swap(executed_dir, out_root / "executed")
            _swap(html, out_root / "html")
        ok = True
    finally:
        _clean_up(staging, out_root, ok, log)
    return BuildResult(
        html_dir=out_root / "html",
        executed_dir=out_root / "executed",
        key_figures=figures,
        stages=progress.stages,
        notebook_seconds=seconds,
        provenance=prov,
    )


def owner_running(pid: str, changed: float | None = None) -> bool:
    """True if process ``pid`` (not this one) is running and could have made a work file last changed at ``changed``.

    A killed process's id can be given to a new, unrelated process: on Linux a process that started
    after the file last changed (or a zombie, killed but not yet reaped) is not its owner. Without
    ``changed`` only whether the process runs is asked.
    """
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime")
        )
    except (OSError, IndexError, StopIteration, ValueError):
        return True  # no /proc: trust the id
    if fields[0] in ("Z", "X"):
        return False
    if changed is None:
        return True
    started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return started <= changed + 2.0


def _show(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)
