"""PDF of the book, printed by headless Chromium.

Each page of the built book is printed to PDF by Chromium (``--print-to-pdf``,
no header or footer), given virtual time so plotly draws every chart before
printing, in reading order (the opening page, then each page's "next" link).
The pages are merged into one PDF with a bookmark per page (pypdf). The
committee paper's PDF is the opening page alone.

Chromium is Debian's ``chromium`` (``/usr/bin/chromium``; ``make chromium``
installs it) or the executable named by the ``CHROMIUM`` environment variable.
Every run uses a fresh profile and no network features, so nothing leaves the
machine.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analysis.errors import BuildError

#: Where Chromium is looked for, in order (after $CHROMIUM).
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Flags for a quiet, offline, headless Chromium.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
)

#: Milliseconds of virtual time a page gets to run its scripts (plotly) before printing.
VIRTUAL_TIME_MS = 15000

#: Seconds one page may take to print.
TIMEOUT = 180


def find_chromium() -> str | None:
    """The Chromium executable to use, or None if there is none."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named if (Path(named).is_file() or shutil.which(named)) else None
    for candidate in CANDIDATES:
        path = candidate if Path(candidate).is_file() else shutil.which(candidate)
        if path and os.access(path, os.X_OK):
            return str(path)
    return None


def _links(page: Path) -> tuple[str | None, str | None]:
    text = page.read_text(encoding="utf-8", errors="replace")
    refresh = re.search(r'http-equiv="Refresh" content="\d+;\s*url=([^"]+)"', text, re.I)
    nxt = re.search(r'<link rel="next"[^>]*href="([^"]+)"', text)
    return (refresh.group(1) if refresh else None), (nxt.group(1) if nxt else None)


def reading_order(html_root: Path) -> list[Path]:
    """The book's pages in reading order: the opening page, then each "next" link."""
    start = html_root / "index.html"
    refresh, _ = _links(start)
    page = (start.parent / refresh).resolve() if refresh else start.resolve()
    order: list[Path] = []
    while page.is_file() and page not in order:
        order.append(page)
        _, nxt = _links(page)
        if not nxt:
            break
        page = (page.parent / nxt.split("#")[0]).resolve()
    return order


def print_page(chromium: str, page: Path, out: Path) -> None:
    """Print one HTML file to ``out`` (PDF) with headless Chromium.

    Raises
    ------
    BuildError
        If Chromium fails or writes no PDF.
    """
    with tempfile.TemporaryDirectory(prefix="cla-chromium-") as profile:
        cmd = [
            chromium,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--run-all-compositor-stages-before-draw",
            f"--virtual-time-budget={VIRTUAL_TIME_MS}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise BuildError(f"Chromium took more than {TIMEOUT} s to print {page.name}") from None
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        tail = "\n  ".join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
        raise BuildError(f"Chromium could not print {page.name} to PDF (exit {proc.returncode}):\n  {tail}")


def _title(page: Path) -> str:
    m = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8", errors="replace"), re.S)
    title = html.unescape(re.sub(r"\s+", " ", m.group(1)).strip()) if m else page.stem
    return title.split(" — ")[0]


def book_pdf(chromium: str, html_root: Path, out: Path, *, workers: int = 2) -> int:
    """Print every page of the book and merge them into ``out``; returns the number of PDF pages."""
    from pypdf import PdfWriter

    pages = reading_order(html_root)
    if not pages:
        raise BuildError(f"no pages to print in {html_root}")
    with tempfile.TemporaryDirectory(prefix="cla-pdf-") as tmp:
        parts = [Path(tmp) / f"{i:03d}.pdf" for i in range(len(pages))]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda pair: print_page(chromium, *pair), zip(pages, parts)))
        writer = PdfWriter()
        for page, part in zip(pages, parts):
            start = len(writer.pages)
            writer.append(str(part))
            writer.add_outline_item(title=_title(page), page_number=start)
        writer.add_metadata({"/Title": _title(pages[0]), "/Creator": "python -m analysis publish"})
        tmp_out = out.with_name(f".{out.name}.tmp")
        with open(tmp_out, "wb") as fh:
            writer.write(fh)
        os.replace(tmp_out, out)
        return len(writer.pages)


def opening_page_pdf(chromium: str, html_root: Path, out: Path) -> int:
    """Print the book's opening page alone (the committee paper's summary); returns its page count."""
    from pypdf import PdfReader

    pages = reading_order(html_root)
    if not pages:
        raise BuildError(f"no pages to print in {html_root}")
    print_page(chromium, pages[0], out)
    return len(PdfReader(str(out)).pages)
