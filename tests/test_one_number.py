"""One number everywhere: every glued occurrence of a key figure shows its one display format.

Each key figure in ``key-figures.json`` carries ``display``, the one way its
value reads (:func:`analysis.report.keyfigures.display`). The check
(:func:`conftest.glue_mismatches`) reads every ``{glue:text}`` role in the
chapter notebooks and the opening page, formats the figure's value the way the
role asks, checks that it gives ``display``, and that the built page shows it.
The latest paper gets the same check in ``test_latest_paper.py``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import glue_mismatches

from analysis.report.keyfigures import display

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parents[1]


def test_display_by_hand():
    assert display(44.85, "per 10,000 children", 1) == "44.9"
    assert display(44.8, "per 10,000 children") == "44.8"
    assert display(1234, "children") == "1,234"
    assert display(2017, "year") == "2017"
    assert display(30.0, "percent", 1) == "30.0"
    assert display(float("nan"), "percent") == "not published"
    assert display("within limits", "position") == "within limits"


def test_every_glued_occurrence_shows_the_figure_s_one_display(built, figures):
    wrong = glue_mismatches(built, figures)
    assert not wrong, "\n".join(wrong)


def test_claims_table_and_chapter_show_the_neighbours_average_alike(built, figures):
    shown = figures["neighbour_mean_rate_per_10k"]["display"]
    claims = html.unescape((built / "chapters" / "70_claims.html").read_text(encoding="utf-8"))
    assert f"neighbours' average {shown}" in claims


def test_forecast_text_and_projection_table_agree(built, figures):
    shown = figures["forecast_cla_in_3_years"]["display"]
    year = figures["forecast_year_3"]["value"]
    page = html.unescape((built / "chapters" / "50_forecast.html").read_text(encoding="utf-8"))
    # the "All children" row of the projection table, in the column of the year quoted
    head = re.search(r"<thead>.*?</thead>", page.split("by age band and by placement")[-1], re.S).group(0)
    columns = re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    row = re.search(r"<tr>\s*<t[hd][^>]*>All children</t[hd]>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    index = next(i for i, c in enumerate(columns) if str(year) in c) - 1
    assert cells[index].strip() == shown


def _sentences(page: str) -> list[str]:
    main = page[page.find("<main") : page.find("</main>")]
    words = html.unescape(
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", main, flags=re.S)))
    )
    return re.split(r"(?<=[.;])\s+(?=[A-Z0-9(])", words)


def test_opening_page_names_synthetic_wherever_it_quotes_child_level_figures(built, figures):
    """Every sentence of the opening page that quotes a figure from SYNTHETIC child-level data says SYNTHETIC."""
    intro = (built / "intro.html").read_text(encoding="utf-8")
    quoted = {
        m[1] for m in re.finditer(r"\{glue:text\}`chapters/\w+\.ipynb::(\w+)", (REPO / "book" / "intro.md").read_text())
    }
    child = [n for n in quoted if n in figures and "SYNTHETIC" in figures[n]["label"] and figures[n]["unit"] != "text"]
    assert "forecast_cla_in_3_years" in child, child
    bad = [
        (n, s)
        for n in child
        for s in _sentences(intro)
        if re.search(rf"\b{re.escape(figures[n]['display'])}\b", s) and "SYNTHETIC" not in s
    ]
    assert not bad, bad
