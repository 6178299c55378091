"""House style for charts and tables.

Every chart in the report is shown through :func:`figure_html`: a title that
states the finding, the interactive plotly chart (alt text on its container),
a caption, and the table behind it. Figures are emitted without plotly.js
(``include_plotlyjs=False``): the book ships ``plotly.min.js`` once in its
``_static`` folder, so pages load nothing from another host. Chart ids are
derived from the chart's name, so the same data gives the same HTML.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import plotly.graph_objects as go

#: Colour-blind-safe palette (Okabe & Ito), by role.
COLOURS = {
    "la": "#0060A8",  # the paper's local authority (darker than Okabe-Ito blue for contrast)
    "england": "#404040",
    "region": "#D55E00",
    "neighbours": "#009E73",
    "other": "#A8A8A8",
    "limit95": "#7F7F7F",
    "limit998": "#303030",
}

FONT = "Arial, Helvetica, sans-serif"

#: The legend entry of whatever stands for suppressed values in a chart (a segment or a cross).
SUPPRESSED_SEGMENT = "Suppressed (1 to 5 children, or hidden so they cannot be worked out)"

#: How a segment standing for suppressed categories together is drawn: grey, hatched.
SUPPRESSED_MARKER = {"color": "#BBBBBB", "pattern": {"shape": "/", "fgcolor": "#555555"}}

#: How a caption says its chart or table is built from child-level data (as the publish gate reads it).
_CHILD_LEVEL = re.compile(r"child[- ]level", re.I)


def base_layout(fig: go.Figure, *, y_title: str, x_title: str = "") -> go.Figure:
    """Apply the house layout: plain background, readable fonts, legend below."""
    fig.update_layout(
        template="simple_white",
        font={"family": FONT, "size": 14, "color": "#1a1a1a"},
        margin={"l": 60, "r": 20, "t": 20, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0},
        hovermode="closest",
        height=440,
    )
    fig.update_yaxes(title_text=y_title, rangemode="tozero", gridcolor="#e5e5e5", showgrid=True)
    fig.update_xaxes(title_text=x_title)
    return fig


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def table_html(
    table: pd.DataFrame,
    caption: str = "",
    formats: dict[str, str] | None = None,
    *,
    population: str | None = None,
    keys: dict | None = None,
    cells: dict | None = None,
    total_row=None,
    total_col=None,
) -> str:
    """An accessible HTML table: caption, header row, numbers right-aligned, text left-aligned.

    A table built from child-level data (its caption says so, or it names its
    ``population``) is marked for the publish gate: ``data-child-level`` on the
    table, ``data-population`` naming the released population it shows cells
    of, and ``data-key`` on the header of each column that is a date of that
    population (``keys``: column -> key, e.g. ``{"2017 (actual)": "2017"}``),
    so the gate can check that no cell shown in one table is hidden in another.
    A body cell that is also a cell of another table in another shape (the
    exclusions table's "Included" for A1 is the scorecard's children in A1)
    names its key in ``cells`` (``{(row position, column): key}``); the total row
    and column (``total_row``: its first cell's label, ``total_col``: its
    header) are marked ``data-total``, so the gate knows which cells add up to
    which (:mod:`analysis.report.pagescan`).

    Parameters
    ----------
    formats:
        Column -> format spec (e.g. ``",.0f"``); missing values show as "–".
        Formatted columns, numeric columns and columns of counts shown as text
        (suppressed ``c``) are right-aligned.
    population, keys, cells, total_row, total_col:
        As above (all optional).
    """
    formats, keys, cells = formats or {}, keys or {}, cells or {}

    def cell(value, spec):
        if not isinstance(value, str) and pd.isna(value):
            return "–"
        return format(value, spec) if spec is not None else str(value)

    numeric = {
        col
        for col in table.columns
        if col in formats
        or pd.api.types.is_numeric_dtype(table[col])
        or table[col].astype(str).str.fullmatch(r"[\d,.\-–]+|c|").all()
    }

    def cls(col) -> str:
        return ' class="num"' if col in numeric else ""

    def key(col) -> str:
        return f' data-key="{html.escape(str(keys[col]), quote=True)}"' if col in keys else ""

    def total(col) -> str:
        return " data-total" if total_col is not None and col == total_col else ""

    def cell_key(i, col) -> str:
        k = cells.get((i, col))
        return f' data-key="{html.escape(str(k), quote=True)}"' if k is not None else ""

    head = "".join(f'<th scope="col"{cls(c)}{key(c)}{total(c)}>{html.escape(str(c))}</th>' for c in table.columns)
    rows = []
    for i, values in enumerate(table.itertuples(index=False)):
        label = values[0] if len(values) else None
        body = "".join(
            f"<td{cls(c)}{cell_key(i, c)}>{html.escape(cell(v, formats.get(c)))}</td>"
            for c, v in zip(table.columns, values)
        )
        is_total = total_row is not None and str(label) == str(total_row)
        rows.append(f"<tr data-total>{body}</tr>" if is_total else f"<tr>{body}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    mark = ""
    if population or _CHILD_LEVEL.search(caption):
        mark = ' data-child-level="true"'
        mark += f' data-population="{html.escape(population, quote=True)}"' if population else ""
    return f'<table class="cla-table"{mark}>{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def figure_html(
    fig: go.Figure,
    *,
    name: str,
    title: str,
    caption: str,
    alt: str,
    table: pd.DataFrame,
    table_formats: dict[str, str] | None = None,
    table_marks: dict | None = None,
) -> str:
    """The full HTML block for one chart: title, chart, caption, table behind it.

    Parameters
    ----------
    name:
        Short stable name; the chart's element id is built from it.
    title:
        A sentence stating the finding.
    caption:
        What the chart shows and the source.
    alt:
        Alternative text describing the chart for screen-reader users.
    table:
        The data behind the chart, shown in a collapsible section.
    table_marks:
        The table's marks for the publish gate: keyword arguments of
        :func:`table_html` (``population``, ``keys``, ``cells``, ``total_row``,
        ``total_col``).
    """
    if not title or not caption or not alt:
        raise ValueError(f"chart {name!r} needs a title, a caption and alt text")
    slug = _slug(name)
    # the table behind a chart built from child-level data says so in its caption, as every such table does,
    # so the publish gate checks it for small counts
    table_caption = (
        title if not _CHILD_LEVEL.search(caption) or _CHILD_LEVEL.search(title) else f"{title} (child-level data)"
    )
    plot = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=f"chart-{slug}",
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud"]},
    )
    return (
        f'<figure class="cla-figure" id="figure-{slug}">\n'
        f'<p class="cla-figure-title"><strong>{html.escape(title)}</strong></p>\n'
        f'<div class="cla-chart" role="group" aria-label="{html.escape(alt, quote=True)}">\n{plot}\n</div>\n'
        f"<figcaption>{html.escape(caption)}</figcaption>\n"
        f"<details><summary>Table behind this chart</summary>\n"
        + table_html(table, caption=table_caption, formats=table_formats, **(table_marks or {}))
        + "\n</details>\n"
        "</figure>"
    )


def show(fig: go.Figure, **kwargs) -> None:
    """Display :func:`figure_html` in a notebook (same arguments)."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, **kwargs)))


def show_table(
    table: pd.DataFrame,
    caption: str,
    formats: dict[str, str] | None = None,
    **marks,
) -> None:
    """Display a house-style table in a notebook; a child-level one is tagged ``child_level`` in its output.

    ``marks`` are :func:`table_html`'s marks for the publish gate (``population``, ``keys``, ``cells``,
    ``total_row``, ``total_col``)."""
    from IPython.display import HTML, display

    population = marks.get("population")
    body = table_html(table, caption=caption, formats=formats, **marks)
    child = 'data-child-level="true"' in body
    display(HTML(body), metadata={"child_level": {"population": population or ""}} if child else None)


def suppressed_crosses(fig: go.Figure, at: list, names: list[str], *, horizontal: bool = False) -> None:
    """Grey crosses on the value axis at ``at`` (categories or years), one legend entry "Suppressed ...", for
    values the chart cannot draw because they are suppressed (none drawn if ``at`` is empty). ``names`` says in
    the hover which series each cross stands for; ``horizontal`` for bar charts with categories on the y axis."""
    if not at:
        return
    zeros = [0.0] * len(at)
    fig.add_trace(
        go.Scatter(
            x=zeros if horizontal else list(at),
            y=list(at) if horizontal else zeros,
            text=list(names),
            mode="markers",
            name=SUPPRESSED_SEGMENT,
            marker={"symbol": "x-thin-open", "size": 12, "color": "#555555", "line": {"width": 2}},
            hovertemplate="%{text}: suppressed<extra></extra>",
            cliponaxis=False,
        )
    )


def suppressed_segment(fig: go.Figure, x: list, y: list[float], hover: str) -> None:
    """One stacked-bar segment standing for the suppressed categories together (grey, hatched, named
    :data:`SUPPRESSED_SEGMENT` in the legend), so each bar reaches its shown total; ``y`` is NaN where no
    category is suppressed, and nothing is drawn when none is. ``hover`` is the hover text's template."""
    if all(pd.isna(v) for v in y):
        return
    fig.add_trace(
        go.Bar(x=x, y=y, name=SUPPRESSED_SEGMENT, marker=SUPPRESSED_MARKER, hovertemplate=hover + "<extra></extra>")
    )
