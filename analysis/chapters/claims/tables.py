"""The claims table: one row per claim of the paper, for the page and for the report's opening."""

from __future__ import annotations

import pandas as pd

from analysis.chapters.claims.compute import Checked
from analysis.report import charts


def table(checked: Checked) -> pd.DataFrame:
    """The "Claims checked against the data" table."""
    return pd.DataFrame(
        [
            {
                "The paper says (paragraph)": f"{c.text} ({c.paragraph})",
                "Measure": c.measure,
                "Authority": c.value,
                "Comparators": c.comparators,
                "Test": c.test,
                "Verdict": c.verdict,
            }
            for c in checked.claims
        ]
    )


def table_html(checked: Checked) -> str:
    """The claims table as the report's house-style HTML table."""
    return charts.table_html(
        table(checked),
        caption=f"Claims of the committee paper checked against the data for "
        f"{checked.la_name}, year ending 31 March {checked.year}",
    )
