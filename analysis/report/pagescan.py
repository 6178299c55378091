"""Reading the tables of a built page, and the checks that no published table gives away a small count.

This is the one reader of published tables: the publish gate (:mod:`analysis.publish.gate`) and the
chapters' tests use it on the HTML pages and the executed notebooks' HTML outputs, and
:func:`pdf_problems` reads the same tables in the text of a PDF printed from those pages.

How a table says what it is
    :func:`analysis.report.charts.table_html`, the one function that renders a table, marks a table
    built from child-level data with ``data-child-level="true"`` and ``data-population`` (the released
    population and date it shows cells of, e.g. "children looked after at 31 March"). On the header cell
    of a column that is one date (or breakdown) of that population it writes ``data-key``; a body cell
    whose count is also a cell of another table (in another shape) carries its own ``data-key``. The row
    (or column) that is the total of the others carries ``data-total``. Older outputs without the marks
    are still recognised: a caption saying "child-level", a total labelled "All..." or "Total...".

What is checked (:func:`small_counts`, :func:`recoverable`, :func:`released_cells`, :func:`inconsistent`)
    * a count from 1 to 5 in a count column (every cell a whole number, ``c``, ``x``, a dash or blank,
      and a header that is not a year, age, percentage, rate, share, rank, duration, code, rule or money);
    * a hidden cell that a shown total and the other shown cells of its row or column give away;
    * a cell of a population shown in one table and hidden (or shown otherwise) in another. With the
      keys this also covers a total shared by two tables: hiding a total in one table while another
      shows it is a hit, so no table's parts can be back-solved from a total shown elsewhere.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from analysis.report import disclosure

#: Column headers ending with one of these hold something other than counts (the house convention).
NOT_COUNT_SUFFIXES = ("(%)", "(£)", "(days)")

#: A caption that says its table is built from child-level data (outputs made before the marks).
CHILD_LEVEL_CAPTION = re.compile(r"child[- ]level", re.I)

_NOT_COUNT_HEADER = re.compile(
    r"year|age|%|percent|rate|share|rank|per |days|weeks|months|median|mean|average|ratio|code|rule|id\b|£", re.I
)
_COUNT_CELL = re.compile(r"\d{1,3}(,\d{3})+|\d+|c|x|–|-|—|")

#: A row or column label that is the total of the others (for tables without the ``data-total`` mark).
_TOTAL = re.compile(r"^(all|total)\b", re.I)


@dataclass
class Table:
    """A table read from a page: caption, header and body cells as text, and its marks."""

    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0
    child_level: bool = False  # marked data-child-level
    population: str = ""  # its data-population
    keys: dict[int, str] = field(default_factory=dict)  # column index -> data-key of its header
    cell_keys: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> a body cell's data-key
    total_rows: set[int] = field(default_factory=set)  # rows marked data-total
    total_cols: set[int] = field(default_factory=set)  # columns whose header is marked data-total
    figure: str = ""  # the caption of the chart figure the table sits in, if any


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._figures: list[list[str]] = []
        self._in_figcaption = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._row_total = False
        self._in_caption = False
        self._in_head = False
        self._row_all_th = True

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure":
            self._figures.append([])
        elif tag == "figcaption":
            self._in_figcaption = True
        elif tag == "table":
            self._stack.append(
                Table(
                    line=self.getpos()[0],
                    child_level=attrs.get("data-child-level") == "true",
                    population=attrs.get("data-population") or "",
                )
            )
        elif not self._stack:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row, self._row_total, self._row_all_th = [], "data-total" in attrs, True
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._row_all_th = self._row_all_th and tag == "th"
            table, j = self._stack[-1], len(self._row)
            if self._in_head:
                if "data-key" in attrs:
                    table.keys[j] = attrs["data-key"] or ""
                if "data-total" in attrs:
                    table.total_cols.add(j)
            elif "data-key" in attrs:
                table.cell_keys[(len(table.rows), j)] = attrs["data-key"] or ""

    def handle_endtag(self, tag):
        if tag == "figure" and self._figures:
            self._figures.pop()
        elif tag == "figcaption":
            self._in_figcaption = False
        if not self._stack:
            return
        table = self._stack[-1]
        if tag == "table":
            table.figure = " ".join("".join(self._figures[-1]).split()) if self._figures else ""
            self.tables.append(self._stack.pop())
        elif tag == "caption":
            self._in_caption = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            first = not table.header and not table.rows
            if self._in_head or (first and self._row and self._row_all_th):
                table.header = self._row
            else:
                if self._row_total:
                    table.total_rows.add(len(table.rows))
                table.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_figcaption and self._figures:
            self._figures[-1].append(data)
        if not self._stack:
            return
        if self._in_caption:
            self._stack[-1].caption += data
        elif self._cell is not None:
            self._cell.append(data)


def tables(page_html: str) -> list[Table]:
    """Every table on a page (tables inside a chart's figure first come after the figure's caption)."""
    parser = _Tables()
    parser.feed(page_html)
    return parser.tables


def is_child_level(table: Table) -> bool:
    """True if the table is marked child-level (or, for outputs made before the mark, its caption or its
    chart's caption says so)."""
    return table.child_level or bool(CHILD_LEVEL_CAPTION.search(table.caption + " " + table.figure))


def child_level_tables(page_html: str) -> list[Table]:
    """The tables of a page built from child-level data."""
    return [t for t in tables(page_html) if is_child_level(t)]


def count_columns(table: Table) -> list[int]:
    """Indexes of the columns holding counts (see the module's rule; the first column is row labels)."""
    width = max((len(r) for r in table.rows), default=0)
    cols = []
    for j in range(1, width):
        head = table.header[j] if j < len(table.header) else ""
        if _NOT_COUNT_HEADER.search(head):
            continue
        cells = [r[j].strip() for r in table.rows if j < len(r)]
        if cells and all(_COUNT_CELL.fullmatch(c) for c in cells) and any(c[:1].isdigit() for c in cells):
            cols.append(j)
    return cols


def _head(table: Table, j: int) -> str:
    return table.header[j] if j < len(table.header) and table.header[j] else f"column {j + 1}"


def small_counts(table: Table) -> list[tuple[int, int]]:
    """Cells of a table's count columns holding 1 to 5, as ``(row index, column index)`` of its body."""
    out = []
    for j in count_columns(table):
        for i, row in enumerate(table.rows):
            if j < len(row) and row[j].strip().isdigit() and disclosure.is_small([int(row[j])])[0]:
                out.append((i, j))
    return sorted(out)


def _hidden(cell: str) -> bool:
    return cell.strip() in (disclosure.MARKER, "x")


def recoverable(table: Table) -> list[str]:
    """Hidden cells that the table's own shown total and other shown cells give away (``row N`` / ``column 'X'``).

    A row with a shown total column (marked ``data-total``, or a header starting "All" or "Total") and
    exactly one hidden count among its other count columns, or a count column with a shown total row
    (marked, or a first cell starting "All" or "Total") and exactly one hidden cell among the other
    rows: total minus the shown cells is the hidden one.
    """
    out = []
    cols = count_columns(table)
    total_cols = table.total_cols | {j for j, h in enumerate(table.header) if j and _TOTAL.match(h.strip())}
    for t in sorted(total_cols):
        parts = [j for j in cols if j not in total_cols]
        for i, row in enumerate(table.rows, 1):
            cells = [row[j] for j in parts if j < len(row)]
            if t < len(row) and not _hidden(row[t]) and sum(map(_hidden, cells)) == 1:
                out.append(f"row {i}, from column {_head(table, t)!r}")
    total_rows = table.total_rows | {i for i, r in enumerate(table.rows) if r and _TOTAL.match(r[0].strip())}
    for t in sorted(total_rows):
        for j in cols:
            cells = [r[j] for i, r in enumerate(table.rows) if i not in total_rows and j < len(r)]
            if j < len(table.rows[t]) and not _hidden(table.rows[t][j]) and sum(map(_hidden, cells)) == 1:
                out.append(f"column {_head(table, j)!r}, from row {table.rows[t][0]!r}")
    return out


def released_cells(table: Table) -> dict[tuple[str, str], str]:
    """A marked table's cells of its population: ``(population, cell key) -> shown text``.

    A cell's key is its own ``data-key`` when it has one, else "<row label> | <column key>" for the
    columns whose header has a key.
    """
    if not table.population:
        return {}
    out = {}
    for row in table.rows:
        for j, key in table.keys.items():
            if row and j < len(row):
                out[(table.population, f"{row[0].strip()} | {key}")] = row[j].strip()
    for (i, j), key in table.cell_keys.items():
        if i < len(table.rows) and j < len(table.rows[i]):
            out[(table.population, key)] = table.rows[i][j].strip()
    return out


def inconsistent(cells: list[tuple[str, dict]]) -> list[tuple[str, str]]:
    """Cells of one population shown in one table and hidden (or shown otherwise) in another: ``(where, what)``."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    out = []
    for where, table_cells in cells:
        for key, value in table_cells.items():
            if key not in seen:
                seen[key] = (where, value)
            elif seen[key][1].replace(",", "") != value.replace(",", ""):
                out.append((where, f"{key[0]!r}: {key[1]!r} (also in {seen[key][0]})"))
    return out


def short_caption(table: Table, width: int = 60) -> str:
    """A table's caption (or its chart's), cut to ``width`` characters, to name it in a report."""
    caption = html_lib.unescape(table.caption or table.figure).strip()
    return caption if len(caption) <= width else caption[: width - 3] + "..."


def disclosure_problems(page_html: str) -> list[str]:
    """Counts from 1 to 5 shown in the child-level tables of a page, one line per cell (naming the table,
    row, column and the value: for tests and the chapter's own checks, not for a published report)."""
    return [
        f"{short_caption(t)!r}: row {t.rows[i][0]!r}, column {_head(t, j)!r}: {t.rows[i][j]}"
        for t in child_level_tables(page_html)
        for i, j in small_counts(t)
    ]


def _plain(text: str) -> str:
    """Text as a PDF's text layer gives it back: ligatures unfolded (NFKC), whitespace as single spaces,
    and a word broken after a hyphen at the end of a line joined again ("not-s- truncated")."""
    text = " ".join(unicodedata.normalize("NFKC", html_lib.unescape(text)).split())
    return re.sub(r"(?<=\w-) (?=\w)", "", text)


#: How far after a table's caption its rows are looked for, in characters (a table may run over a page
#: break, and a PDF's text layer may give a page's blocks out of order).
PDF_REACH = 20000


def _match_end(wanted: list[str], tokens: list[str]) -> int | None:
    """Where ``wanted`` end in ``tokens`` when they appear there in order (other tokens may come between:
    wrapped text cells), or None when they do not."""
    i = 0
    for w in wanted:
        while i < len(tokens) and tokens[i] != w:
            i += 1
        if i == len(tokens):
            return None
        i += 1
    return i


def _row_labels(table: Table) -> list[str]:
    """How each row starts in print: its first cell; its first two cells where the first repeats in the table
    (the scenario of a table by scenario and year); its first non-empty cell where the first is blank."""
    firsts = [_plain(r[0]) if r else "" for r in table.rows]
    out = []
    for row, first in zip(table.rows, firsts):
        if not first:  # a blank first cell: the row starts with its first cell that says something
            out.append(next((_plain(c) for c in row if _plain(c)), ""))
        elif firsts.count(first) > 1 and len(row) > 1:
            out.append(f"{first} {_plain(row[1])}".strip())
        else:
            out.append(first)
    return out


def _printed_row(text: str, label: str, shown: list[str], start: int, stop: int, tokens: int) -> int:
    """Where a row is printed: the first place after ``start`` (before ``stop``) where ``label`` is followed
    by the count cells ``shown`` in order within the row's own ``tokens`` words (its other cells, which may
    wrap between them), or -1 when nowhere."""
    k = text.find(label, start, stop)
    while k >= 0:
        stop_at = _match_end(shown, text[k + len(label) :].split()[:tokens])
        if stop_at is not None:
            return k
        k = text.find(label, k + 1, stop)
    return -1


def pdf_problems(pages: list[str], page_tables: list[Table]) -> list[tuple[str, str]]:
    """Problems in the child-level tables of a PDF, given the text of its pages and the tables of the
    HTML pages it was printed from: ``(kind, where)`` pairs (no values).

    Each child-level table whose caption the PDF prints is read there row by row. A row is printed where
    its label (:func:`_row_labels`) is followed by its count cells in order, as on the checked page (a
    long text cell may wrap onto lines between them), within :data:`PDF_REACH` characters of the caption:
    a table may run over a page break, and the text layer may give a page's blocks out of order. A row
    printed nowhere is a problem ("table in the PDF not as on the checked page"); where its label is
    followed by a count from 1 to 5 the checked page does not show, that is "unsuppressed small count".
    The tables behind charts are collapsed in print (only the chart, its title and caption are printed)
    and are not read.
    """
    starts, parts, at = [], [], 0
    for page in pages:
        starts.append(at)
        parts.append(_plain(page))
        at += len(parts[-1]) + 1
    text = " ".join(parts)

    def page_of(pos: int) -> int:
        return max(i for i, s in enumerate(starts) if s <= pos) + 1

    out = []
    for table in page_tables:
        caption = _plain(table.caption)
        if table.figure or not is_child_level(table) or not caption or (pos := text.find(caption)) < 0:
            continue
        pos += len(caption)
        cols = count_columns(table)
        for n, (row, label) in enumerate(zip(table.rows, _row_labels(table))):
            shown = [_plain(row[j]) for j in cols if j < len(row)]
            tokens = len(_plain(" ".join(row)).split()) - len(label.split()) + 1
            if label and _printed_row(text, label, shown, pos, pos + PDF_REACH, tokens) >= 0:
                continue
            first = text.find(label, pos, pos + PDF_REACH) if label else -1
            where = f"page {page_of(max(first, pos))}, table {short_caption(table)!r}, row {n + 1}"
            out.append(("table in the PDF not as on the checked page", where))
            on_page = {t for cell in row for t in _plain(cell).split()}
            k = first
            while k >= 0:  # wherever the label is followed by a small count the checked page does not show
                read = text[k + len(label) :].split()[: len(row) - 1]
                if any(t.isdigit() and disclosure.is_small([int(t)])[0] and t not in on_page for t in read):
                    out.append(("unsuppressed small count (1 to 5)", where))
                    break
                k = text.find(label, k + 1, pos + PDF_REACH)
    return out
