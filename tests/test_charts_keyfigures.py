"""House-style chart HTML and key-figure records."""

import json

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.errors import BuildError
from analysis.report import charts, keyfigures


def _fig():
    return go.Figure(go.Scatter(x=[2016, 2017], y=[46.0, 51.0]))


def _html(**over):
    args = dict(
        name="Trend A",
        title="Rate rose",
        caption="Source: DfE",
        alt="Line chart",
        table=pd.DataFrame({"Year": [2016, 2017], "Rate": [46.0, 51.0]}),
    )
    args.update(over)
    return charts.figure_html(_fig(), **args)


def test_chart_has_title_chart_caption_alt_and_table_and_no_plotly_bundle():
    html = _html()
    assert '<p class="cla-figure-title"><strong>Rate rose</strong></p>' in html
    assert 'role="group" aria-label="Line chart"' in html
    assert "<figcaption>Source: DfE</figcaption>" in html
    assert "<summary>Table behind this chart</summary>" in html and '<td class="num">2017</td>' in html
    assert 'id="chart-trend-a"' in html
    assert "<script src" not in html and "cdn.plot.ly" not in html
    assert len(html) < 20_000  # plotly.js itself is not embedded


def test_chart_html_is_deterministic():
    assert _html() == _html()


@pytest.mark.parametrize("missing", ["title", "caption", "alt"])
def test_chart_refuses_missing_words(missing):
    with pytest.raises(ValueError, match="needs a title, a caption and alt text"):
        _html(**{missing: ""})


def test_table_formats_and_missing_values():
    out = charts.table_html(
        pd.DataFrame({"Area": ["A", "B"], "Rate": [51.26, float("nan")]}), caption="Cap", formats={"Rate": ".1f"}
    )
    assert (
        "<caption>Cap</caption>" in out
        and '<td class="num">51.3</td>' in out
        and '<td class="num">–</td>' in out
        and "<td>A</td>" in out
    )


def test_figure_record_checks_name_and_unit():
    assert keyfigures.figure_record("cla_count", 1686.0, "children", "x") == {
        "value": 1686,
        "unit": "children",
        "label": "x",
        "display": "1,686",
    }
    # one display per figure: the decimals its rounded value has, or ``digits`` when given
    assert keyfigures.figure_record("r", 44.8, "per 10,000 children", "x")["display"] == "44.8"
    assert keyfigures.figure_record("r", 45.0, "per 10,000 children", "x", digits=1)["display"] == "45.0"
    with pytest.raises(ValueError, match="identifier"):
        keyfigures.figure_record("cla count", 1, "children", "x")
    with pytest.raises(ValueError, match="unit 'kg'"):
        keyfigures.figure_record("a", 1, "kg", "x")


def _glued_output(name, value):
    return nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": repr(value)},
        metadata={
            "scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"},
            keyfigures.META_KEY: keyfigures.figure_record(name, value, "children", "label"),
        },
    )


def _notebook(path, *outputs):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = list(outputs)
    nb.cells = [cell]
    nbformat.write(nb, path)
    return path


def test_collect_reads_records_and_writes_sorted_json(tmp_path):
    a = _notebook(tmp_path / "a.ipynb", _glued_output("zeta", 2), _glued_output("alpha", 1.0))
    figures = keyfigures.collect([a], tmp_path)
    assert list(figures) == ["alpha", "zeta"]
    assert figures["alpha"] == {
        "value": 1,
        "unit": "children",
        "label": "label",
        "display": "1",
        "notebook": "a.ipynb",
    }
    keyfigures.write(figures, tmp_path / "k.json")
    assert json.loads((tmp_path / "k.json").read_text()) == figures


def test_collect_refuses_duplicate_names(tmp_path):
    a = _notebook(tmp_path / "a.ipynb", _glued_output("x", 1))
    b = _notebook(tmp_path / "b.ipynb", _glued_output("x", 2))
    with pytest.raises(BuildError, match=r"glued twice: in a\.ipynb and b\.ipynb"):
        keyfigures.collect([a, b], tmp_path)


def test_table_behind_a_child_level_chart_is_captioned_so_the_gate_checks_it():
    from analysis.publish import gate

    table = pd.DataFrame({"Placement": ["IFA", "In-house"], "Children": [3, 40]})
    published = _html(table=table)
    child = _html(table=table, caption="Source: child-level data from SYNTHETIC returns.")
    assert "<caption>Rate rose</caption>" in published
    assert "<caption>Rate rose (child-level data)</caption>" in child
    page = '<div class="synthetic-banner">x</div>' + child
    assert [kind for kind, _ in gate.page_problems(page)] == ["unsuppressed small count (1 to 5)"]
    assert gate.page_problems('<div class="synthetic-banner">x</div>' + published) == []


def test_gate_does_not_read_money_columns_as_counts():
    from analysis.publish import gate

    page = '<div class="synthetic-banner">x</div>' + charts.table_html(
        pd.DataFrame({"Year": [2018], "Saving (£)": [4], "Children": [40]}), caption="Spend (child-level data)"
    )
    assert gate.page_problems(page) == []
