"""One released version of each child-level table in the chapter, and how the page reads it.

Every child-level count the permanence page shows (in a table, a chart's caption, title, alt text or hover,
a sentence or a key figure) is a cell of one *released* table: a
:class:`analysis.report.disclosure.Suppressed` made by :func:`analysis.report.disclosure.suppress`, once.
The page never suppresses a count of its own: it reads the released cell, so a count hidden in one place
is hidden everywhere it appears (:func:`cell`, :func:`count_or_suppressed`, :func:`words`).

Some tables of one population share cells: the exclusions table's "Included" for A1 is the scorecard's
children behind A1 and the children in the stages of adoption; the cohort's "Included" is the grand total
of the table of outcomes and of the age bands; a child left out of A1 and of A10 for the same first reason
is the same count in both columns. Such tables are suppressed jointly by
:func:`analysis.report.disclosure.suppress_together`, the cells that are one count by definition linked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.report import disclosure
from analysis.report.text import SUPPRESSED


def columns(sup: disclosure.Suppressed, cols: list) -> disclosure.Suppressed:
    """The released table ``sup`` restricted to ``cols`` (the same cells, the same suppression)."""
    return disclosure.Suppressed(values=sup.values[cols], mask=sup.mask[cols], primary=sup.primary[cols])


def hidden(sup: disclosure.Suppressed, row, col) -> bool:
    """True when the released cell is suppressed."""
    return bool(sup.mask.loc[row, col])


def cell(sup: disclosure.Suppressed, row, col, fmt: str = ",.0f") -> str:
    """A released cell for a table or a sentence: the count formatted, or ``c`` when suppressed."""
    if hidden(sup, row, col):
        return disclosure.MARKER
    v = sup.values.loc[row, col]
    return "" if pd.isna(v) else format(float(v), fmt)


def count_or_suppressed(sup: disclosure.Suppressed, row, col):
    """A released cell for a key figure: the count as an int, or "suppressed"."""
    if hidden(sup, row, col):
        return SUPPRESSED
    v = sup.values.loc[row, col]
    return int(v) if not pd.isna(v) else SUPPRESSED


def words(sup: disclosure.Suppressed, row, col, hidden_words: str = "a small number (suppressed)") -> str:
    """A released cell for a sentence: "1,234", or ``hidden_words`` when suppressed."""
    return hidden_words if hidden(sup, row, col) else cell(sup, row, col)


def shown_counts(sup: disclosure.Suppressed) -> np.ndarray:
    """The counts a released table shows (its unsuppressed, non-missing cells)."""
    v = sup.values.to_numpy(dtype=float)
    return v[~sup.mask.to_numpy() & ~np.isnan(v)]
