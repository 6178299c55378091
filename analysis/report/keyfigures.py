"""Key figures: every number quoted in the report's prose.

Notebooks call :func:`glue_figure` for each number they quote. It glues the
value with MyST-NB (so prose can paste it with ``{glue:text}`name:fmt```) and
records its unit and a plain-English label in the output's metadata. After the
notebooks run, :func:`collect` reads every executed notebook and the build
writes ``key-figures.json``: glue name -> ``{value, unit, label, notebook}``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from analysis.errors import BuildError

#: Metadata key under which a glued output carries its unit and label.
META_KEY = "key_figure"

#: Units a key figure may have.
UNITS = {
    "children",
    "per 10,000 children",
    "percent",
    "position",
    "days",
    "pounds",
    "years",
    "ratio",
    "text",
    "year",
    "authorities",
    "count",
}


#: Records glued in the running kernel, in order (used by :func:`table`).
_SESSION: dict[str, dict[str, Any]] = {}


def _plain(value: Any) -> Any:
    """A JSON-able plain Python value (numpy scalars become int/float)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
    return value


def figure_record(name: str, value: Any, unit: str, label: str) -> dict[str, Any]:
    """The key-figure record for one glued value, after checking it.

    Raises
    ------
    ValueError
        If the name is not a Python identifier or the unit is unknown.
    """
    if not name.isidentifier():
        raise ValueError(f"key figure name {name!r} must be an identifier (letters, digits, _)")
    if unit not in UNITS:
        raise ValueError(f"key figure {name!r}: unit {unit!r} is not one of {sorted(UNITS)}")
    return {"value": _plain(value), "unit": unit, "label": label}


def glue_figure(name: str, value: Any, unit: str, label: str) -> Any:
    """Glue ``value`` under ``name`` for the prose, with its unit and label.

    The output is hidden in the book (only the pasted value shows). Returns the
    value, so a notebook can write ``x = glue_figure("x", compute(), ...)``.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display
    from myst_nb.ext.glue import GLUE_PREFIX

    record = figure_record(name, value, unit, label)
    plain = record["value"]
    mimebundle, metadata = format_display_data(plain)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    metadata[META_KEY] = record
    display({GLUE_PREFIX + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
    _SESSION[name] = record
    return value


def collect(notebooks: list[Path], root: Path) -> dict[str, dict[str, Any]]:
    """Read key figures from executed notebooks.

    Parameters
    ----------
    notebooks:
        Executed notebook files.
    root:
        Folder the ``notebook`` field is given relative to.

    Raises
    ------
    BuildError
        If two notebooks glue the same name.
    """
    figures: dict[str, dict[str, Any]] = {}
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for output in cell.get("outputs", []):
                meta = output.get("metadata", {})
                if META_KEY not in meta:
                    continue
                name = meta["scrapbook"]["name"]
                if name in figures:
                    raise BuildError(
                        f"key figure {name!r} is glued twice: in {figures[name]['notebook']} and {path.name}"
                    )
                figures[name] = {**dict(meta[META_KEY]), "notebook": path.relative_to(root).as_posix()}
    return dict(sorted(figures.items()))


def write(figures: dict[str, dict[str, Any]], path: Path) -> None:
    """Write key figures as pretty, sorted, deterministic JSON."""
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def table(names: list[str] | None = None) -> pd.DataFrame:
    """Key figures glued so far in this kernel, as a table for the reader.

    Reads the records :func:`glue_figure` displayed in this session (kept in
    :data:`_SESSION`).
    """
    rows = [
        {"Key figure": n, "Value": r["value"], "Unit": r["unit"], "What it is": r["label"]}
        for n, r in _SESSION.items()
        if names is None or n in names
    ]
    return pd.DataFrame(rows)


def glue_all(records: list[dict[str, Any]]) -> None:
    """Glue each record ``{name, value, unit, label}`` with :func:`glue_figure`."""
    for rec in records:
        glue_figure(rec["name"], rec["value"], rec["unit"], rec["label"])
