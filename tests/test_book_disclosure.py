"""Disclosure across the whole default book, as the publish gate reads it (issue 13).

Every table the book shows from child-level data is marked by the one function that renders it
(:func:`analysis.report.charts.table_html`) with its population; cells that two chapters both show carry
the same key, so the gate (:mod:`analysis.publish.gate`) compares them across pages. The gate's own scan of
the default build (identifiers, small counts, differencing, cross-table cells) is
``test_ssda903_context.test_no_child_identifier_reaches_a_page_or_executed_notebook``.
"""

from __future__ import annotations

import pytest

from analysis.report import pagescan
from analysis.report.categories import ALL_CHILDREN, STOCK_POPULATION, stock_key

pytestmark = pytest.mark.build


def _tables(built):
    return {
        p.relative_to(built).as_posix(): pagescan.tables(p.read_text(encoding="utf-8"))
        for p in sorted(built.rglob("*.html"))
        if "_static" not in p.parts
    }


def test_every_child_level_table_of_the_book_names_its_population(built):
    pages = _tables(built)
    marked = {page: [t for t in tables if t.population] for page, tables in pages.items()}
    unmarked = [
        f"{page}: {pagescan.short_caption(t)}"
        for page, tables in pages.items()
        for t in tables
        if pagescan.is_child_level(t) and not t.population
    ]
    assert unmarked == []
    per_chapter = {page.split("/")[-1]: len(ts) for page, ts in marked.items() if ts}
    assert per_chapter == {
        "20_placements.html": 12,
        "30_permanence.html": 12,
        "50_forecast.html": 4,
        "60_business_case.html": 5,
        "90_data_quality.html": 4,  # validation, reconciliation, calibration, DfE rules
    }


def test_the_children_at_31_march_are_one_released_count_on_every_page_that_shows_them(built):
    """The placements chapter's total at 31 March of the paper's year is the forecast's actual, the back
    test's, the business case's base year and the reconciliation's returns: one key, one shown value."""
    key = (STOCK_POPULATION, stock_key(ALL_CHILDREN, 2017))
    shown = {}
    for page, tables in _tables(built).items():
        for t in tables:
            cells = pagescan.released_cells(t)
            if key in cells:
                shown.setdefault(page.split("/")[-1], set()).add(cells[key])
    assert set(shown) == {"20_placements.html", "50_forecast.html", "60_business_case.html", "90_data_quality.html"}
    # one shown value (the returns' count as the paper's year's return has it; late episodes that a later
    # return adds make it differ a little from DfE's 686)
    values = {v for vs in shown.values() for v in vs}
    assert len(values) == 1 and int(values.pop().replace(",", "")) > 600
    cells = [(page, pagescan.released_cells(t)) for page, tables in _tables(built).items() for t in tables]
    assert pagescan.inconsistent(cells) == []
