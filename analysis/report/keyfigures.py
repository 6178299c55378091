"""Key figures: every number quoted in the report's prose.

Notebooks call :func:`glue_figure` for each number they quote. It glues the
value with MyST-NB (so prose can paste it with ``{glue:text}`name:fmt```) and
records its unit and a plain-English label in the output's metadata. After the
notebooks run, :func:`collect` reads every executed notebook and the build
writes ``key-figures.json``: glue name -> ``{value, unit, label, display, notebook}``.

Each key figure has **one display format**: ``display`` is how the value reads
wherever it is shown (prose, opening page, claims table, chart titles, PDF).
A number is rounded once, where the chapter records it, and ``display`` shows
exactly that rounded value (thousands separated; ``digits`` fixes the decimals
when a rounded value happens to be whole). Prose pastes it with a glue format
that gives the same string, which a build test checks for every glue role.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
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


def display(value: Any, unit: str, digits: int | None = None) -> str:
    """How a key figure's value reads wherever it is shown (see the module docstring).

    Text passes through; a year reads "2017"; a number is shown with thousands
    separators and ``digits`` decimals, or, without ``digits``, with just the
    decimals its (already rounded) value has: 44.8 -> "44.8", 686 -> "686",
    1234.5 -> "1,234.5". A missing value reads "not published".
    """
    from analysis.report import text

    value = _plain(value)
    if value is None:
        return text.NOT_PUBLISHED
    if isinstance(value, (str, bool)):
        return str(value)
    if unit == "year":
        return str(int(value))
    if digits is None:
        shown = np.format_float_positional(float(value), precision=6, trim="-")
        digits = len(shown.partition(".")[2])
    return text.number(value, digits)


def figure_record(name: str, value: Any, unit: str, label: str, digits: int | None = None) -> dict[str, Any]:
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
    return {"value": _plain(value), "unit": unit, "label": label, "display": display(value, unit, digits)}


def glue_figure(name: str, value: Any, unit: str, label: str, digits: int | None = None) -> Any:
    """Glue ``value`` under ``name`` for the prose, with its unit and label.

    The output is hidden in the book (only the pasted value shows). Returns the
    value, so a notebook can write ``x = glue_figure("x", compute(), ...)``.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display
    from myst_nb.ext.glue import GLUE_PREFIX

    record = figure_record(name, value, unit, label, digits)
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
    """Glue each record ``{name, value, unit, label[, digits]}`` with :func:`glue_figure`."""
    for rec in records:
        glue_figure(rec["name"], rec["value"], rec["unit"], rec["label"], rec.get("digits"))
