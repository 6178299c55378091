"""The business case chapter's words: findings, cautions and key figures, generated from the :class:`Results`."""

from __future__ import annotations

from analysis.chapters.business_case.compute import (
    CHILD_LEVEL,
    FIRST_YEARS,
    SUPPRESSED,
    Results,
    Scenario,
    children_counts,
    count,
)
from analysis.report import text


def payback_text(years: float | None, horizon: int) -> str:
    """A payback period in words: "within its first year", "after 2.3 years", "not within 5 years"."""
    if years is None:
        return f"not within {text.plural(horizon, 'year')}"
    if years < 1:
        return "within its first year"
    return f"after {years:.1f} years"


def _count_text(value) -> str:
    return "a suppressed number of" if value == SUPPRESSED else text.number(value)


# --------------------------------------------------------------------------- key figures and findings


def _payback_value(s: Scenario, horizon: int):
    return payback_text(None, horizon) if s.payback is None else round(s.payback, 1)


def _pounds_note(res: Results) -> str:
    return f"£ at {res.costs.price_year} prices"


def _child_note(res: Results) -> str:
    return f"projected from {CHILD_LEVEL}, {res.tag}"


def _scenario_figures(res: Results) -> list[dict]:
    """Net over the first years, payback and NPV of each scenario, and those of both together in words."""
    n, k = res.horizon, res.first_years
    pounds, child = _pounds_note(res), _child_note(res)
    over = f"the first {k} years" if k == FIRST_YEARS else f"the {k}-year horizon (shorter than {FIRST_YEARS} years)"
    out = []
    for key, prefix in (
        ("both", "scenario"),
        ("recruitment", "scenario_recruitment"),
        ("permanence", "scenario_permanence"),
    ):
        s = res.scenarios[key]
        what = s.label.lower()
        out += [
            {
                "name": f"{prefix}_net_saving_5_years",
                "value": round(s.net_first_years(k)),
                "unit": "pounds",
                "label": f"Scenario '{what}': cumulative net position (savings minus investment, undiscounted) over "
                f"{over} ({pounds}; {child})",
            },
            {
                "name": f"{prefix}_payback_years",
                "value": _payback_value(s, n),
                "unit": "years" if s.payback is not None else "text",
                "label": f"Scenario '{what}': years until cumulative net position turns positive, interpolated within "
                f"the year (horizon {n} years; {child})",
            },
            {
                "name": f"{prefix}_npv",
                "value": round(s.npv),
                "unit": "pounds",
                "label": f"Scenario '{what}': net present value over {n} years at a "
                f"{text.share(res.business_case.discount_rate, 1)} discount rate, first year undiscounted ({pounds}; "
                f"{child})",
            },
        ]
    both = res.scenarios["both"]
    out += [
        {
            "name": "scenario_net_saving_5_years_text",
            "value": text.money(both.net_first_years(k), signed=True),
            "unit": "text",
            "label": f"scenario_net_saving_5_years in words, rounded ({pounds})",
        },
        {
            "name": "scenario_npv_text",
            "value": text.money(both.npv, signed=True),
            "unit": "text",
            "label": f"scenario_npv in words, rounded ({pounds})",
        },
        {
            "name": "scenario_payback_text",
            "value": payback_text(both.payback, n),
            "unit": "text",
            "label": "scenario_payback_years in words",
        },
    ]
    return out


def _context_figures(res: Results) -> list[dict]:
    """The parameters quoted in the prose, and the children and households at the end of the horizon."""
    n, child = res.horizon, _child_note(res)
    counts = children_counts(res).loc[res.end_year]
    rec = res.scenarios["recruitment"]
    return [
        {
            "name": "scenario_price_year",
            "value": res.costs.price_year,
            "unit": "year",
            "label": "Price year of the business-case money (paper file)",
        },
        {
            "name": "scenario_horizon_years",
            "value": n,
            "unit": "years",
            "label": "Years the scenarios run for (paper file)",
        },
        {
            "name": "scenario_discount_rate_pct",
            "value": round(res.business_case.discount_rate * 100, 2),
            "unit": "percent",
            "label": "Real discount rate for net present value (paper file)",
        },
        {
            "name": "scenario_cla_baseline_end",
            "value": count(counts["baseline"]),
            "unit": "children",
            "label": f"Children looked after at 31 March {res.end_year} with no change, projected ({child})",
        },
        {
            "name": "scenario_cla_both_end",
            "value": count(counts["both"]),
            "unit": "children",
            "label": f"Children looked after at 31 March {res.end_year} with both changes together, projected ({child})",
        },
        {
            "name": "scenario_extra_households_end",
            "value": round(float(rec.households.iloc[-1]), 1),
            "unit": "count",
            "label": f"Extra in-house fostering households at work in {text.period(res.end_year)} (paper file's recruitment "
            "and retention)",
        },
        {
            "name": "scenario_recruitment_extra_children_end",
            "value": count(rec.extra_children.iloc[-1]),
            "unit": "children",
            "label": f"Children living with the extra in-house carers instead of IFA carers in {text.period(res.end_year)}, "
            f"recruitment alone ({child})",
        },
    ]


def _sensitivity_figures(res: Results) -> list[dict]:
    """The range of the NPV of both together in the sensitivity chart (none without a tornado)."""
    t, pounds = res.tornado, _pounds_note(res)
    if t is None:
        return []
    return [
        {
            "name": "scenario_npv_low",
            "value": round(float(min(t["npv_low"].min(), t["npv_high"].min()))),
            "unit": "pounds",
            "label": f"Lowest net present value of both together in the sensitivity chart ({pounds})",
        },
        {
            "name": "scenario_npv_high",
            "value": round(float(max(t["npv_low"].max(), t["npv_high"].max()))),
            "unit": "pounds",
            "label": f"Highest net present value of both together in the sensitivity chart ({pounds})",
        },
        {
            "name": "scenario_most_sensitive_input",
            "value": str(t["label"].iloc[0]),
            "unit": "text",
            "label": "The input whose range moves the net present value of both together most",
        },
    ]


def key_figures(res: Results) -> list[dict]:
    """The chapter's key figures, as records for :func:`analysis.report.keyfigures.glue_all`.

    Money is rounded to the pound; a payback that never comes is the text
    "not within N years"; counts of children are rounded to whole children and
    the text "suppressed" when 1 to 5.
    """
    source = {
        "name": "scenario_data_word",
        "value": f"SYNTHETIC {CHILD_LEVEL}" if res.synthetic else CHILD_LEVEL,
        "unit": "text",
        "label": "What the business case's numbers of children are projected from",
    }
    return [source, *_scenario_figures(res), *_context_figures(res), *_sensitivity_figures(res)]


def _scenario_sentence(s: Scenario, res: Results) -> str:
    k = res.first_years
    net = s.net_first_years(k)
    ahead = "ahead of" if net > 0 else "behind"
    pays = (
        f"pays back {payback_text(s.payback, res.horizon)}"
        if s.payback is not None
        else f"does not pay back within {res.horizon} years"
    )
    return (
        f"{pays}, is {text.money(abs(net))} {ahead} no change after {k} years (undiscounted) and has a net "
        f"present value of {text.money(s.npv, signed=True)} over {res.horizon} years"
    )


def _payback_finding(res: Results) -> str:
    """Which scenarios pay back, when, and which has the highest net present value."""
    live = [res.scenarios[k] for k in ("both", "recruitment", "permanence")]
    pays = sorted((s for s in live if s.payback is not None), key=lambda s: s.payback)
    best = max(live, key=lambda s: s.npv)
    if not pays:
        return f"None of the three scenarios pays back within {res.horizon} years at the paper file's parameters."
    which = (
        "All three scenarios pay back"
        if len(pays) == 3
        else f"Of the three scenarios, {text.series_text([s.label.lower() for s in pays])} "
        f"{'pays' if len(pays) == 1 else 'pay'} back"
    )
    texts = [payback_text(s.payback, res.horizon) for s in pays]
    if len(set(texts)) == 1 and len(pays) > 1:
        when = f"{'all' if len(pays) == 3 else 'both'} {texts[0].replace('its', 'their')}"
    else:
        when = "; ".join(f"{s.label.lower()} {t}" for s, t in zip(pays, texts))
    return (
        f"{which} within {res.horizon} years ({when}). {best.label} has the highest net present value, "
        f"{text.money(best.npv, signed=True)}."
    )


def _recruitment_finding(res: Results, mark: str) -> str:
    """What more in-house carers alone would do by the end of the horizon."""
    rec, costs = res.scenarios["recruitment"], res.costs
    e_end = count(rec.extra_children.iloc[-1])
    capped = bool((rec.extra_children < rec.wanted - 1e-9).any())
    return (
        f"More in-house foster carers alone: by {text.period(res.end_year)} about "
        f"{text.number(rec.households.iloc[-1])} extra households would be fostering, looking after "
        f"{_count_text(e_end)} children who would otherwise live with agency carers"
        f"{' (as many as the projected IFA placements allow)' if capped else ''}; at "
        f"{text.pounds(costs.ifa_fostering.weekly - costs.in_house_fostering.weekly)} a week less per child, it "
        f"{_scenario_sentence(rec, res)}{mark}."
    )


def _sensitivity_finding(res: Results) -> str | None:
    """How sure: the range of the NPV of both together in the sensitivity chart (None without a tornado)."""
    t = res.tornado
    if t is None:
        return None
    lo = float(min(t["npv_low"].min(), t["npv_high"].min()))
    hi = float(max(t["npv_low"].max(), t["npv_high"].max()))
    top = t.iloc[0]
    if lo > 0:
        sure = "the net present value of both together stays positive"
    elif hi <= 0:
        sure = "the net present value of both together stays negative"
    else:
        sure = "the case rests on its inputs: the net present value of both together turns negative for some"
    return (
        f"How sure: {sure} when each input is moved over its range one at a time "
        f"({text.money(lo, signed=True)} to {text.money(hi, signed=True)}). "
        f"The {top['label'].lower()} matters most (from {text.money(top['npv_low'], signed=True)} to "
        f"{text.money(top['npv_high'], signed=True)})."
    )


def findings(res: Results) -> list[str]:
    """The chapter's findings in plain English, generated from the numbers."""
    bc = res.business_case
    both, perm = res.scenarios["both"], res.scenarios["permanence"]
    mark = f" ({CHILD_LEVEL}, {res.tag})"
    out = [
        _payback_finding(res),
        f"Both together (recruiting {bc.extra_households_per_year:,.4g} extra in-house fostering households a "
        f"year and cutting the time children take to reach permanence by {text.share(bc.permanence_time_cut)}) "
        f"{_scenario_sentence(both, res)}{mark}.",
        _recruitment_finding(res, mark),
    ]
    ends = children_counts(res).loc[res.end_year]
    cla_b, cla_f = count(ends["baseline"]), count(ends["permanence"])
    if SUPPRESSED in (cla_b, cla_f):
        fewer = "a change in the number of children looked after that is too small to show"
    else:
        fewer = f"{text.number(cla_f)} children looked after at 31 March {res.end_year} instead of {text.number(cla_b)}"
    out.append(f"Faster permanence alone: {fewer}; it {_scenario_sentence(perm, res)}{mark}.")
    sure = _sensitivity_finding(res)
    if sure is not None:
        out.append(sure)
    source = (
        "SYNTHETIC child-level data, so these figures show the method, not the council's real position"
        if res.synthetic
        else "the council's own child-level data"
    )
    out.append(
        f"All money is in pounds at {res.costs.price_year} prices from national average unit costs; the "
        f"projection is from {source}."
    )
    return out


def findings_markdown(res: Results) -> str:
    """:func:`findings` as a Markdown bullet list."""
    return "\n".join(f"- {s}" for s in findings(res))


def cautions(res: Results) -> list[str]:
    """What the scenarios cannot tell you, with this run's numbers."""
    c = res.costs
    gap = c.ifa_fostering.weekly - c.in_house_fostering.weekly
    out = [
        f"**Unit costs are averages.** The saving per child moved ({text.pounds(gap)} a week) is the difference between "
        "two national average fees. A child with more complex needs costs more with any provider, and the children "
        "an agency places may not be the children the council's new carers could take.",
        "**Like for like, the gap narrows.** The Fostering Stocktake (Narey and Owers, 2018) found that on a "
        "like-for-like basis the cost difference between council and agency fostering narrows considerably: agency "
        "fees include supervision, training and support that the council pays for its own carers from other budgets. "
        "Set `business_case.support_cost_per_household` and the council's own unit costs to reflect this; the "
        "sensitivity chart shows what a smaller gap does.",
        f"**Whether the council can recruit that many.** The scenarios assume "
        f"{res.business_case.extra_households_per_year:,.4g} extra households are approved every year on top of "
        "what happens anyway, and that they are kept as the paper file says. Nothing in the data shows whether the "
        "local market of would-be carers can supply them; the recruitment chapter and the council's own recruitment "
        "record are the evidence for that.",
        "**When savings start.** Each year's investment is paid at its start and its saving builds up through the "
        "year. A household approved in a year takes its first child the year after, and the permanence work "
        f"reaches its full effect after {res.business_case.permanence_ramp_years} year(s), building up evenly; if "
        "either takes longer, savings start later and payback comes later than shown.",
        "**Faster permanence is a modelling assumption.** The model shortens every child's time to permanence by "
        "the same share; it does not say which work would achieve that, or whether the courts and adopters would "
        "keep pace.",
        "**Placement costs only.** Social work time, legal costs, adoption and special guardianship support after a "
        "child leaves care are not counted, so faster permanence's saving is overstated by whatever those cost.",
    ]
    if res.synthetic:
        out.append(
            "**SYNTHETIC data.** The projection is fitted to a made-up child-level history calibrated to "
            "the authority's published figures. The numbers show how the business case would be worked out "
            "from the council's own SSDA903 returns, not what it would conclude."
        )
    return out


def cautions_markdown(res: Results) -> str:
    """:func:`cautions` as a Markdown bullet list."""
    return "\n".join(f"- {s}" for s in cautions(res))
