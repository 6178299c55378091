"""Both shipped papers' key figures are those taken before analysis/ was laid out anew (issue 11).

The latest paper is built here in full (about a minute of notebooks), in a
file of its own so that pytest-xdist runs it beside the other build tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.build import offline, pipeline
from analysis.paper import DEFAULT_PAPER, REPO_ROOT

pytestmark = pytest.mark.build

BEFORE_MOVE = Path(__file__).parent / "data" / "key-figures-before-move"


def _same_as_before_the_move(paper: Path, figures: dict) -> None:
    before = json.loads((BEFORE_MOVE / f"{paper.stem}.json").read_text())
    assert sorted(figures) == sorted(before), "key figures added or removed"
    changed = [name for name in before if figures[name] != before[name]]
    assert not changed, f"changed by the move: {changed}"


def test_default_key_figures_are_those_before_the_move(figures):
    _same_as_before_the_move(DEFAULT_PAPER, figures)


def test_latest_year_paper_builds(tmp_path):
    paper = REPO_ROOT / "book" / "papers" / "2026-01-13_children-and-young-people-latest.yml"
    result = pipeline.build(paper, out_root=tmp_path, log=lambda line: None)
    figures = result.key_figures
    _same_as_before_the_move(paper, figures)
    assert figures["paper_year"]["value"] == 2025
    assert figures["cla_count"]["value"] == 705 and figures["cla_rate_per_10k"]["value"] == 49
    assert figures["england_rate_per_10k"]["value"] == 67
    assert offline.external_references(result.html_dir) == []
