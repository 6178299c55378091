"""The latest-year paper (year ending 31 March 2025) builds in full, offline, with one number everywhere.

Built here from scratch (about a minute of notebooks), in a file of its own so
that pytest-xdist runs it beside the other build tests.
"""

from __future__ import annotations

import pytest
from conftest import glue_mismatches

from analysis.build import offline, pipeline
from analysis.paper import REPO_ROOT
from analysis.publish import gate

pytestmark = pytest.mark.build

LATEST = REPO_ROOT / "book" / "papers" / "2026-01-13_children-and-young-people-latest.yml"


@pytest.fixture(scope="module")
def latest(tmp_path_factory):
    return pipeline.build(LATEST, out_root=tmp_path_factory.mktemp("latest"), log=lambda line: None)


def test_latest_year_paper_builds_offline(latest):
    figures = latest.key_figures
    assert figures["paper_year"]["value"] == 2025
    # DfE, 31 March 2025: Cambridgeshire 705 children, 49 per 10,000; England 67
    assert figures["cla_count"]["value"] == 705 and figures["cla_rate_per_10k"]["value"] == 49
    assert figures["england_rate_per_10k"]["value"] == 67
    assert figures["claims_total"]["value"] == sum(
        figures[f"claims_{k}"]["value"] for k in ("supported", "in_line", "contradicted", "cannot_tell")
    )
    assert offline.external_references(latest.html_dir) == []


def test_latest_paper_shows_each_figure_s_one_display(latest):
    wrong = glue_mismatches(latest.html_dir, latest.key_figures)
    assert not wrong, "\n".join(wrong)


def test_latest_book_passes_the_gate_s_table_checks(latest):
    """No small count, no cell a shown total gives away, no cell shown in one table and hidden in another."""
    assert [str(h) for h in gate.check(latest.html_dir, gate.Identifiers())] == []
