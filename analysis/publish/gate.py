"""The publish gate: nothing reaches readers that could identify a child.

Before an edition is published, :func:`check` scans every output (HTML pages,
executed notebooks, JSON, JavaScript such as the search index, and the text of
every PDF page) for two kinds of problem. Any hit blocks the publish; the
report names the file, where in it, and what kind of thing was found, and
never prints the value itself.

Identifiers from the child-level inputs
    Read from the paper's SSDA903 folder with
    :func:`analysis.sources.ssda903.load.load_return` (every year in the folder):

    * **child ID** (``CHILD``): a whole token equal to an ID (a token is a run
      of letters and digits not part of a decimal number);
    * **UPN**: as child IDs;
    * **postcode** (``HOME_POST``, ``PL_POST``): any postcode-shaped text, with
      or without its space, in any case;
    * **date of birth** (``DOB``, ``MC_DOB``): ``dd/mm/yyyy`` (the return's
      own form) always; ``yyyy-mm-dd`` (pandas and plotly's form, also inside
      a timestamp) unless it is the first or last day of a month, which time
      series use as period boundaries. Dates the report states for its own
      reasons are never reported: dates in the paper file (the meeting date),
      31 March of any year (year ends) and the build's own date.

    Short numeric child IDs cannot be told apart from numbers on a page; the
    gate still reports them, so an authority whose IDs are short numbers will
    see hits to check by hand.

Unsuppressed small counts
    On every page that carries the child-level banner
    (``<div class="synthetic-banner"``, from
    :func:`analysis.sources.ssda903.context.banner_html`), each table whose caption
    says **child-level** (``child-level`` or ``child level``, any case: the
    convention for every table built from child-level data) is checked: in
    its count columns (every cell a whole number, ``c``, ``x``, a dash or
    blank, and a header that is not a year, age, percentage, rate, share,
    rank, duration, code, rule or money) a count from 1 to 5 is a hit
    (:func:`analysis.report.disclosure.unsuppressed_small_counts`). A table whose
    caption says child-level on a page without the banner is a hit too.

Static files copied from packages (``_static/``: the theme, plotly.js) are not
scanned; everything the build writes from data is.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from analysis.report import disclosure

#: The kinds of identifier the gate looks for, in report order.
KINDS = ("child ID", "UPN", "date of birth", "postcode")

#: What marks a page as built from child-level data.
BANNER = '<div class="synthetic-banner"'

#: A table caption that says its table is built from child-level data.
CHILD_LEVEL_CAPTION = re.compile(r"child[- ]level", re.I)

#: Files scanned as text (besides PDFs).
TEXT_SUFFIXES = {".html", ".htm", ".ipynb", ".json", ".js", ".txt", ".md", ".csv", ".xml"}

#: Folders of copied static assets that are not scanned.
SKIP_DIRS = {"_static", "_sphinx_design_static"}

_TOKEN = re.compile(r"(?<![\w.])[A-Za-z0-9]+(?![\w]|\.\d)")
_UK_DATE = re.compile(r"(?<!\d)(\d{2})/(\d{2})/(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_POSTCODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\d[A-Za-z\d]?) ?(\d[A-Za-z]{2})(?![A-Za-z0-9])")
_NOT_COUNT_HEADER = re.compile(
    r"year|age|%|percent|rate|share|rank|per |days|weeks|months|median|mean|average|ratio|code|rule|id\b|£", re.I
)
_COUNT_CELL = re.compile(r"\d{1,3}(,\d{3})+|\d+|c|x|–|-|—|")


@dataclass(frozen=True)
class Identifiers:
    """Identifiers of the children in a child-level data folder."""

    child_ids: frozenset[str] = frozenset()
    upns: frozenset[str] = frozenset()
    dates_of_birth: frozenset[dt.date] = frozenset()
    postcodes: frozenset[str] = frozenset()  # upper case, no space

    def __bool__(self) -> bool:
        return bool(self.child_ids or self.upns or self.dates_of_birth or self.postcodes)


@dataclass(frozen=True)
class Hit:
    """One problem found: which file, where in it, what kind (never the value)."""

    file: str
    kind: str
    where: str
    count: int = 1

    def __str__(self) -> str:
        times = f" ({self.count} occurrences)" if self.count > 1 else ""
        return f"{self.file}: {self.kind} at {self.where}{times}"


def _norm_postcode(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def identifiers(folder: Path) -> Identifiers:
    """Every child ID, UPN, date of birth and postcode in an SSDA903 folder (all its years)."""
    from analysis.sources.ssda903.load import load_return

    ret = load_return(Path(folder))
    ids: set[str] = set()
    upns: set[str] = set()
    dobs: set[dt.date] = set()
    posts: set[str] = set()
    for table in ret.tables.values():
        if "CHILD" in table:
            ids |= {str(v).strip() for v in table["CHILD"].dropna() if str(v).strip()}
        if "UPN" in table:
            # UN1-UN7 are reason codes for a missing UPN, not identifiers
            upns |= {str(v).strip() for v in table["UPN"].dropna() if len(str(v).strip()) > 3}
        for col in ("DOB", "MC_DOB"):
            if col in table:
                dates = pd.to_datetime(table[col], errors="coerce").dropna()
                dobs |= set(dates.dt.date)
        for col in ("HOME_POST", "PL_POST"):
            if col in table:
                posts |= {_norm_postcode(str(v)) for v in table[col].dropna() if str(v).strip()}
    return Identifiers(frozenset(ids), frozenset(upns), frozenset(dobs), frozenset(posts))


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _boundary(day: dt.date) -> bool:
    return day.day == 1 or (day + dt.timedelta(days=1)).day == 1


def scan_text(text: str, idents: Identifiers, allowed_dates: Iterable[dt.date] = ()) -> dict[str, list[int]]:
    """Positions (line numbers) of each kind of identifier found in ``text``."""
    allowed = set(allowed_dates)
    found: dict[str, list[int]] = {}

    def add(kind: str, pos: int) -> None:
        found.setdefault(kind, []).append(_line(text, pos))

    if idents.child_ids or idents.upns:
        for m in _TOKEN.finditer(text):
            tok = m.group(0)
            if tok in idents.child_ids:
                add("child ID", m.start())
            elif tok in idents.upns:
                add("UPN", m.start())
    if idents.dates_of_birth:
        for m in _UK_DATE.finditer(text):
            day = _date(m.group(3), m.group(2), m.group(1))
            if day in idents.dates_of_birth and day not in allowed and not (day.month == 3 and day.day == 31):
                add("date of birth", m.start())
        for m in _ISO_DATE.finditer(text):
            day = _date(m.group(1), m.group(2), m.group(3))
            if day in idents.dates_of_birth and day not in allowed and not _boundary(day):
                add("date of birth", m.start())
    if idents.postcodes:
        for m in _POSTCODE.finditer(text):
            if (m.group(1) + m.group(2)).upper() in idents.postcodes:
                add("postcode", m.start())
    return found


# --------------------------------------------------------------------------- tables


@dataclass
class Table:
    """A table read from a page: caption, header and body cells as text."""

    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0
    child_level: bool = False  # marked data-child-level by analysis.report.charts.table_html
    population: str = ""  # its data-population: the released population it shows cells of
    keys: dict[int, str] = field(default_factory=dict)  # column index -> data-key (a date of the population)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_caption = False
        self._in_head = False
        self._row_all_th = True

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
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
            self._row = []
            self._row_all_th = True
        elif tag in ("td", "th"):
            self._cell = []
            self._row_all_th = self._row_all_th and tag == "th"
            if self._in_head and "data-key" in attrs and self._row is not None:
                self._stack[-1].keys[len(self._row)] = attrs["data-key"] or ""

    def handle_endtag(self, tag):
        if not self._stack:
            return
        table = self._stack[-1]
        if tag == "table":
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
                table.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if not self._stack:
            return
        if self._in_caption:
            self._stack[-1].caption += data
        elif self._cell is not None:
            self._cell.append(data)


def tables(page_html: str) -> list[Table]:
    """Every table on a page, with its caption, header and cells."""
    parser = _Tables()
    parser.feed(page_html)
    return parser.tables


def count_columns(table: Table) -> list[int]:
    """Indexes of the columns holding counts (see the module's rule)."""
    width = max((len(r) for r in table.rows), default=0)
    cols = []
    for j in range(width):
        head = table.header[j] if j < len(table.header) else ""
        if _NOT_COUNT_HEADER.search(head):
            continue
        cells = [r[j].strip() for r in table.rows if j < len(r)]
        if cells and all(_COUNT_CELL.fullmatch(c) for c in cells) and any(c[:1].isdigit() for c in cells):
            cols.append(j)
    return cols


def small_counts(table: Table) -> list[str]:
    """Cells of a table's count columns holding 1 to 5 (as ``row N, column 'X'``)."""
    cols = count_columns(table)
    if not cols:
        return []
    names = [table.header[j] if j < len(table.header) and table.header[j] else f"column {j + 1}" for j in cols]
    frame = pd.DataFrame(
        [[(r[j].replace(",", "") if j < len(r) else "") for j in cols] for r in table.rows], columns=names
    )
    frame.index = range(1, len(frame) + 1)
    return disclosure.unsuppressed_small_counts(frame, names)


#: A row or column label that is the total of the others.
_TOTAL = re.compile(r"^(all|total)\b", re.I)


def _hidden(cell: str) -> bool:
    return cell.strip() in ("c", "x")


def recoverable(table: Table) -> list[str]:
    """Hidden cells that the table's own shown total and other shown cells give away (``row N`` / ``column 'X'``).

    A row with a shown total column (a header starting "All" or "Total") and
    exactly one hidden count among its other count columns, or a count column
    with a shown total row (a first cell starting "All" or "Total") and exactly
    one hidden cell among the other rows: total minus the shown cells is the
    hidden one.
    """
    out = []
    cols = count_columns(table)
    for t in (j for j, h in enumerate(table.header) if _TOTAL.match(h.strip())):
        parts = [j for j in cols if j != t]
        for i, row in enumerate(table.rows, 1):
            cells = [row[j] for j in parts if j < len(row)]
            if t < len(row) and not _hidden(row[t]) and sum(map(_hidden, cells)) == 1:
                out.append(f"row {i}, from column {table.header[t]!r}")
    total_rows = [i for i, r in enumerate(table.rows) if r and _TOTAL.match(r[0].strip())]
    for t in total_rows:
        for j in cols:
            cells = [r[j] for i, r in enumerate(table.rows) if i not in total_rows and j < len(r)]
            if j < len(table.rows[t]) and not _hidden(table.rows[t][j]) and sum(map(_hidden, cells)) == 1:
                head = table.header[j] if j < len(table.header) else f"column {j + 1}"
                out.append(f"column {head!r}, from row {table.rows[t][0]!r}")
    return out


def is_child_level(table: Table) -> bool:
    """True if the table is marked child-level (or, for outputs made before the mark, says so in its caption)."""
    return table.child_level or bool(CHILD_LEVEL_CAPTION.search(table.caption))


def released_cells(table: Table) -> dict[tuple[str, str, str], str]:
    """A marked table's cells of its population: ``(population, row label, column key) -> shown text``."""
    if not table.population:
        return {}
    return {
        (table.population, row[0].strip(), key): row[j].strip()
        for row in table.rows
        for j, key in table.keys.items()
        if row and j < len(row)
    }


def inconsistent(cells: list[tuple[str, dict]]) -> list[tuple[str, str]]:
    """Cells of one population shown in one table and hidden (or shown otherwise) in another: ``(where, what)``."""
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    out = []
    for where, table_cells in cells:
        for key, value in table_cells.items():
            if key not in seen:
                seen[key] = (where, value)
            elif seen[key][1] != value:
                out.append((where, f"{key[0]!r}: row {key[1]!r}, {key[2]!r} (also in {seen[key][0]})"))
    return out


#: Units of key figures that count children (or their placements, periods or households).
_COUNT_UNITS = {"children", "count"}


def key_figure_problems(figures: dict) -> list[str]:
    """Key figures from child-level data (label naming child-level or SYNTHETIC data) that are counts of 1 to 5."""
    out = []
    for name, fig in sorted(figures.items()):
        label = str(fig.get("label", ""))
        value = fig.get("value")
        if fig.get("unit") not in _COUNT_UNITS or not (CHILD_LEVEL_CAPTION.search(label) or "SYNTHETIC" in label):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and disclosure.is_small([value])[0]:
            out.append(f"key figure {name!r}")
    return out


def page_problems(page_html: str) -> list[tuple[str, str]]:
    """Small-count and differencing problems on one page: ``(kind, where)`` pairs (no values)."""
    out = []
    has_banner = BANNER in page_html
    for table in tables(page_html):
        if not is_child_level(table):
            continue
        caption = html_lib.unescape(table.caption).strip()
        short = caption if len(caption) <= 60 else caption[:57] + "..."
        if not has_banner:
            out.append(
                ("child-level table on a page without the child-level banner", f"line {table.line}, table {short!r}")
            )
        for cell in small_counts(table):
            where = cell.split(":")[0]
            out.append(("unsuppressed small count (1 to 5)", f"line {table.line}, table {short!r}, {where}"))
        for where in recoverable(table):
            out.append(
                ("suppressed cell recoverable from a shown total", f"line {table.line}, table {short!r}, {where}")
            )
    return out


# --------------------------------------------------------------------------- whole outputs


def _files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and not (set(p.relative_to(root).parts[:-1]) & SKIP_DIRS)
        and (p.suffix.lower() in TEXT_SUFFIXES or p.suffix.lower() == ".pdf")
    )


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def check(root: Path, idents: Identifiers, *, allowed_dates: Iterable[dt.date] = ()) -> list[Hit]:
    """Scan every output under ``root``; return the hits (empty: safe to publish)."""
    allowed = set(allowed_dates)
    hits: list[Hit] = []
    released: list[tuple[str, dict]] = []
    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        if path.suffix.lower() == ".pdf":
            for number, text in enumerate(pdf_pages(path), 1):
                for kind, lines in scan_text(text, idents, allowed).items():
                    hits.append(Hit(rel, kind, f"page {number}", len(lines)))
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for kind, lines in scan_text(text, idents, allowed).items():
            more = f" (and {len(set(lines)) - 1} more lines)" if len(set(lines)) > 1 else ""
            hits.append(Hit(rel, kind, f"line {lines[0]}{more}", len(lines)))
        if path.name == "key-figures.json":
            try:
                figures = json.loads(text)
            except ValueError:
                figures = {}
            hits += [Hit(rel, "unsuppressed small count (1 to 5)", where) for where in key_figure_problems(figures)]
        if path.suffix.lower() in (".html", ".htm"):
            for kind, where in page_problems(text):
                hits.append(Hit(rel, kind, where))
            released += [(f"{rel} line {t.line}", released_cells(t)) for t in tables(text) if t.population]
    for where, what in inconsistent(released):
        hits.append(Hit(where.split(" line ")[0], "cell shown in one table and suppressed in another", what))
    return hits


def allowed_dates(paper_parameters: dict, build_date: dt.date | None = None) -> set[dt.date]:
    """Dates the report states for its own reasons: every date in the paper's parameters, the build date."""
    found: set[dt.date] = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            for m in _ISO_DATE.finditer(value):
                day = _date(*m.groups())
                if day:
                    found.add(day)

    walk(paper_parameters)
    if build_date:
        found.add(build_date)
    return found


def report(hits: list[Hit], limit: int = 40) -> str:
    """The hits as lines for the user (file, where, kind; never the identifier)."""
    lines = [f"  - {h}" for h in hits[:limit]]
    if len(hits) > limit:
        lines.append(f"  ... and {len(hits) - limit} more")
    kinds = sorted({h.kind for h in hits})
    return f"{len(hits)} problem(s) of kind {', '.join(kinds)}:\n" + "\n".join(lines)
