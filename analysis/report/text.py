"""The one place that turns numbers into words for prose, titles and tables.

Every percentage, p-value, money amount, count, period and confidence level
the report prints goes through a function here, so that one figure reads the
same on every page. Levels are derived from the constants they describe (a
"95%" from a significance level, months from
:data:`analysis.methods.survival.DAYS_PER_MONTH`), never typed.

Values that are missing print as the reason (:data:`NOT_PUBLISHED`,
:data:`SUPPRESSED`) or as :data:`DASH` in a table cell.
"""

from __future__ import annotations

import math
from numbers import Number

from analysis.methods.survival import DAYS_PER_MONTH

#: The phrase that marks a table, caption or key figure as built from child-level data.
CHILD_LEVEL = "child-level data"

#: A value DfE did not publish (or published as a marker).
NOT_PUBLISHED = "not published"

#: A count of 1 to 5, or one that would reveal such a count, withheld.
SUPPRESSED = "suppressed"

#: A breakdown with no children in it.
NO_CHILDREN = "no children"

#: A table cell with no value.
DASH = "–"


def is_number(value) -> bool:
    """True for a real number (not a string, ``None``, NaN or a boolean)."""
    if isinstance(value, bool) or not isinstance(value, Number):
        return False
    try:
        return not math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def period(year: int) -> str:
    """A collection or financial year ending in March ``year``: 2017 -> "2016-17"."""
    year = int(year)
    return f"{year - 1}-{str(year)[2:]}"


def periods(years) -> str:
    """Several such years in a list: [2015, 2017] -> "2014-15 and 2016-17"."""
    return series_text([period(y) for y in years])


def series_text(items) -> str:
    """Words joined as a list: ["a", "b", "c"] -> "a, b and c"."""
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def year_runs(years) -> str:
    """Years as short runs: [2013, 2014, 2015, 2020] -> "2013-2015 and 2020"."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return series_text([str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs])


def pct(value, digits: int = 0, *, missing: str = NOT_PUBLISHED) -> str:
    """A percentage already on the 0-100 scale: 23.4 -> "23%"; text passes through.

    ``missing`` is what a missing value reads as (a table cell uses :data:`DASH`).
    """
    if isinstance(value, str):
        return value
    if not is_number(value):
        return missing
    return f"{value:.{digits}f}%"


def share(value, digits: int = 0, *, missing: str = NOT_PUBLISHED) -> str:
    """A fraction on the 0-1 scale as a percentage: 0.234 -> "23%"."""
    if isinstance(value, str):
        return value
    return pct(100 * value if is_number(value) else value, digits, missing=missing)


def number(value, digits: int = 0, *, missing: str = NOT_PUBLISHED) -> str:
    """A number with thousands separators: 1234.5 -> "1,235"; text passes through."""
    if isinstance(value, str):
        return value
    if not is_number(value):
        return missing
    return f"{value:,.{digits}f}"


def rate(value, digits: int = 0, *, missing: str = NOT_PUBLISHED) -> str:
    """A rate per 10,000 (or per 100) as printed: 47.85 -> "48", or "47.9" with ``digits=1``.

    The one display of a rate; key figures, titles and tables use it with the
    digits their key figure records.
    """
    return number(value, digits, missing=missing)


def change_pct(value, digits: int = 0, *, missing: str = NOT_PUBLISHED) -> str:
    """A percentage change with its sign: 30.8 -> "+31%", -6.9 -> "-7%", 0 -> "0%"."""
    if isinstance(value, str):
        return value
    if not is_number(value):
        return missing
    shown = f"{abs(value):.{digits}f}"
    if float(shown) == 0:
        return f"{shown}%"
    return f"{'+' if value > 0 else '-'}{shown}%"


def count(value, noun: str | None = None, *, missing: str = NOT_PUBLISHED) -> str:
    """A count, with its noun if given: "525 initial enquiries", or "initial enquiries (not published)"."""
    if noun is None:
        return number(value, missing=missing)
    return f"{value:,.0f} {noun}" if is_number(value) else f"{noun} ({missing})"


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """A whole number with its noun: "1 year", "3 years"."""
    return f"{n} {word if n == 1 else (plural_form or word + 's')}"


def money(value: float, *, signed: bool = False) -> str:
    """Pounds for a sentence: "£1.2 million", or "£45,000" to the nearest thousand.

    With ``signed``, a negative amount reads "minus £45,000".
    """
    if signed and value < 0:
        return f"minus {money(-value)}"
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.1f} million"
    return f"£{round(value, -3):,.0f}"


def pounds(value: float) -> str:
    """Whole pounds: 7095571.4 -> "£7,095,571"."""
    return f"£{value:,.0f}"


def p_value(p: float, *, prefix: str = "p ") -> str:
    """A p-value: "p < 0.001" or "p = 0.012" (``prefix=""`` gives "< 0.001")."""
    return f"{prefix}< 0.001" if p < 0.001 else f"{prefix}= {p:.3f}"


def confidence(alpha: float) -> str:
    """The confidence level of a significance level: 0.05 -> "95%", 0.002 -> "99.8%"."""
    return f"{100 * (1 - alpha):.10g}%"


def months(days: float, digits: int = 0) -> str:
    """Days as months of :data:`~analysis.methods.survival.DAYS_PER_MONTH` days: 365 -> "12 months"."""
    value = days / DAYS_PER_MONTH
    shown = f"{value:.{digits}f}"
    return f"{shown} month{'' if shown == '1' else 's'}"


def returns_text(synthetic: bool) -> str:
    """Where child-level figures come from, for a caption's source sentence."""
    return (
        "SYNTHETIC SSDA903 returns (no real children; a made-up history calibrated to the authority's published totals)"
        if synthetic
        else "the authority's SSDA903 returns"
    )


def source_phrase(synthetic: bool) -> str:
    """Where a child-level chart title's figures come from, to open the title: "In the SYNTHETIC returns"."""
    return "In the SYNTHETIC child-level returns" if synthetic else "In the council's SSDA903 returns"


def year_span(first: int, last: int) -> str:
    """A span of years for a sentence: (2017, 2019) -> "2017 to 2019", (2017, 2017) -> "2017"."""
    return str(first) if first == last else f"{first} to {last}"


def long_date(day) -> str:
    """A date in words, without a leading zero: 2011-04-01 -> "1 April 2011" (any date or timestamp)."""
    return f"{day.day} {day:%B %Y}"
