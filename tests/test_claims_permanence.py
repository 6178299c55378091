"""Claim 2.2 ("permanence_slow") on the right evidence: the decision rule from plain numbers, the test by
hand, each verdict from constructed returns, and the default (SYNTHETIC) paper.

Returns in these tests cover 2012 to 2017 (1 April 2011 to 31 March 2017); the paper's year is 2017.
"""

from __future__ import annotations

import math
import types

import pandas as pd
import pytest
from conftest import episodes_frame

from analysis.chapters.claims import permanence as CP
from analysis.chapters.claims.verdicts import CANNOT_TELL, CONTRADICTED, IN_LINE, SUPPORTED
from analysis.chapters.permanence import timeliness as T
from analysis.sources.ssda903 import episodes as E

pytestmark = pytest.mark.unit

YEARS = (2012, 2013, 2014, 2015, 2016, 2017)


# --------------------------------------------------------------------------- the decision rule, plain numbers


def test_each_verdict_from_plain_numbers():
    assert CP.permanence_verdict(30, True, 300.0, 0.01, 0.99) == SUPPORTED
    assert CP.permanence_verdict(30, True, 300.0, 0.99, 0.01) == CONTRADICTED
    assert CP.permanence_verdict(30, True, 300.0, 0.20, 0.80) == IN_LINE
    assert CP.permanence_verdict(30, False, 300.0, 0.01, 0.99) == CANNOT_TELL  # window incomplete
    assert CP.permanence_verdict(4, True, 300.0, 0.01, 0.99) == CANNOT_TELL  # 1 to 5 children: suppressed
    assert CP.permanence_verdict(0, True, 300.0, 0.01, 0.99) == CANNOT_TELL
    assert CP.permanence_verdict(30, True, math.nan, 0.01, 0.99) == CANNOT_TELL  # England not published
    # the level is the caller's: p = 0.03 is significant at 5%, not at 1%
    assert CP.permanence_verdict(30, True, 300.0, 0.03, 0.97, alpha=0.05) == SUPPORTED
    assert CP.permanence_verdict(30, True, 300.0, 0.03, 0.97, alpha=0.01) == IN_LINE


def test_one_sided_t_by_hand():
    # n 9, mean 110, sd 15: standard error 5. Against 100, t = 2 on 8 degrees of freedom; the upper tail of
    # t(8) beyond 2 is 0.0403 (between the tables' 0.05 at 1.860 and 0.025 at 2.306).
    p_slow, p_fast = T.one_sided_p(9, 110.0, 15.0, 100.0, 100.0)
    assert p_slow == pytest.approx(0.040258, abs=1e-6) and p_fast == pytest.approx(1 - 0.040258, abs=1e-6)
    # "faster" is tested against the bottom of a range: mean 110 against 120 is t = -2, the same tail
    _, p_fast2 = T.one_sided_p(9, 110.0, 15.0, 130.0, 120.0)
    assert p_fast2 == pytest.approx(0.040258, abs=1e-6)
    assert T.one_sided_p(6, 100.0, 0.0, 90.0, 90.0) == (0.0, 1.0)  # no spread: the mean is exact


# --------------------------------------------------------------------------- constructed returns


def _returns(waits, *, before=0):
    """Real (not SYNTHETIC) returns: one child per wait, entering care on 1 April 2015 (RNE S), moving in with
    adopters (A6) ``wait`` days later and adopted 100 days after that; plus ``before`` children in care since
    1 May 2010, before the returns, adopted in 2016 (entry not observed)."""
    rows = []
    start = pd.Timestamp("2015-04-01")
    for i, w in enumerate(waits):
        placed, adopted = start + pd.Timedelta(days=w), start + pd.Timedelta(days=w + 100)
        rows.append((f"c{i}", start, "S", "C1", "N1", "U4", "PR1", placed, "X1", "", "", "", ""))
        rows.append((f"c{i}", placed, "P", "E1", "N1", "A6", "PR1", adopted, "E11", "", "", "", ""))
    for i in range(before):
        rows.append((f"old{i}", "2010-05-01", "S", "C1", "N1", "U4", "PR1", "2015-06-01", "X1", "", "", "", ""))
        rows.append((f"old{i}", "2015-06-01", "P", "E1", "N1", "A6", "PR1", "2016-01-01", "E11", "", "", "", ""))
    prepared = E.prepare(episodes_frame(rows), None)
    return types.SimpleNamespace(
        prepared=prepared, years=YEARS, synthetic=False, stacked=types.SimpleNamespace(tables={})
    )


def _ctx(england_months: dict[int, float]):
    """A context with England's published care-to-placement months for the given years."""
    table = pd.DataFrame(
        {
            "geographic_level": "National",
            "measure": T.ENGLAND_A1,
            "year": list(england_months),
            "value": list(england_months.values()),
        }
    )
    return types.SimpleNamespace(year=2017, table=table, la=types.SimpleNamespace(la_name="Testshire"))


# 30 children waiting 280, 290, 300, 310, 320 days (six of each): mean 300, sd 14.4, standard error 2.6.
WAITS = [280, 290, 300, 310, 320] * 6


def test_slower_than_england_is_supported():
    # England 8 months = 243.5 days; "slower" is tested against 8.5 months = 258.7 days: t = 15.7
    c = CP.check_permanence(_ctx({2017: 8.0}), _returns(WAITS))
    assert c.verdict == SUPPORTED and c.slug == "permanence_slow"
    assert "one-sided" in c.test.lower() and "95%" in c.test
    assert "300 days" in c.reason and "significantly longer than England's 244 days" in c.reason


def test_faster_than_england_is_contradicted():
    # England 12 months = 365.3 days; "faster" is tested against 11.5 months = 350.1 days
    c = CP.check_permanence(_ctx({2015: 12.0, 2016: 12.0, 2017: 12.0}), _returns(WAITS))
    assert c.verdict == CONTRADICTED and "significantly shorter than England's 365 days" in c.reason
    assert "2014-15, 2015-16 and 2016-17" in c.comparators  # the window's three years averaged


def test_close_to_england_is_in_line():
    # England 10 months = 304.4 days, known only to 289.2-319.6 days: 300 is significant against neither end
    c = CP.check_permanence(_ctx({2017: 10.0}), _returns(WAITS))
    assert c.verdict == IN_LINE and "not significantly different from England's 304 days" in c.reason


def test_no_england_figure_for_the_year_or_an_incomplete_window_cannot_tell():
    c = CP.check_permanence(_ctx({2018: 10.0}), _returns(WAITS))  # only a later year published
    assert c.verdict == CANNOT_TELL and "not published" in c.reason and "2016-17" in c.reason
    # 30 observed of 32 children adopted (two in care since 2010): 93.75%, below 95%
    c2 = CP.check_permanence(_ctx({2017: 8.0}), _returns(WAITS, before=2))
    assert c2.verdict == CANNOT_TELL and "incomplete: entry to care not observed" in c2.reason
    c3 = CP.check_permanence(_ctx({2017: 8.0}), _returns(WAITS[:5]))  # five children: suppressed
    assert c3.verdict == CANNOT_TELL and "Fewer than 6" in c3.reason


def test_no_returns_cannot_tell():
    c = CP.check_permanence(_ctx({2017: 8.0}), None)
    assert c.verdict == CANNOT_TELL and "SSDA903 returns" in c.reason and "context, not a test" in c.reason


# --------------------------------------------------------------------------- the default paper (SYNTHETIC)


def test_default_paper_synthetic_cannot_tell():
    from analysis.paper import DEFAULT_PAPER
    from analysis.report import context
    from analysis.sources.ssda903 import context as child_context

    ctx = context.load(DEFAULT_PAPER)
    c = CP.check_permanence(ctx, child_context.load(ctx.paper))
    assert c.verdict == "cannot tell from this data"
    assert "SYNTHETIC" in c.reason and "SYNTHETIC" in c.value
    assert "one-sided" in c.test.lower() and "95%" in c.test
