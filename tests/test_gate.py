"""The publish gate (analysis.publish.gate) on small hand-made outputs: what it finds, where, and what it lets through."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis.publish import gate
from analysis.report.charts import table_html
from analysis.sources.ssda903.synth import DEFAULT_OUT

IDS = gate.Identifiers(
    child_ids=frozenset({"109216", "AB12345"}),
    upns=frozenset({"A123456789012"}),
    dates_of_birth=frozenset({dt.date(2013, 7, 13), dt.date(2012, 4, 1), dt.date(2018, 1, 9)}),
    postcodes=frozenset({"CB226TA"}),
)
BANNER = '<div class="synthetic-banner" role="note"><strong>SYNTHETIC DATA.</strong></div>'


def _kinds(text: str, allowed=()) -> dict[str, int]:
    return {k: len(v) for k, v in gate.scan_text(text, IDS, allowed).items()}


@pytest.mark.parametrize(
    "text, kind",
    [
        ("child 109216 left care", "child ID"),
        ('{"CHILD": ["AB12345"]}', "child ID"),
        ("[109216,119038]", "child ID"),
        ("UPN A123456789012.", "UPN"),
        ("born 13/07/2013", "date of birth"),
        ("DOB 2013-07-13", "date of birth"),
        ('"x": ["2013-07-13T00:00:00"]', "date of birth"),
        ("home CB22 6TA", "postcode"),
        ("home cb226ta", "postcode"),
    ],
)
def test_each_kind_of_identifier_is_found(text, kind):
    assert _kinds(text) == {kind: 1}


@pytest.mark.parametrize(
    "text",
    [
        "1092160 children",  # longer number
        "rate 109216.5",  # part of a decimal
        "x109216",  # part of a word
        "year ending 31/03/2017",  # a year end
        "2012-04-01",  # first of a month: a period boundary in a time series
        "CB2 2TA",  # another postcode
        "UN1",  # reason code for a missing UPN
    ],
)
def test_lookalikes_are_not_hits(text):
    assert _kinds(text) == {}


def test_dates_the_report_states_are_allowed():
    allowed = gate.allowed_dates({"meeting_date": "2018-01-09", "nested": [{"d": "2013-07-13"}]})
    assert allowed == {dt.date(2018, 1, 9), dt.date(2013, 7, 13)}
    assert _kinds("meeting 2018-01-09, 13/07/2013", allowed) == {}
    assert _kinds("meeting 2018-01-09") == {"date of birth": 1}


def test_identifiers_come_from_every_year_of_the_ssda903_folder():
    ids = gate.identifiers(DEFAULT_OUT)
    assert len(ids.child_ids) > 1000 and len(ids.dates_of_birth) > 1000 and len(ids.postcodes) > 1000
    assert ids.upns and not any(u.startswith("UN") and len(u) <= 3 for u in ids.upns)
    assert all(" " not in p and p == p.upper() for p in ids.postcodes)


def _page(*tables: str, banner: bool = True) -> str:
    return f"<html><body>{BANNER if banner else ''}{''.join(tables)}</body></html>"


def test_small_counts_in_child_level_tables_are_found_with_row_and_column():
    import pandas as pd

    table = table_html(
        pd.DataFrame(
            {
                "Placement": ["Foster", "Residential", "Total"],
                "Children": ["1,204", "4", "1,208"],
                "Share (%)": [99.7, 0.3, 100],
            }
        ),
        caption="Children by placement, child-level data",
    )
    problems = gate.page_problems(_page(table))
    assert problems == [
        (
            "unsuppressed small count (1 to 5)",
            "line 1, table 'Children by placement, child-level data', row 2, column 'Children'",
        )
    ]


def test_suppressed_or_published_tables_pass():
    import pandas as pd

    suppressed = table_html(
        pd.DataFrame({"Placement": ["A", "B"], "Children": ["c", "40"], "Year": [2017, 2017]}),
        caption="Children by placement (child-level data)",
    )
    published = table_html(pd.DataFrame({"Authority": ["X"], "Children": [3]}), caption="Published figures")
    ages = table_html(pd.DataFrame({"Age": [1, 2], "Children": [10, 12]}), caption="By age (child-level data)")
    assert gate.page_problems(_page(suppressed, published, ages)) == []


def test_child_level_table_without_the_banner_is_a_problem():
    import pandas as pd

    table = table_html(pd.DataFrame({"Children": [10]}), caption="Child-level data")
    assert [k for k, _ in gate.page_problems(_page(table, banner=False))] == [
        "child-level table on a page without the child-level banner"
    ]


def test_check_reports_file_kind_and_place_never_the_value(tmp_path: Path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.html").write_text("<p>fine</p>\n<p>child 109216</p>\n")
    (tmp_path / "b.json").write_text('{"dob": "13/07/2013", "again": "13/07/2013"}')
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "vendor.js").write_text("109216")  # copied assets are not scanned
    hits = gate.check(tmp_path, IDS)
    assert [str(h) for h in hits] == [
        "b.json: date of birth at line 1 (2 occurrences)",
        "chapters/a.html: child ID at line 2",
    ]
    report = gate.report(hits)
    assert "109216" not in report and "13/07/2013" not in report
    assert report.startswith("2 problem(s) of kind child ID, date of birth")


def test_pdf_text_is_scanned(tmp_path: Path):
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = writer._add_object(  # a minimal Helvetica page saying the child's postcode
        __import__("pypdf").generic.DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    from pypdf.generic import DecodedStreamObject, DictionaryObject

    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 20 100 Td (home CB22 6TA) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    with open(tmp_path / "report.pdf", "wb") as fh:
        writer.write(fh)
    assert [str(h) for h in gate.check(tmp_path, IDS)] == ["report.pdf: postcode at page 1"]


# --------------------------------------------------------------------------- marks and differencing (issue 13)


def test_a_marked_table_is_checked_whatever_its_caption_says():
    import pandas as pd

    table = table_html(
        pd.DataFrame({"Placement": ["A", "B"], "Children": ["40", "3"]}),
        caption="Where the children live",
        population="children looked after at 31 March",
    )
    assert 'data-child-level="true"' in table and 'data-population="children looked after at 31 March"' in table
    assert [k for k, _ in gate.page_problems(_page(table))] == ["unsuppressed small count (1 to 5)"]


def test_one_hidden_cell_beside_a_shown_total_is_found_in_rows_and_columns():
    import pandas as pd

    rows = table_html(
        pd.DataFrame(
            {"Placement": ["A", "B"], "Boys": ["c", "30"], "Girls": ["20", "c"], "All children": ["24", "33"]}
        ),
        caption="By sex (child-level data)",
    )
    cols = table_html(
        pd.DataFrame({"Placement": ["A", "B", "C", "All placements"], "Children": ["c", "30", "20", "54"]}),
        caption="By placement (child-level data)",
    )
    safe = table_html(
        pd.DataFrame({"Placement": ["A", "B", "C", "All placements"], "Children": ["c", "c", "20", "28"]}),
        caption="By placement (child-level data)",
    )
    kinds = gate.page_problems(_page(rows, cols, safe))
    assert [w.split(", ", 2)[-1] for k, w in kinds if k == "suppressed cell recoverable from a shown total"] == [
        "row 1, from column 'All children'",
        "row 2, from column 'All children'",
        "column 'Children', from row 'All placements'",
    ]


def test_a_cell_shown_in_one_table_and_hidden_in_another_is_found(tmp_path: Path):
    import pandas as pd

    population = "children looked after at 31 March"
    mix = table_html(
        pd.DataFrame({"Placement": ["Kinship", "IFA"], "2017": ["c", "334"]}),
        caption="Mix (child-level data)",
        population=population,
        keys={"2017": "2017"},
    )
    leak = table_html(
        pd.DataFrame({"Group": ["Kinship", "IFA"], "2017 (actual)": ["82", "334"], "2018 (projected)": ["81", "353"]}),
        caption="Projection (child-level data)",
        population=population,
        keys={"2017 (actual)": "2017"},
    )
    (tmp_path / "mix.html").write_text(_page(mix))
    (tmp_path / "projection.html").write_text(_page(leak))
    hits = [str(h) for h in gate.check(tmp_path, gate.Identifiers())]
    assert hits == [
        "projection.html: cell shown in one table and suppressed in another at 'children looked after at 31 March': "
        "'Kinship | 2017' (also in mix.html line 1)"
    ]
    (tmp_path / "projection.html").write_text(_page(leak.replace(">82<", ">c<")))
    assert gate.check(tmp_path, gate.Identifiers()) == []


def test_key_figures_from_child_level_data_are_checked(tmp_path: Path):
    import json

    figures = {
        "waiting": {"value": 4, "unit": "children", "label": "Children waiting (SYNTHETIC child-level data)"},
        "published": {"value": 3, "unit": "children", "label": "Children adopted (DfE published figures)"},
        "hidden": {"value": "suppressed", "unit": "children", "label": "Children (child-level data)"},
        "days": {"value": 4, "unit": "days", "label": "Median wait (child-level data)"},
    }
    (tmp_path / "key-figures.json").write_text(json.dumps(figures))
    assert [str(h) for h in gate.check(tmp_path, gate.Identifiers())] == [
        "key-figures.json: unsuppressed small count (1 to 5) at key figure 'waiting'"
    ]


def _mix_table(cell: str) -> str:
    import pandas as pd

    table = pd.DataFrame({"Placement": ["In-house", "Kinship", "All placements"], "2017": ["120", cell, "135"]})
    return table_html(
        table, caption="Placements at 31 March", population="stock", keys={"2017": "2017"}, total_row="All placements"
    )


def test_a_pdf_table_is_read_against_the_page_it_was_printed_from():
    import pandas as pd

    from analysis.report import pagescan

    page = _mix_table("c").replace("15</td>", "15</td>")  # Kinship hidden, and the total too
    tables = pagescan.tables(page.replace(">135<", ">c<"))
    printed = "Where children live\nPlacements at 31 March\nPlacement 2017\nIn-house 120\nKinship c\nAll placements c\n"
    assert pagescan.pdf_problems(["DRAFT", printed], tables) == []
    # the PDF was printed from another version of the page: it shows the hidden count
    leaked = printed.replace("Kinship c", "Kinship 3")
    assert pagescan.pdf_problems(["DRAFT", leaked], tables) == [
        ("table in the PDF not as on the checked page", "page 2, table 'Placements at 31 March', row 2"),
        ("unsuppressed small count (1 to 5)", "page 2, table 'Placements at 31 March', row 2"),
    ]
    # a row missing from a printed table; a table not printed at all (the collapsed table behind a chart)
    missing = printed.replace("Kinship c\n", "")
    assert [k for k, _ in pagescan.pdf_problems([missing], tables)] == ["table in the PDF not as on the checked page"]
    assert pagescan.pdf_problems(["Where children live"], tables) == []
    # a word broken after its hyphen at the end of a line
    hyphen = pagescan.tables(
        table_html(
            pd.DataFrame(
                {"Severity": ["warning", "warning"], "Rule": ["first-episode-not-s-truncated", "x"], "N": ["9", "8"]}
            ),
            caption="Findings (child-level data)",
        )
    )
    assert (
        pagescan.pdf_problems(
            ["Findings (child-level data) warning first-episode-not-s-\ntruncated 9 warning x 8"], hyphen
        )
        == []
    )
    # ligatures and line breaks as a PDF's text layer gives them back
    wrapped = printed.replace("Placements at 31 March", "Placements at\n31 March").replace(
        "In-house 120", "In-house\n120"
    )
    assert pagescan.pdf_problems([wrapped], tables) == []


def test_executed_notebooks_are_read_like_pages(tmp_path: Path):
    import json

    nb = {
        "cells": [
            {"cell_type": "code", "outputs": [{"data": {"text/html": [BANNER]}, "output_type": "display_data"}]},
            {"cell_type": "code", "outputs": [{"data": {"text/html": _mix_table("4")}, "output_type": "display_data"}]},
        ]
    }
    (tmp_path / "chapter.ipynb").write_text(json.dumps(nb))
    hits = [str(h) for h in gate.check(tmp_path, gate.Identifiers())]
    assert hits == [
        "chapter.ipynb: unsuppressed small count (1 to 5) at cell 2, line 1, table 'Placements at 31 March', row 2, "
        "column '2017'"
    ]


def test_pdf_rows_are_found_by_scenario_and_year_where_the_first_cell_repeats_or_is_blank():
    import pandas as pd

    from analysis.report import pagescan

    table = pd.DataFrame(
        {
            "Scenario": ["Baseline", "Baseline", ""],
            "Year": ["2018", "2019", "All years"],
            "Children (child-level data)": ["120", "c", "250"],
            "What it means": ["a long text cell that wraps", "more text", ""],
        }
    )
    html = table_html(table, caption="By scenario", population="p")
    tables = pagescan.tables(html)
    printed = "By scenario Scenario Year Children What it means Baseline 2018 120 a long text Baseline 2019 c more "
    printed += "text All years 250 cell that wraps"
    assert pagescan.pdf_problems([printed], tables) == []
    assert [k for k, _ in pagescan.pdf_problems([printed.replace("2019 c", "2019 4")], tables)] == [
        "table in the PDF not as on the checked page",
        "unsuppressed small count (1 to 5)",
    ]


def test_a_pdf_table_over_a_page_break_is_found_whatever_order_the_text_layer_gives():
    """A table that runs onto the next page, whose text layer gives the page's other text first (as pypdf
    did for the new placements by age): each row is found where its cells follow its label."""
    from analysis.report import pagescan

    tables = pagescan.tables(_mix_table("c").replace(">135<", ">c<"))
    page1 = "Placements at 31 March Placement 2017 In-house 120"
    page2 = "Kinship carers look after some of the children ... Placement 2017 Kinship c All placements c"
    assert pagescan.pdf_problems([page1, page2], tables) == []
    assert pagescan.pdf_problems([page1, page2.replace("Kinship c", "Kinship 2")], tables) == [
        ("table in the PDF not as on the checked page", "page 2, table 'Placements at 31 March', row 2"),
        ("unsuppressed small count (1 to 5)", "page 2, table 'Placements at 31 March', row 2"),
    ]
