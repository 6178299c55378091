"""Pages the build writes from records rather than prose (so they cannot drift).

:func:`data_sources_markdown` turns ``data/published/manifest.json`` into the
book's "Data sources" page: publisher, publication, release and licence of
every figure, and each source file's checksum.
"""

from __future__ import annotations

import re
from typing import Any

from analysis.paper import Paper


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def data_sources_markdown(manifest: dict[str, Any], paper: Paper) -> str:
    """The "Data sources" page for ``paper`` from the data manifest."""
    lines = [
        "# Data sources",
        "",
        "Every figure in this report comes from published official statistics, held in the project as one "
        "compact table (`data/published/cla_published.csv.gz`) derived by the project's own code "
        "(`python -m analysis data refresh`) from the files listed below. No child-level data is used in "
        "these chapters.",
        "",
        f"**Licence.** {manifest.get('attribution', '')} Licence: {manifest.get('licence', '')}.",
        "",
        "**Revisions.** " + manifest.get("release_rule", ""),
        "",
        f"**This edition** ({paper.edition}) reports the year ending 31 March {paper.year} for "
        f"{paper.local_authority}.",
        "",
        "## Releases used",
        "",
        "| Release | Publisher | Publication |",
        "|---|---|---|",
    ]
    for rel in manifest.get("releases", []):
        if isinstance(rel, dict):
            lines.append(
                f"| {_cell(rel.get('name', ''))} | {_cell(rel.get('publisher', ''))} | "
                f"{_cell(rel.get('publication', ''))} |"
            )
    lines += [
        "",
        "## Source files",
        "",
        "Each file's SHA-256 checksum identifies exactly which download the figures came from.",
        "",
        "| File | Release | Bytes | SHA-256 |",
        "|---|---|---:|---|",
    ]
    for src in manifest.get("sources", []):
        lines.append(
            f"| `{_cell(src['path'])}` | {_cell(src.get('release', ''))} | {src.get('bytes', 0):,} | "
            f"`{src['sha256'][:16]}…` |"
        )
    notes = manifest.get("notes", [])
    if notes:
        lines += ["", "## Notes on the data", ""] + [f"- {_cell(n)}" for n in notes]
    return "\n".join(lines) + "\n"


#: ``<!-- if chapter: a, b -->`` ... ``<!-- end if -->``: a block kept only when the paper has every chapter named.
_IF_CHAPTER = re.compile(r"<!-- if chapter: ([a-z_, ]+) -->\n?(.*?)<!-- end if -->\n?", re.S)

#: ``{{ name }}``: a field of the paper file.
_PLACEHOLDER = re.compile(r"\{\{ *([a-z_]+) *\}\}")


def opening_page(template: str, paper: Paper) -> str:
    """The book's opening page (the committee paper) for ``paper``, from ``book/intro.md``.

    The template is Markdown whose numbers are all glued from the chapters. Two
    things are filled in here, before the book is rendered:

    * ``{{ title }}``, ``{{ committee }}``, ``{{ meeting_date }}`` and
      ``{{ edition }}`` from the paper file (words, not numbers);
    * blocks between ``<!-- if chapter: name, ... -->`` and ``<!-- end if -->``
      are kept only when the paper includes every chapter named, so a paper
      with fewer chapters never pastes a figure from a chapter it did not run.

    Raises
    ------
    ValueError
        For a placeholder or a chapter name the template should not use.
    """
    from analysis.chapters import REGISTRY

    def block(match: re.Match) -> str:
        names = [n.strip() for n in match.group(1).split(",") if n.strip()]
        unknown = [n for n in names if n not in REGISTRY]
        if unknown:
            raise ValueError(f"book/intro.md: unknown chapter {', '.join(unknown)} in '<!-- if chapter: ... -->'")
        return match.group(2) if all(n in paper.chapters for n in names) else ""

    text = _IF_CHAPTER.sub(block, template)
    fields = {
        "title": paper.title,
        "committee": paper.committee,
        "meeting_date": f"{paper.meeting_date.day} {paper.meeting_date:%B %Y}",
        "edition": paper.edition,
    }

    def field(match: re.Match) -> str:
        name = match.group(1)
        if name not in fields:
            raise ValueError(f"book/intro.md: unknown placeholder {{{{ {name} }}}}; use one of {', '.join(fields)}")
        return fields[name]

    return _PLACEHOLDER.sub(field, text)
