"""Pages the build writes from records rather than prose (so they cannot drift).

:func:`data_sources_markdown` turns ``data/published/manifest.json`` into the
book's "Data sources" page: publisher, publication, release and licence of
every figure, and each source file's checksum.
"""

from __future__ import annotations

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
        f"**Licence.** {manifest.get('attribution', '')} "
        f"Licence: {manifest.get('licence', '')}.",
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
