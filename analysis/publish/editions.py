"""Editions: the version scheme and the paper file's publishing fields.

An edition's version is the paper file's ``edition``, ``YYYY.N``: the year of
the committee cycle and a running number within it (``2018.1``, ``2018.2``).
A correction may add a third number (``2018.1.1``); a pre-release a suffix
(``2018.2-rc.1``, sorted before ``2018.2``). A draft is published as
``<edition>-draft-<commit>`` under ``site/drafts/``.

A paper file may name the edition it is to be compared with,
``previous_edition: "2018.1"``. That field is about publishing, not about the
analysis, so it is read here and removed before the paper is validated
(:mod:`analysis.paper` does not know it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from analysis.errors import InputError
from analysis.paper import REPO_ROOT, Paper, load_paper, parse_paper, read_yaml

#: Paper-file fields used only when publishing.
PUBLISHING_FIELDS = ("previous_edition",)

_VERSION = re.compile(r"^(\d{4})\.(\d+)(?:\.(\d+))?(?:-([a-z0-9.]+))?$")


def is_version(text: str) -> bool:
    """True if ``text`` is a valid edition version (``YYYY.N``, optionally ``.M`` and ``-suffix``)."""
    return bool(_VERSION.match(str(text)))


def sort_key(version: str) -> tuple:
    """Order editions: by year, number, correction; a suffixed pre-release before its release."""
    m = _VERSION.match(version)
    if not m:
        return (0, 0, 0, 0, version)
    year, number, fix, suffix = m.groups()
    return (int(year), int(number), int(fix or 0), 0 if suffix else 1, suffix or "")


def _resolve(path: str | Path) -> Path:
    candidate = Path(path)
    if not candidate.is_absolute() and not candidate.exists():
        candidate = REPO_ROOT / candidate
    return candidate


def read_paper(path: str | Path | dict[str, Any]) -> tuple[Paper, dict[str, Any], Path | None]:
    """Read a paper file: ``(paper, publishing fields, file path)``.

    Publishing fields (``previous_edition``) are taken out before validation;
    everything else is validated as :func:`analysis.paper.load_paper` does,
    with the same messages.

    Raises
    ------
    InputError
        Bad paper file, or a ``previous_edition`` that is not a version.
    """
    if isinstance(path, dict):
        raw = dict(path)
        extras = {k: raw.pop(k) for k in PUBLISHING_FIELDS if k in raw}
        paper, file = load_paper(raw), None
    else:
        file = _resolve(path)
        raw = None
        if file.is_file():
            try:
                raw = read_yaml(file.read_text(encoding="utf-8"), str(path))
            except (InputError, UnicodeDecodeError):
                raw = None
        if isinstance(raw, dict) and any(k in raw for k in PUBLISHING_FIELDS):
            extras = {k: raw.pop(k) for k in PUBLISHING_FIELDS if k in raw}
            paper = parse_paper(raw, source=str(path))
        else:
            extras = {}
            paper = load_paper(path)  # its own messages for missing files and bad YAML
        file = file if file.is_file() else None
    previous = extras.get("previous_edition")
    if previous is not None:
        previous = str(previous)
        if not is_version(previous):
            raise InputError(
                f"{path if not isinstance(path, dict) else 'paper'}: previous_edition: {previous!r} "
                "must be an edition version like 2018.1"
            )
        extras["previous_edition"] = previous
    return paper, extras, file
