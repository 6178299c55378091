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

Child-level tables (read with :mod:`analysis.report.pagescan`, the one reader of published tables)
    In every HTML page and every executed notebook's HTML outputs, each table
    marked child-level by :func:`analysis.report.charts.table_html` (or, for
    outputs made before the mark, whose caption says child-level) is checked:

    * a count from 1 to 5 in a count column is a hit;
    * a hidden cell that a shown total (marked ``data-total``, or labelled
      "All..."/"Total...") and the other shown cells of its row or column give
      away is a hit;
    * a cell of a population and date (its ``data-population`` and
      ``data-key`` marks) shown in one table and hidden, or shown otherwise,
      in another, anywhere in the book, is a hit; with a total shared by two
      tables this is what stops one table's parts being back-solved from the
      total another shows;
    * a child-level table on a page without the child-level banner is a hit.

    Every PDF is read against the HTML pages it was printed from: each printed
    child-level table must read row by row as on its checked page
    (:func:`analysis.report.pagescan.pdf_problems`), and a count from 1 to 5
    in it is a hit. ``key-figures.json``: a count of 1 to 5 among the key
    figures from child-level data is a hit.

Static files copied from packages (``_static/``: the theme, plotly.js) are not
scanned; everything the build writes from data is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.report import disclosure, pagescan
from analysis.report.pagescan import CHILD_LEVEL_CAPTION

#: The kinds of identifier the gate looks for, in report order.
KINDS = ("child ID", "UPN", "date of birth", "postcode")

#: What marks a page as built from child-level data.
BANNER = '<div class="synthetic-banner"'

#: Files scanned as text (besides PDFs).
TEXT_SUFFIXES = {".html", ".htm", ".ipynb", ".json", ".js", ".txt", ".md", ".csv", ".xml"}

#: Folders of copied static assets that are not scanned.
SKIP_DIRS = {"_static", "_sphinx_design_static"}

_TOKEN = re.compile(r"(?<![\w.])[A-Za-z0-9]+(?![\w]|\.\d)")
_UK_DATE = re.compile(r"(?<!\d)(\d{2})/(\d{2})/(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_POSTCODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\d[A-Za-z\d]?) ?(\d[A-Za-z]{2})(?![A-Za-z0-9])")


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


def page_problems(page_html: str, *, banner: bool | None = None) -> list[tuple[str, str]]:
    """Small-count and differencing problems on one page: ``(kind, where)`` pairs (no values).

    ``banner`` says whether the page carries the child-level banner (by default: whether this HTML does;
    a notebook's outputs are read one cell at a time, the banner being in another cell)."""
    out = []
    has_banner = BANNER in page_html if banner is None else banner
    for table in pagescan.child_level_tables(page_html):
        name = f"line {table.line}, table {pagescan.short_caption(table)!r}"
        if not has_banner:
            out.append(("child-level table on a page without the child-level banner", name))
        for i, j in pagescan.small_counts(table):
            head = table.header[j] if j < len(table.header) and table.header[j] else f"column {j + 1}"
            out.append(("unsuppressed small count (1 to 5)", f"{name}, row {i + 1}, column {head!r}"))
        for where in pagescan.recoverable(table):
            out.append(("suppressed cell recoverable from a shown total", f"{name}, {where}"))
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


def notebook_html(text: str) -> list[tuple[int, str]]:
    """The HTML outputs of an executed notebook: ``(cell number from 1, its HTML)`` for each output."""
    try:
        nb = json.loads(text)
    except ValueError:
        return []
    out = []
    for n, c in enumerate(nb.get("cells", []) if isinstance(nb, dict) else [], 1):
        for o in c.get("outputs", []) if c.get("cell_type") == "code" else []:
            body = o.get("data", {}).get("text/html")
            if body:
                out.append((n, "".join(body) if isinstance(body, list) else str(body)))
    return out


def check(root: Path, idents: Identifiers, *, allowed_dates: Iterable[dt.date] = ()) -> list[Hit]:
    """Scan every output under ``root``; return the hits (empty: safe to publish)."""
    allowed = set(allowed_dates)
    hits: list[Hit] = []
    released: list[tuple[str, dict]] = []
    printed: list[pagescan.Table] = []  # the child-level tables of the HTML pages, which the PDFs print
    pdfs = []
    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        if path.suffix.lower() == ".pdf":
            pdfs.append((rel, pdf_pages(path)))
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
            hits += [Hit(rel, kind, where) for kind, where in page_problems(text)]
            marked = [t for t in pagescan.tables(text) if t.population]
            released += [(f"{rel} line {t.line}", pagescan.released_cells(t)) for t in marked]
            printed += pagescan.child_level_tables(text)
        elif path.suffix.lower() == ".ipynb":
            outputs = notebook_html(text)
            banner = any(BANNER in body for _, body in outputs)
            for n, body in outputs:
                hits += [Hit(rel, k, f"cell {n}, {w}") for k, w in page_problems(body, banner=banner)]
                marked = [t for t in pagescan.tables(body) if t.population]
                released += [(f"{rel} cell {n}", pagescan.released_cells(t)) for t in marked]
    for where, what in pagescan.inconsistent(released):
        hits.append(Hit(re.split(" line | cell ", where)[0], "cell shown in one table and suppressed in another", what))
    for rel, pages in pdfs:
        for number, text in enumerate(pages, 1):
            for kind, lines in scan_text(text, idents, allowed).items():
                hits.append(Hit(rel, kind, f"page {number}", len(lines)))
        hits += [Hit(rel, kind, where) for kind, where in pagescan.pdf_problems(pages, printed)]
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
