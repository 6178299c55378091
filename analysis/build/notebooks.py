"""Chapter notebooks as stored: MyST Markdown notebooks read with jupytext.

The notebooks under ``notebooks/`` are text (``NN_<chapter>.md``), so a diff of
a chapter reads as prose and code. papermill, the only executor, is handed the
notebook that :func:`read_source` returns; the executed copy is an ``.ipynb``.
Cell ids are set from each cell's position, so the same source always gives
the same notebook (two builds write identical files).
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat

#: The kernel every chapter runs on.
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def read_source(path: Path) -> nbformat.NotebookNode:
    """The notebook stored at ``path`` (MyST Markdown), with stable cell ids and the python3 kernel."""
    nb = jupytext.read(Path(path), fmt="md:myst")
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{Path(path).stem.replace('_', '-')}-{i:02d}"
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata.pop("jupytext", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def write_source(nb: nbformat.NotebookNode, path: Path) -> None:
    """Store ``nb`` as a MyST Markdown notebook at ``path`` (outputs are not stored)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    jupytext.write(nb, Path(path), fmt="md:myst")
