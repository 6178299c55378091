"""Check a built book loads nothing from another host.

Committee members may read the report with no internet. Every page is parsed
and every resource it would load (``<script src>``, ``<link href>``,
``<img src>``, ``<iframe src>``, ``<source src>``, ``<object data>``, CSS
``url(...)`` and ``@import``) must be a relative path inside the book.
Ordinary hyperlinks (``<a href>``) are navigation, not loads, and are allowed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

_LOADING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)


def is_external(url: str) -> bool:
    """True if ``url`` points at another host (absolute http(s), protocol-relative)."""
    u = url.strip().lower()
    return u.startswith(("http://", "https://", "//"))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = _LOADING.get(tag, ())
        for key, val in attrs:
            if val is None:
                continue
            if key in names:
                for part in val.split(","):
                    url = part.strip().split(" ")[0]
                    if is_external(url):
                        self.found.append((self.getpos()[0], tag, url))
            if key == "style":
                for m in _CSS_URL.finditer(val):
                    self.found.append((self.getpos()[0], f"{tag}[style]", m.group(1)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for m in _CSS_URL.finditer(data):
                self.found.append((self.getpos()[0], "style", m.group(1)))


def page_references(html: str) -> list[tuple[int, str, str]]:
    """External resources one HTML page loads: ``(line, tag, url)``."""
    parser = _Collector()
    parser.feed(html)
    return parser.found


def external_references(root: Path) -> list[str]:
    """Every external load in the built book under ``root`` (HTML pages and CSS files).

    Returns readable lines ``file:line <tag> url``; an empty list means the
    book is fully offline.
    """
    problems: list[str] = []
    for page in sorted(root.rglob("*.html")):
        for line, tag, url in page_references(page.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{page.relative_to(root)}:{line} <{tag}> {url}")
    for css in sorted(root.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        for m in _CSS_URL.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{css.relative_to(root)}:{line} url() {m.group(1)}")
    return problems
