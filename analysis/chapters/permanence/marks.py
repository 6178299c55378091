"""The permanence page's tables as the publish gate reads them: population, keys and totals.

Every table the page shows from child-level data is marked (:func:`analysis.report.charts.table_html`)
with the population it shows cells of, the key of each cell that another table shows too, and its total
row or column. The gate (:mod:`analysis.publish.gate`) then checks, across the whole book, that a count
is shown or hidden alike wherever it appears, and that no hidden cell is a shown total minus shown
parts. The keys say which cells are one count by definition, the same links
:func:`analysis.report.disclosure.suppress_together` suppresses together:

* the **cohort** (periods of care in the time-to-permanence cohort): the exclusions table's "Included",
  the table of outcomes' grand total and the children at risk at month 0 are one count; each year of
  entry's (and age band's) periods of care and those reaching permanence are one count in the table of
  outcomes (or of age bands), the table behind the chart by year (or age) and the forest plot;
* the **adopted** (children adopted in the three-year windows): a measure's children in the scorecard
  are that measure's "Included" in the exclusions table, and A1's are the children at "Entered care"
  in the stages of adoption;
* the **waiting** (children with a placement order not yet placed for adoption at 31 March): the
  paper's year in the table behind the chart is the total of the table by time waited.
"""

from __future__ import annotations

import pandas as pd

#: Column key of a group's periods of care, and of those reaching permanence.
ALL_OUTCOMES, REACHED = "all outcomes", "reached permanence"

#: Row label of the grand total of the table of outcomes (the cohort's size).
ALL_YEARS = "all years"


def cohort_population(year: int) -> str:
    """The population of the cohort's tables."""
    return f"periods of care in the time-to-permanence cohort, to 31 March {year}"


def adopted_population(year: int) -> str:
    """The population of the scorecard's tables (every three-year window up to ``year``)."""
    return f"children adopted, three-year windows to 31 March {year}"


def waiting_population(year: int) -> str:
    """The population of the tables of children waiting for adoption."""
    return f"children with a placement order not placed for adoption, 31 March of each year to {year}"


def _row(table: pd.DataFrame, column: str, value) -> int | None:
    """Position of the first row whose ``column`` equals ``value`` (as text), or None."""
    hits = [i for i, v in enumerate(table[column]) if str(v) == str(value)]
    return hits[0] if hits else None


def reading(year: int, table: pd.DataFrame) -> dict:
    """The readings at fixed months: the children at risk at month 0 are the cohort."""
    i = _row(table, "Months since entering care", 0)
    key = f"{ALL_YEARS} | {ALL_OUTCOMES}"
    cells = {} if i is None else {(i, "Not yet permanent and followed (at risk)"): key}
    return {"population": cohort_population(year), "cells": cells}


def groups(year: int) -> dict:
    """The tables behind the charts by year of entry and by age band."""
    return {
        "population": cohort_population(year),
        "keys": {"Periods of care": ALL_OUTCOMES, "Reached permanence": REACHED},
    }


def outcomes(year: int) -> dict:
    """The cohort by year of entry and outcome."""
    return {"population": cohort_population(year), "keys": {"All": ALL_OUTCOMES}, "total_row": ALL_YEARS}


def cohort_exclusions(year: int, table: pd.DataFrame, included: str, total: str, columns: dict) -> dict:
    """The periods of care left out of the cohort (``columns``: column -> key of its "Included")."""
    i = _row(table, table.columns[0], included)
    cells = {} if i is None else {(i, col): key for col, key in columns.items()}
    return {"population": cohort_population(year), "cells": cells, "total_row": total}


def cox(year: int, table: pd.DataFrame, age_variable: str, model_row: str) -> dict:
    """The forest plot's table: an age band's counts are the age table's; the trend term's are the model's."""
    cells = {}
    for i, (factor, level) in enumerate(zip(table["Factor"], table["Level"])):
        if factor == age_variable:
            cells[(i, "Periods")] = f"{level} | {ALL_OUTCOMES}"
            cells[(i, "Reached permanence")] = f"{level} | {REACHED}"
        elif factor == model_row:
            cells[(i, "Periods")] = f"model | {ALL_OUTCOMES}"
            cells[(i, "Reached permanence")] = f"model | {REACHED}"
    return {"population": cohort_population(year), "cells": cells}


def scorecard(year: int, table: pd.DataFrame) -> dict:
    """The scorecard's table: each window's and measure's children."""
    cells = {
        (i, "Children"): f"{y} | {str(m).split(':')[0]} included"
        for i, (y, m) in enumerate(zip(table["Three years ending"], table["Measure"]))
    }
    return {"population": adopted_population(year), "cells": cells}


def scorecard_exclusions(year: int, table: pd.DataFrame, included: str, total: str) -> dict:
    """Children adopted in the paper's window and why any are left out of each measure."""
    i = _row(table, table.columns[0], included)
    cells = {} if i is None else {(i, col): f"{year} | {col} included" for col in table.columns[1:]}
    return {"population": adopted_population(year), "cells": cells, "total_row": total}


def stages(year: int, table: pd.DataFrame, entered: str) -> dict:
    """The stages of adoption: the children who entered care are A1's."""
    i = _row(table, "Stage", entered)
    cells = {} if i is None else {(i, "Children with this date"): f"{year} | A1 included"}
    return {"population": adopted_population(year), "cells": cells}


def waiting_trend(year: int) -> dict:
    """Children waiting at each 31 March."""
    return {"population": waiting_population(year), "keys": {"Children waiting": "all waiting"}}


def waiting_bands(year: int, table: pd.DataFrame, total: str) -> dict:
    """The paper's year's children waiting, by time waited: the total is the trend's cell for the year."""
    i = _row(table, table.columns[0], total)
    cells = {} if i is None else {(i, table.columns[1]): f"{year} | all waiting"}
    return {"population": waiting_population(year), "cells": cells, "total_row": total}


def england(year: int) -> dict:
    """The stages against England's: the authority's children adopted in the year (no shared cells)."""
    return {"population": f"children adopted in the year to 31 March {year}"}
