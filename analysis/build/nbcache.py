"""Reuse executed notebooks when nothing they depend on changed.

A chapter notebook is executed again only when one of its inputs changed. Its
cache key is a SHA-256 over

* the notebook's source file (``notebooks/<nb>``),
* the paper's parameters (as JSON, sorted keys),
* every file of the paper's published data folder (``data/published/*``) and
  of its SSDA903 folder, names and contents,
* every ``analysis/**/*.py`` file (the method), and ``uv.lock`` (the software).

The executed notebook (as the build left it: parameters injected, cells
tagged) is stored under ``book/_build/.cache/<notebook>/<key>.ipynb`` with a
small JSON record of when it was executed and how long it took. Entries are
written atomically; the newest few per notebook are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.build.provenance import files_under, ssda903_folder
from analysis.paper import REPO_ROOT, Paper

#: Entries kept per notebook (older ones are removed).
KEEP = 4


def _hash_tree(h: hashlib._Hash, folder: Path, label: str) -> None:
    h.update(f"\0tree {label}\0".encode())
    if not folder.exists():
        h.update(b"missing")
        return
    for path in files_under(folder):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")


def shared_digest(paper: Paper, root: Path = REPO_ROOT) -> str:
    """Digest of what every notebook of this paper reads besides its own source: data, code, lock."""
    h = hashlib.sha256()
    _hash_tree(h, paper.published_dir(), "published")
    child = ssda903_folder(paper)
    if child is not None:
        _hash_tree(h, child, "ssda903")
    code = root / "analysis"
    h.update(b"\0code\0")
    for path in sorted(code.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(code).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    lock = root / "uv.lock"
    h.update(b"\0lock\0" + (lock.read_bytes() if lock.exists() else b"missing"))
    return h.hexdigest()


def key(notebook: Path, paper: Paper, shared: str) -> str:
    """The cache key of one notebook for this paper (see the module docstring)."""
    h = hashlib.sha256()
    h.update(b"notebook\0" + Path(notebook).read_bytes())
    h.update(b"\0parameters\0" + json.dumps(paper.parameters(), sort_keys=True).encode())
    h.update(b"\0shared\0" + shared.encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    """A cached execution: the executed notebook and its record."""

    notebook: Path
    record: dict[str, Any]


class NotebookCache:
    """Executed notebooks stored by cache key under ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _paths(self, name: str, cache_key: str) -> tuple[Path, Path]:
        folder = self.root / Path(name).stem
        return folder / f"{cache_key}.ipynb", folder / f"{cache_key}.json"

    def get(self, name: str, cache_key: str) -> Entry | None:
        """The stored execution of ``name`` for ``cache_key``, or None."""
        nb, meta = self._paths(name, cache_key)
        if not (nb.is_file() and meta.is_file()):
            return None
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        os.utime(meta)  # most recently used
        return Entry(nb, record)

    def put(self, name: str, cache_key: str, executed: Path, record: dict[str, Any]) -> None:
        """Store an executed notebook (atomically), then prune old entries of the same notebook."""
        nb, meta = self._paths(name, cache_key)
        nb.parent.mkdir(parents=True, exist_ok=True)
        tmp_nb = nb.with_name(f".{nb.name}.{os.getpid()}.tmp")
        tmp_meta = meta.with_name(f".{meta.name}.{os.getpid()}.tmp")
        shutil.copyfile(executed, tmp_nb)
        tmp_meta.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp_nb, nb)
        os.replace(tmp_meta, meta)
        entries = sorted(nb.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".ipynb").unlink(missing_ok=True)
