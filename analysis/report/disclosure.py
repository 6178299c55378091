"""Disclosure control: the one way child-level counts reach a published page.

Every table or chart built from child-level data goes through
:func:`suppress`. It follows the convention of DfE's children's social care
statistics:

* **primary suppression**: a count from 1 to 5 is replaced by ``c``;
* **secondary suppression**: where a suppressed count could be worked out
  from a total (a row or column that adds up to a published total), the next
  smallest non-zero count in that row or column is suppressed too, repeated
  until no suppressed count can be back-solved; a total of 1 to 5 is itself
  suppressed;
* **derived figures**: a percentage or rate whose numerator or denominator is
  suppressed is suppressed as well (:meth:`Suppressed.share`);
* **one released version**: a table that shows cells of a population and date
  another table has already released (for example the forecast's children at
  31 March of the paper's year, released by the placements chapter's stock
  table) passes that release as ``released`` with a map of its cells to the
  release's, and shows exactly what the release shows: the release's values,
  hidden where the release hides them, before its own secondary suppression;
* **linked tables**: tables of one population whose cells are one count by
  definition (the cohort's size in the exclusions table and the table of
  outcomes) are suppressed together (:func:`suppress_together`), so a linked
  count is hidden in every table or in none.

The publish gate (:mod:`analysis.publish.gate`) checks the result across the
whole book, through the marks :func:`analysis.report.charts.table_html` sets.

Zero is published as zero (DfE: "a zero means a zero was submitted").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Counts in this range (inclusive) are suppressed.
LOW, HIGH = 1, 5

#: The marker shown in place of a suppressed value.
MARKER = "c"


def is_small(values) -> np.ndarray:
    """True where a count is between :data:`LOW` and :data:`HIGH` inclusive."""
    arr = np.asarray(values, dtype=float)
    return (arr >= LOW) & (arr <= HIGH)


@dataclass(frozen=True)
class Suppressed:
    """A table of counts after suppression.

    Attributes
    ----------
    values:
        The counts, as floats, with suppressed cells set to NaN.
    mask:
        True where a cell is suppressed (primary or secondary).
    primary:
        True where a cell was suppressed because it is 1 to 5.
    """

    values: pd.DataFrame
    mask: pd.DataFrame
    primary: pd.DataFrame

    def table(self, fmt: str = ",.0f") -> pd.DataFrame:
        """Display table: counts formatted, suppressed cells shown as ``c``."""
        out = self.values.map(lambda v: "" if pd.isna(v) else format(v, fmt)).astype(object)
        out[self.mask] = MARKER
        return out

    def share(self, denominator: str | None = None, *, axis: str = "columns", scale: float = 100.0) -> pd.DataFrame:
        """Percentages of a total, suppressed wherever the count or the total is suppressed.

        Parameters
        ----------
        denominator:
            Label of the total to divide by: a row label with ``axis="columns"``
            (each column divided by its total), a column label with
            ``axis="rows"``. Without one, the sum of the row or column is used,
            and the whole row or column is suppressed if any count in it is.
        axis:
            ``"columns"`` or ``"rows"``, as above.
        scale:
            100 for percentages.
        """
        vals, mask = self.values, self.mask
        if axis == "columns":
            if denominator is not None:
                den = vals.loc[denominator]
                den_mask = mask.loc[denominator]
            else:
                den = vals.sum(axis=0, skipna=False)
                den_mask = mask.any(axis=0)
            out = vals.div(den.where(den > 0), axis=1) * scale
            out[mask | den_mask.to_numpy()[None, :]] = np.nan
        else:
            if denominator is not None:
                den = vals[denominator]
                den_mask = mask[denominator]
            else:
                den = vals.sum(axis=1, skipna=False)
                den_mask = mask.any(axis=1)
            out = vals.div(den.where(den > 0), axis=0) * scale
            out[mask | den_mask.to_numpy()[:, None]] = np.nan
        return out


def _groups(index: list, columns: list, total_row, total_col) -> list[list[tuple[int, int]]]:
    """Constraint groups: cells that add up to a total (the total cell last)."""
    groups = []
    rows = [i for i, r in enumerate(index) if r != total_row]
    cols = [j for j, c in enumerate(columns) if c != total_col]
    if total_row is not None:
        t = index.index(total_row)
        for j in range(len(columns)):
            groups.append([(i, j) for i in rows] + [(t, j)])
    if total_col is not None:
        t = columns.index(total_col)
        for i in range(len(index)):
            groups.append([(i, j) for j in cols] + [(i, t)])
    return groups


def _sum_groups(index: list, columns: list, sums) -> list[list[tuple[int, int]]]:
    """Constraint groups of ``sums`` (see :func:`suppress`): the listed rows (or columns) add up to the last."""
    groups = []
    for axis, labels in sums:
        labels = list(labels)
        if axis == "rows":
            pos = [index.index(label) for label in labels]
            groups += [[(i, j) for i in pos] for j in range(len(columns))]
        else:
            pos = [columns.index(label) for label in labels]
            groups += [[(i, j) for j in pos] for i in range(len(index))]
    return groups


def _take_release(vals: pd.DataFrame, released: Suppressed | None, cells: dict) -> tuple[pd.DataFrame, list]:
    """``vals`` with the released values of ``cells`` put in, and the cells the release hides."""
    fixed = []
    if released is not None:
        for here, there in cells.items():
            if released.mask.loc[there]:
                fixed.append(here)
            else:
                vals.loc[here] = released.values.loc[there]
    return vals, fixed


def suppress(
    counts: pd.DataFrame,
    *,
    total_row=None,
    total_col=None,
    sums: Iterable[tuple[str, Iterable]] = (),
    released: Suppressed | None = None,
    cells: dict | None = None,
) -> Suppressed:
    """Suppress small counts in a table, with secondary suppression.

    Parameters
    ----------
    counts:
        A table of non-negative counts (rows x columns). It may include a total
        row and/or a total column, named by ``total_row`` / ``total_col``; each
        other row (column) must add up to it.
    total_row, total_col:
        Labels of the total row / column, if any. Without them no secondary
        suppression is needed (nothing can be back-solved), but small counts are
        still suppressed.
    sums:
        Extra constraints for tables whose totals are not a margin, as
        ``("rows", [labels...])`` meaning those rows add up to the last label
        in each column (likewise ``("columns", [...])``).
    released, cells:
        An earlier release of some of these cells (same population and date),
        and the map ``{(row, column) here: (row, column) in released}``: those
        cells take the release's values and are hidden where it hides them.

    Returns
    -------
    Suppressed

    Raises
    ------
    ValueError
        If a count is negative or not a whole number.
    """
    vals, fixed = _take_release(counts.astype(float), released, cells or {})
    arr = vals.to_numpy(copy=True)
    finite = arr[~np.isnan(arr)]
    if (finite < 0).any() or (np.abs(finite - np.round(finite)) > 1e-9).any():
        raise ValueError("suppress() takes whole, non-negative counts")
    index, columns = list(vals.index), list(vals.columns)
    primary = is_small(np.nan_to_num(arr, nan=0.0))
    mask = primary.copy()
    index_of, column_of = {r: i for i, r in enumerate(vals.index)}, {c: j for j, c in enumerate(vals.columns)}
    for row, col in fixed:
        mask[index_of[row], column_of[col]] = True
    groups = _groups(index, columns, total_row, total_col) + _sum_groups(index, columns, sums)

    changed = True
    while changed:
        changed = False
        for group in groups:
            hidden = [cell for cell in group if mask[cell]]
            if len(hidden) != 1:
                continue
            # one hidden cell could be back-solved: hide the smallest other non-zero cell
            candidates = [cell for cell in group if not mask[cell] and not np.isnan(arr[cell]) and arr[cell] > 0]
            if not candidates:
                continue
            smallest = min(candidates, key=lambda cell: (arr[cell], cell == group[-1], cell))
            mask[smallest] = True
            changed = True

    out = vals.copy()
    out[mask] = np.nan
    return Suppressed(
        values=out,
        mask=pd.DataFrame(mask, index=vals.index, columns=vals.columns),
        primary=pd.DataFrame(primary, index=vals.index, columns=vals.columns),
    )


#: A cell of one of the tables released together: (table name, row label, column label).
Cell = tuple[str, object, object]


def suppress_together(
    tables: Mapping[str, tuple[pd.DataFrame, dict]], links: Iterable[Iterable[Cell]] = ()
) -> dict[str, Suppressed]:
    """Suppress ``tables`` (name -> (counts, keyword arguments of :func:`suppress`)) so that each group of
    ``links`` (cells that are one count by definition, in one table or several) is hidden together or shown
    together.

    A linked cell shown while another of its group is hidden is hidden too: the table is suppressed again
    with that cell set to a small count (a placeholder that only ever makes it hidden), so secondary
    suppression is re-run and no total with its parts has exactly one hidden cell; repeated until no group
    is split. The released values are the true counts. Returns the released tables by name; without links
    it is :func:`suppress` of each table.
    """
    links = [list(group) for group in links]
    forced: dict[str, set] = {name: set() for name in tables}
    while True:
        out = {}
        for name, (counts, kwargs) in tables.items():
            real = counts.astype(float)
            work = real.copy()
            for row, col in forced[name]:
                work.loc[row, col] = float(LOW)
            sup = suppress(work, **kwargs)
            out[name] = Suppressed(
                values=real.where(~sup.mask),
                mask=sup.mask,
                primary=pd.DataFrame(is_small(real.fillna(0).to_numpy()), index=real.index, columns=real.columns),
            )
        changed = False
        for group in links:
            hidden = [bool(out[n].mask.loc[r, c]) for n, r, c in group]
            if not any(hidden) or all(hidden):
                continue
            for (n, r, c), h in zip(group, hidden):
                if not h and float(tables[n][0].loc[r, c]) > 0 and (r, c) not in forced[n]:
                    forced[n].add((r, c))
                    changed = True
        if not changed:
            return out


def unsuppressed_small_counts(table: pd.DataFrame, count_columns: Iterable[str]) -> list[str]:
    """Cells of ``count_columns`` holding a count from 1 to 5: what a published table must not show."""
    problems = []
    for col in count_columns:
        values = pd.to_numeric(table[col], errors="coerce")
        for idx in values.index[is_small(values.fillna(0))]:
            problems.append(f"row {idx!r}, column {col!r}: {values[idx]:g}")
    return problems
