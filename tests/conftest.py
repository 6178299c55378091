"""Shared fixtures and helpers, and the test tiers.

Tiers (markers, see pyproject.toml): ``unit`` (functions and small data; every
test not marked otherwise, ``make test-fast``), ``build`` (reads the default
build or makes a book), ``slow`` (reads ../shared or regenerates data, tens of
seconds), ``browser`` (headless Chromium). ``make test`` runs every tier.

One default build (``built``: book/_build/html, made by ``make test`` before
pytest starts, or here when it is missing or stale) and one publish of the
default paper (``site``) are shared by every test that needs them. Test
modules import helpers from here, never from each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.sources.ssda903.spec import TABLES

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
HTML = REPO / "book" / "_build" / "html"

from analysis.build import provenance as _provenance  # noqa: E402  (after REPO, for the record of git's real state)

#: The real git state, kept before any test replaces provenance.git_state.
_REAL_GIT = _provenance.git_state

_TIERS = ("build", "slow", "browser")


def pytest_collection_modifyitems(items):
    """Tests that read ../shared are ``slow``; every test that is not ``build``, ``slow`` or ``browser`` is ``unit``."""
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
        if not any(item.get_closest_marker(t) for t in _TIERS):
            item.add_marker(pytest.mark.unit)


def default_paper(**changes) -> dict:
    """The default paper file's fields with ``changes`` applied (``"data.published"``-style dotted keys)."""
    from analysis.paper import DEFAULT_PAPER

    data = yaml.safe_load(DEFAULT_PAPER.read_text())
    for key, value in changes.items():
        if "." in key:
            outer, inner = key.split(".")
            data.setdefault(outer, {})[inner] = value
        else:
            data[key] = value
    return data


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run ``python -m analysis ARGS`` in a new process, as a user would (the real exit code)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=cwd, capture_output=True, text=True, env=env)


def run_main(*args: str) -> subprocess.CompletedProcess:
    """Run the command line's ``main([...])`` in this process; its exit code and what it printed."""
    from analysis.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return subprocess.CompletedProcess(["python", "-m", "analysis", *args], code, out.getvalue(), err.getvalue())


#: The columns of an SSDA903 episodes table, in the order test rows give them (the collection's order).
EPISODE_COLUMNS = TABLES["episodes"]


def episodes_frame(rows) -> pd.DataFrame:
    """An SSDA903 episodes table as the loader returns it (dates as datetimes, codes as text), from row tuples."""
    cols = EPISODE_COLUMNS
    df = pd.DataFrame(list(rows), columns=list(cols))
    for c in ("DECOM", "DEC"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    for c in set(cols) - {"DECOM", "DEC"}:
        df[c] = pd.Series(df[c].tolist(), dtype="str")  # pandas' text dtype, keeping None as missing
    df["YEAR"] = 2024
    df["_file"] = "episodes.csv"
    df["_row"] = np.arange(len(df)) + 2
    return df


@pytest.fixture
def cli():
    """The command line, in process (:func:`run_main`)."""
    return run_main


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"the source data folder {SHARED_DATA} is absent (it sits beside the project on the build machines)"
        )
    return SHARED_DATA


# --------------------------------------------------------------------------- the default build


@pytest.fixture(scope="session")
def built() -> Path:
    """book/_build/html built from the default paper (built here if missing or from another paper)."""
    from analysis.build import pipeline
    from analysis.paper import DEFAULT_PAPER, load_paper

    paper = load_paper(DEFAULT_PAPER).parameters()
    stamp = HTML / "paper.json"
    if not stamp.is_file() or json.loads(stamp.read_text()) != paper:
        pipeline.build(DEFAULT_PAPER)
    return HTML


@pytest.fixture(scope="session")
def figures(built) -> dict:
    """The default build's key-figures.json."""
    return json.loads((built / "key-figures.json").read_text())


# --------------------------------------------------------------------------- the shared publish


def edition_name() -> str:
    """The default paper's edition."""
    from analysis.paper import DEFAULT_PAPER

    return yaml.safe_load(DEFAULT_PAPER.read_text())["edition"]


def clean_git(root: Path = REPO):
    """The real HEAD commit with the tree reported clean (so an edition may be published from a dirty tree)."""
    from analysis.build import provenance

    real = _REAL_GIT()
    return provenance.GitState(real.commit or "0" * 40, False, ())


def paper_file(folder: Path, **changes) -> Path:
    """The default paper (its chapters whose notebooks exist), with ``changes`` (dotted keys) applied, as a file."""
    from analysis.chapters import REGISTRY

    data = default_paper(**changes)
    if "chapters" not in changes:
        data["chapters"] = [c for c in data["chapters"] if (REPO / "notebooks" / REGISTRY[c].source).is_file()]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"paper-{hashlib.sha1(json.dumps(changes, sort_keys=True).encode()).hexdigest()[:8]}.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@contextlib.contextmanager
def _exclusive(lock: Path):
    """Hold an exclusive lock on ``lock`` (a file) while the block runs: one pytest worker at a time."""
    import fcntl

    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def site(tmp_path_factory, built, worker_id) -> Path:
    """The default paper published once (HTML only) as its edition, into a temporary site.

    Under pytest-xdist the workers share one publish: the first makes it, the
    others wait for it and read it (no test writes into it).
    """
    from analysis.build import provenance
    from analysis.publish import site as publish

    root = tmp_path_factory.getbasetemp()
    base = (root if worker_id == "master" else root.parent) / "shared-site"
    site = base / "site"
    with _exclusive(base.parent / "shared-site.lock"):
        if not (site / edition_name() / "provenance.json").is_file():
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(provenance, "git_state", clean_git)
                publish.publish(paper_file(base), site=site, with_pdf=False, log=lambda line: None)
    return site


@pytest.fixture(scope="session")
def edition(site) -> Path:
    """The shared publish's edition folder."""
    return site / edition_name()


# --------------------------------------------------------------------------- one number everywhere

#: ``{glue:text}`name:format``` or, on the opening page, ``{glue:text}`chapters/NN.ipynb::name:format```.
GLUE_ROLE = re.compile(r"\{glue:text\}`(?:chapters/(?P<nb>\d\d_\w+)\.ipynb::)?(?P<name>\w+)(?::(?P<fmt>[^`]+))?`")


def glue_rendered(value, fmt: str | None) -> str:
    """What MyST-NB pastes for a glued ``value`` with format ``fmt`` (none: the plain text of the value)."""
    return str(value) if fmt in (None, "s") or isinstance(value, str) else format(value, fmt)


def glue_mismatches(html_dir: Path, figures: dict) -> list[str]:
    """Every ``{glue:text}`` role in the notebooks and the opening page whose pasted text is not its key figure's
    ``display``, or that the built page does not show."""
    import html

    sources = [(p, Path("chapters") / f"{p.stem}.html") for p in sorted((REPO / "notebooks").glob("*.md"))]
    sources.append((REPO / "book" / "intro.md", Path("intro.html")))
    wrong = []
    for source, page in sources:
        if not (html_dir / page).is_file():
            continue
        shown = html.unescape((html_dir / page).read_text(encoding="utf-8"))
        for m in GLUE_ROLE.finditer(source.read_text(encoding="utf-8")):
            fig = figures.get(m["name"])
            if fig is None or fig["value"] is None or (fig["unit"] == "text" and m["fmt"] is None):
                continue
            got = glue_rendered(fig["value"], m["fmt"])
            if got != fig["display"]:
                wrong.append(f"{source.name}: {m['name']}:{m['fmt']} shows {got!r}, its display is {fig['display']!r}")
            elif got not in shown:
                wrong.append(f"{page}: {m['name']} ({got!r}) is not on the page")
    return wrong
