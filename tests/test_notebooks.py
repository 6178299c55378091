"""The notebook contract and the chapter registry: one test of each for every chapter."""

from __future__ import annotations

import re

import pytest
import yaml

from analysis.build import pipeline
from analysis.build.notebooks import read_source
from analysis.chapters import ABOUT, EVIDENCE, REGISTRY
from analysis.paper import DEFAULT_PAPER, REPO_ROOT, load_paper

pytestmark = pytest.mark.unit

NOTEBOOKS = REPO_ROOT / "notebooks"
#: Control flow, definitions and inline branches: what belongs in analysis/, not in a notebook.
LOGIC = re.compile(r"^\s*(def|class|for|while|if|with|try)\b|\bif\b.*\belse\b|\blambda\b", re.M)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_notebook_is_a_thin_narrative_stored_as_text(name):
    chapter = REGISTRY[name]
    path = NOTEBOOKS / chapter.source
    assert path.is_file(), f"notebooks/{chapter.source} is missing"
    assert not (NOTEBOOKS / chapter.notebook).exists(), "notebooks are stored as MyST Markdown, not .ipynb"
    nb = read_source(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and params[0] is code[0], "one parameters cell, first"
    assert params[0].source.splitlines()[-1] == f'paper = "{DEFAULT_PAPER.relative_to(REPO_ROOT).as_posix()}"'
    for cell in code:
        assert not cell.get("outputs") and cell.get("execution_count") is None
        assert not LOGIC.search(cell.source), f"logic in a notebook cell:\n{cell.source}"
    heading = next(c.source for c in nb.cells if c.cell_type == "markdown").splitlines()[0]
    assert heading == f"# {chapter.title}", "the notebook's title is the registry's"


@pytest.mark.parametrize("name", ["10_care_numbers", "70_claims"])
def test_reading_a_notebook_twice_gives_the_same_notebook_with_stable_ids(name):
    first, second = (read_source(NOTEBOOKS / f"{name}.md") for _ in range(2))
    assert first == second
    ids = [c["id"] for c in first.cells]
    assert len(set(ids)) == len(ids) and ids[0] == f"{name.replace('_', '-')}-00"


def test_table_of_contents_is_generated_from_the_registry():
    paper = load_paper(DEFAULT_PAPER)
    toc = yaml.safe_load(pipeline._toc(paper))
    parts = {p["caption"]: [c["file"] for c in p["chapters"]] for p in toc["parts"]}
    chosen = [c for c in REGISTRY.values() if c.name in paper.chapters]
    assert parts[EVIDENCE] == [c.page for c in chosen if c.part == EVIDENCE]
    assert parts[ABOUT][: sum(c.part == ABOUT for c in chosen)] == [c.page for c in chosen if c.part == ABOUT]
    assert {"methods", "assumptions", "data-sources"} <= set(parts[ABOUT])
    book_toc = (REPO_ROOT / "book" / "_toc.yml").read_text()
    assert "chapters/" not in book_toc.replace("chapters: []", ""), "chapters are listed in the registry only"


def test_a_paper_with_fewer_chapters_gets_only_those_in_its_contents():

    paper = load_paper(DEFAULT_PAPER).model_copy(update={"chapters": ["care_numbers", "recruitment"]})
    toc = yaml.safe_load(pipeline._toc(paper))
    files = [c["file"] for p in toc["parts"] for c in p["chapters"]]
    assert [f for f in files if f.startswith("chapters/")] == ["chapters/10_care_numbers", "chapters/40_recruitment"]
