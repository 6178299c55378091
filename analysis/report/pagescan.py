"""Checking a built page for counts that must not be published.

Every display table built from child-level data has a caption (or, for the
table behind a chart, a chart caption) containing
:data:`analysis.report.text.CHILD_LEVEL`, and every column of it that does not
hold counts has a header ending in one of :data:`NOT_COUNT_SUFFIXES`. That is
how :func:`disclosure_problems` finds those tables in a page's HTML and checks
that no count from 1 to 5 shows. Any chapter's page (and its tests) can use it.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

from analysis.report import disclosure
from analysis.report.text import CHILD_LEVEL

#: Column headers ending with one of these hold something other than counts of children or placements.
NOT_COUNT_SUFFIXES = ("(%)", "(£)", "(days)")


class _Tables(HTMLParser):
    """Collects every table with its caption, headers, rows and the caption of the figure it sits in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._figure: list[str] = []  # figcaption text of each open <figure>
        self._in: str | None = None  # "caption", "figcaption", "th", "td"
        self._text: list[str] = []
        self._table: dict | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "figure":
            self._figure.append("")
        elif tag == "table":
            self._table = {"caption": "", "figure": self._figure[-1] if self._figure else "", "header": [], "rows": []}
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("caption", "figcaption", "th", "td"):
            self._in, self._text = tag, []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            text = " ".join("".join(self._text).split())
            if tag == "figcaption" and self._figure:
                self._figure[-1] = text
            elif tag == "caption" and self._table is not None:
                self._table["caption"] = text
            elif tag in ("th", "td") and self._row is not None:
                self._row.append(text)
            self._in = None
        elif tag == "tr" and self._table is not None and self._row is not None:
            if self._row:
                is_header = not self._table["header"] and not self._table["rows"]
                (self._table["header"].extend if is_header else self._table["rows"].append)(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "figure" and self._figure:
            self._figure.pop()


_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")


def child_level_tables(html: str) -> list[dict]:
    """The tables of an HTML page built from child-level data.

    A table is child-level if its caption, or the caption of the chart figure
    it belongs to, contains :data:`CHILD_LEVEL`.

    Returns
    -------
    list of dict
        Each with ``caption``, ``figure`` (figure caption), ``header`` and ``rows``.
    """
    parser = _Tables()
    parser.feed(html)
    return [t for t in parser.tables if CHILD_LEVEL in t["caption"] or CHILD_LEVEL in t["figure"]]


def disclosure_problems(html: str) -> list[str]:
    """Counts from 1 to 5 shown in child-level tables of an HTML page (what must never be published).

    Every column except the first (row labels) and those whose header ends with
    one of :data:`NOT_COUNT_SUFFIXES` holds counts; a cell there reading as a
    number from 1 to 5 is a problem.

    Returns
    -------
    list of str
        One line per offending cell, naming the table, row and column; empty if none.
    """
    problems = []
    for table in child_level_tables(html):
        name = table["caption"] or table["figure"]
        for row in table["rows"]:
            for header, cell in list(zip(table["header"], row))[1:]:
                if header.endswith(NOT_COUNT_SUFFIXES):
                    continue
                text = html_lib.unescape(cell).strip()
                if _NUMBER.match(text) and disclosure.is_small([float(text.replace(",", ""))])[0]:
                    problems.append(f"{name[:60]!r}: row {row[0]!r}, column {header!r}: {text}")
    return problems
