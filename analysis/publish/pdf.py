"""PDF of the book, printed by headless Chromium.

One headless Chromium, driven over its DevTools protocol on a pipe (no
network port, no extra package), prints every page of the built book to PDF
exactly as ``chromium --print-to-pdf --no-pdf-header-footer
--virtual-time-budget`` would: each page gets virtual time so plotly draws
every chart before printing. The pages are printed in reading order (the
opening page, then each page's "next" link), two tabs at a time, and merged
into one PDF with a bookmark per page (pypdf). The committee paper's PDF is
the opening page alone (the same print).

Chromium is Debian's ``chromium`` (``/usr/bin/chromium``; ``make chromium``
installs it) or the executable named by the ``CHROMIUM`` environment variable.
Every run uses a fresh profile and no network features, so nothing leaves the
machine.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import html
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
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


class _Browser:
    """One headless Chromium, driven over its DevTools protocol on a pipe (``--remote-debugging-pipe``).

    Messages are JSON, each ended by a NUL byte; Chromium reads commands from
    its file descriptor 3 and writes replies and events to 4. One thread reads
    them; any number of threads may send commands and wait for events of
    their own page (a flattened target session).
    """

    def __init__(self, chromium: str, profile: str) -> None:
        # Chromium's ends of the two pipes are moved to high numbers, where bash can place them at 3 and 4
        # (sh cannot redirect descriptors above 9)
        to_child, from_parent = self._high(os.pipe())
        from_child, to_parent = self._high(os.pipe())
        cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", "--run-all-compositor-stages-before-draw"]
        self._proc = subprocess.Popen(
            [
                shutil.which("bash") or "/bin/bash",
                "-c",
                f'exec "$@" --remote-debugging-pipe 3<&{to_child} 4>&{to_parent} {to_child}<&- {to_parent}>&-',
                "bash",
                *cmd,
            ],
            pass_fds=(to_child, to_parent),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(to_child)
        os.close(to_parent)
        self._out = os.fdopen(from_parent, "wb", buffering=0)
        self._in = os.fdopen(from_child, "rb", buffering=0)
        self._lock = threading.Lock()
        self._next = 0
        self._replies: dict[int, queue.Queue] = {}
        self._events: dict[str, queue.Queue] = {}
        self._stderr: list[bytes] = []
        self._gone = False
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        threading.Thread(target=self._read, daemon=True).start()

    @staticmethod
    def _high(fds: tuple[int, int]) -> tuple[int, int]:
        out = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
        for fd in fds:
            os.close(fd)
        return out

    def _drain_stderr(self) -> None:
        for line in self._proc.stderr:
            self._stderr = [*self._stderr[-7:], line]

    def _read(self) -> None:
        parts: list[bytes] = []
        while chunk := self._in.read(1 << 20):
            while (end := chunk.find(b"\0")) >= 0:
                self._dispatch(json.loads(b"".join([*parts, chunk[:end]])))
                parts, chunk = [], chunk[end + 1 :]
            if chunk:
                parts.append(chunk)
        with self._lock:  # Chromium has gone: wake everyone who waits
            self._gone = True
            for box in [*self._replies.values(), *self._events.values()]:
                box.put(None)

    def _dispatch(self, msg: dict) -> None:
        with self._lock:
            box = self._replies.pop(msg["id"], None) if "id" in msg else self._events.get(msg.get("sessionId"))
        if box is not None:
            box.put(msg)

    def failure(self, what: str) -> BuildError:
        tail = "\n  ".join(b"".join(self._stderr).decode(errors="replace").strip().splitlines()[-8:])
        return BuildError(f"Chromium could not {what} (exit {self._proc.poll()}):\n  {tail}")

    def send(self, method: str, params: dict | None = None, session: str | None = None, *, deadline: float) -> dict:
        """Send one command and wait for its reply (its ``result``)."""
        box: queue.Queue = queue.Queue()
        with self._lock:
            if self._gone:
                raise self.failure(method)
            self._next += 1
            ident = self._next
            self._replies[ident] = box
        msg = {"id": ident, "method": method, "params": params or {}, **({"sessionId": session} if session else {})}
        try:
            self._out.write(json.dumps(msg).encode() + b"\0")
        except OSError:
            raise self.failure(method) from None
        reply = self._wait(box, deadline, method)
        if "error" in reply:
            raise BuildError(f"Chromium refused {method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def _wait(self, box: queue.Queue, deadline: float, what: str) -> dict:
        try:
            msg = box.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise BuildError(f"Chromium took more than {TIMEOUT} s to {what}") from None
        if msg is None:
            raise self.failure(what)
        return msg

    def print_page(self, page: Path, out: Path) -> None:
        """Print one HTML file to ``out`` (PDF), as ``--print-to-pdf`` with ``--virtual-time-budget`` does.

        The steps are those of Chromium's own headless command handler: open
        the page in a new tab and wait for its ``load``, give it
        :data:`VIRTUAL_TIME_MS` of virtual time (so plotly draws every chart),
        then print with backgrounds, the page's CSS page size, tagged, and no
        header or footer.
        """
        deadline = time.monotonic() + TIMEOUT
        target = self.send("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, deadline=deadline)
        sid = session["sessionId"]
        events: queue.Queue = queue.Queue()
        with self._lock:
            self._events[sid] = events
        try:
            self.send("Page.enable", session=sid, deadline=deadline)
            self.send("Page.setLifecycleEventsEnabled", {"enabled": True}, sid, deadline=deadline)
            nav = self.send("Page.navigate", {"url": page.resolve().as_uri()}, sid, deadline=deadline)
            if nav.get("errorText"):
                raise BuildError(f"Chromium could not open {page.name}: {nav['errorText']}")
            self._until(
                events,
                deadline,
                f"load {page.name}",
                lambda m: (
                    m["method"] == "Page.lifecycleEvent"
                    and m["params"]["name"] == "load"
                    and m["params"].get("loaderId") == nav.get("loaderId")
                ),
            )
            self.send(
                "Emulation.setVirtualTimePolicy",
                {
                    "policy": "pauseIfNetworkFetchesPending",
                    "budget": VIRTUAL_TIME_MS,
                    "maxVirtualTimeTaskStarvationCount": 9999,
                },
                sid,
                deadline=deadline,
            )
            self._until(
                events, deadline, f"run {page.name}", lambda m: m["method"] == "Emulation.virtualTimeBudgetExpired"
            )
            printed = self.send(
                "Page.printToPDF",
                {
                    "displayHeaderFooter": False,
                    "generateTaggedPDF": True,
                    "printBackground": True,
                    "preferCSSPageSize": True,
                },
                sid,
                deadline=deadline,
            )
        finally:
            with self._lock:
                self._events.pop(sid, None)
        data = base64.b64decode(printed.get("data", ""))
        if not data:
            raise BuildError(f"Chromium printed no PDF for {page.name}")
        out.write_bytes(data)
        self.send("Target.closeTarget", {"targetId": target}, deadline=deadline)

    def _until(self, events: queue.Queue, deadline: float, what: str, wanted) -> None:
        while not wanted(self._wait(events, deadline, what)):
            pass

    def close(self) -> None:
        with contextlib.suppress(BuildError):
            self.send("Browser.close", deadline=time.monotonic() + 10)
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._out.close()


@contextlib.contextmanager
def browser(chromium: str):
    """One headless Chromium (a fresh profile) for as many pages as are printed in the block."""
    with tempfile.TemporaryDirectory(prefix="cla-chromium-") as profile:
        chrome = _Browser(chromium, profile)
        try:
            yield chrome
        finally:
            chrome.close()


def print_page(chromium: str, page: Path, out: Path) -> None:
    """Print one HTML file to ``out`` (PDF) with a headless Chromium of its own.

    Raises
    ------
    BuildError
        If Chromium fails or writes no PDF.
    """
    with browser(chromium) as chrome:
        chrome.print_page(page, out)


def _title(page: Path) -> str:
    m = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8", errors="replace"), re.S)
    title = html.unescape(re.sub(r"\s+", " ", m.group(1)).strip()) if m else page.stem
    return title.split(" — ")[0]


def book_pdf(chromium: str, html_root: Path, out: Path, *, opening: Path | None = None, workers: int = 2) -> int:
    """Print every page of the book and merge them into ``out``; returns the number of PDF pages.

    One Chromium prints every page, ``workers`` tabs at a time. With
    ``opening``, the opening page's own PDF (the committee paper's summary,
    as :func:`opening_page_pdf` prints it) is written there too.
    """
    from pypdf import PdfWriter

    pages = reading_order(html_root)
    if not pages:
        raise BuildError(f"no pages to print in {html_root}")
    with tempfile.TemporaryDirectory(prefix="cla-pdf-") as tmp:
        parts = [Path(tmp) / f"{i:03d}.pdf" for i in range(len(pages))]
        with browser(chromium) as chrome, ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda pair: chrome.print_page(*pair), zip(pages, parts)))
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
        if opening is not None:
            shutil.copyfile(parts[0], opening)
        return len(writer.pages)


def opening_page_pdf(chromium: str, html_root: Path, out: Path) -> int:
    """Print the book's opening page alone (the committee paper's summary); returns its page count."""
    pages = reading_order(html_root)
    if not pages:
        raise BuildError(f"no pages to print in {html_root}")
    print_page(chromium, pages[0], out)
    return pdf_page_count(out)


def pdf_page_count(path: Path) -> int:
    """The number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)
