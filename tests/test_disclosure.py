"""Disclosure control: small counts suppressed, and nothing can be back-solved."""

import numpy as np
import pandas as pd
import pytest

from analysis.report.disclosure import MARKER, suppress, unsuppressed_small_counts


def _grid():
    # placement categories x years, with a total row (children looked after at 31 March)
    return pd.DataFrame(
        {
            2016: [300, 40, 3, 60, 403],
            2017: [310, 45, 12, 0, 367],
            2018: [320, 2, 4, 70, 396],
        },
        index=["fostering", "residential", "parents", "other", "total"],
    )


def _back_solvable(sup, counts, total_row):
    """True if any hidden cell equals its column total minus the visible cells (single unknown)."""
    for col in counts.columns:
        hidden = [r for r in counts.index if r != total_row and sup.mask.loc[r, col]]
        if sup.mask.loc[total_row, col]:
            hidden.append(total_row)
        if len(hidden) == 1:
            return True
    return False


def test_primary_suppression_of_1_to_5_only():
    sup = suppress(pd.DataFrame({"n": [0, 1, 5, 6, 100]}))
    assert sup.primary["n"].tolist() == [False, True, True, False, False]
    assert sup.table()["n"].tolist() == ["0", MARKER, MARKER, "6", "100"]


def test_secondary_suppression_hides_the_next_smallest_in_the_column():
    counts = _grid()
    sup = suppress(counts, total_row="total")
    # 2016: parents (3) primary, so the next smallest non-zero, residential (40), is hidden too
    assert sup.mask[2016].tolist() == [False, True, True, False, False]
    # 2017: nothing small, nothing hidden (zero is not small)
    assert not sup.mask[2017].any()
    # 2018: residential (2) and parents (4) both primary: two unknowns, no secondary needed
    assert sup.mask[2018].tolist() == [False, True, True, False, False]
    assert not _back_solvable(sup, counts, "total")


def test_secondary_suppression_on_rows_and_columns_until_stable():
    counts = pd.DataFrame(
        [[3, 50, 40, 93], [20, 30, 60, 110], [25, 70, 9, 104], [48, 150, 109, 307]],
        index=["a", "b", "c", "total"],
        columns=["x", "y", "z", "total"],
    )
    sup = suppress(counts, total_row="total", total_col="total")
    m = sup.mask
    for label in counts.index:  # every row has 0 or at least 2 hidden cells
        assert m.loc[label].sum() != 1, label
    for label in counts.columns:
        assert m[label].sum() != 1, label
    assert m.loc["a", "x"] and not m.loc["total", "total"]


def test_small_total_is_suppressed():
    counts = pd.DataFrame({"2017": [2, 1, 3]}, index=["a", "b", "total"])
    sup = suppress(counts, total_row="total")
    assert sup.mask["2017"].all()


def test_shares_are_suppressed_with_their_counts():
    counts = _grid()
    sup = suppress(counts, total_row="total")
    pct = sup.share("total")
    assert np.isnan(pct.loc["parents", 2016]) and np.isnan(pct.loc["residential", 2016])
    assert pct.loc["fostering", 2016] == pytest.approx(300 / 403 * 100)
    assert pct.loc["total", 2017] == pytest.approx(100.0)


def test_share_without_total_hides_a_column_with_any_suppression():
    sup = suppress(pd.DataFrame({"a": [3, 40], "b": [10, 40]}))
    pct = sup.share()
    assert pct["a"].isna().all() and pct["b"].tolist() == pytest.approx([20.0, 80.0])


def test_rejects_negative_or_fractional_counts():
    with pytest.raises(ValueError):
        suppress(pd.DataFrame({"n": [-1]}))
    with pytest.raises(ValueError):
        suppress(pd.DataFrame({"n": [2.5]}))


def test_scan_finds_unsuppressed_small_counts():
    table = pd.DataFrame({"children": [10, 3, "c", 0]})
    assert unsuppressed_small_counts(table, ["children"]) == ["row 1, column 'children': 3"]


def test_a_table_shows_an_earlier_release_of_its_cells_exactly():
    # the release hides b (3) and, so that b cannot be worked out from the total, c (8)
    rows = ["a", "b", "c", "all"]
    release = suppress(pd.DataFrame({"n": [20, 3, 8, 31]}, index=rows), sums=[("rows", rows)])
    assert release.mask["n"].tolist() == [False, True, True, False]
    # a later table of the same children with no total of its own would hide only b, showing 8 that the
    # release hides; given the release it hides exactly what the release hides, and shows its values
    later = pd.DataFrame({"actual": [20, 3, 8, 30]}, index=rows)
    assert suppress(later).mask["actual"].tolist() == [False, True, False, False]
    out = suppress(later, released=release, cells={(r, "actual"): (r, "n") for r in rows})
    assert out.mask["actual"].tolist() == [False, True, True, False]
    assert out.values.loc["all", "actual"] == 31  # the release's value, not this table's own 30
