"""The opening page template: paper fields filled in, chapter blocks kept only when the chapter runs."""

from __future__ import annotations

import pytest
from conftest import default_paper

from analysis.build import pages
from analysis.paper import REPO_ROOT, parse_paper

TEMPLATE = """# {{ title }}

To: {{ committee }}, {{ meeting_date }}, edition {{ edition }}
<!-- if chapter: care_numbers -->
Care numbers here.
<!-- end if -->
<!-- if chapter: care_numbers, forecast -->
Forecast here.
<!-- end if -->
After.
"""


def test_fields_filled_and_blocks_kept_for_chapters_the_paper_runs():
    paper = parse_paper(default_paper(chapters=["care_numbers", "forecast"]))
    out = pages.opening_page(TEMPLATE, paper)
    assert out.startswith("# Transforming outcomes for children in care\n")
    assert "To: Children and Young People Committee, 9 January 2018, edition 2018.1" in out
    assert "Care numbers here." in out and "Forecast here." in out
    assert "<!--" not in out and "{{" not in out


def test_blocks_dropped_when_a_chapter_is_left_out():
    paper = parse_paper(default_paper(chapters=["care_numbers"]))
    out = pages.opening_page(TEMPLATE, paper)
    assert "Care numbers here." in out
    assert "Forecast here." not in out
    assert out.rstrip().endswith("After.")


def test_unknown_placeholder_or_chapter_is_an_error():
    paper = parse_paper(default_paper())
    with pytest.raises(ValueError, match="unknown placeholder"):
        pages.opening_page("{{ nonsense }}", paper)
    with pytest.raises(ValueError, match="unknown chapter astrology"):
        pages.opening_page("<!-- if chapter: astrology -->x<!-- end if -->", paper)


def test_the_real_opening_page_renders_for_the_default_paper():
    paper = parse_paper(default_paper())
    out = pages.opening_page((REPO_ROOT / "book" / "intro.md").read_text(encoding="utf-8"), paper)
    assert "<!-- if" not in out and "<!-- end if" not in out and "{{" not in out
    for heading in (
        "**Purpose.**",
        "**Recommendation.**",
        "## 1. Background",
        "## 2. Main issues",
        "## 3. Alignment with corporate priorities",
        "## 4. Significant implications",
        "## Claims checked against the data",
    ):
        assert heading in out
