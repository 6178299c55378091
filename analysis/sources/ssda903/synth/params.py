"""The synthetic authority's behavioural parameters, each with its source or marked as an assumption.

What :mod:`.targets` reads from ``data/published`` is *calibrated to*; what is
here is *assumed* (or taken from a cited national study) and drives how
children move: how long they stay, how they leave, whether they come back,
and the paths real returns take. Rates are per year unless said otherwise.
:data:`SOURCES` says where each block comes from; it is written into every
synthetic folder's ``calibration.json`` beside the calibrated figures.
"""

from __future__ import annotations

#: Legal routes into care (fixed at entry): care proceedings, section 20 accommodation, remand, UASC.
ROUTES = ("court", "s20", "remand", "uasc")

#: Share of non-UASC starters by route and age band at entry (assumption, England-like).
ROUTE_SHARES = {
    #            court  s20  remand
    "under_1": (0.85, 0.15, 0.0),
    "1_4": (0.70, 0.30, 0.0),
    "5_9": (0.62, 0.38, 0.0),
    "10_15": (0.45, 0.50, 0.05),
    "16_over": (0.18, 0.74, 0.08),
}

#: Re-entry hazard after leaving care, by how the child left, per year, on years since the exit
#: over the bands ``REENTRY_BANDS`` (0-3 months, 3-12 months, 1-3 years, 3 years and more).
REENTRY_BANDS = (0.25, 1.0, 3.0)
REENTRY_HAZARD = {
    # Goldacre et al. (2022), Br J Soc Work 52(8): 4756-77, children returned home 2014-20: one in five
    # back in care within a year, over a third within six years (these rates give 20% and 34%).
    "return home": (0.40, 0.17, 0.045, 0.03),
    # Assumption: half the rate after a return home.
    "child arrangements order": (0.20, 0.08, 0.025, 0.015),
    # Mc Grath-Lone et al. (ISPCAN 2016), children leaving care in 2007: 5.9% of special guardianship
    # exits re-entered within five years (0.012 a year).
    "special guardianship": (0.012, 0.012, 0.012, 0.012),
    # Assumption: "other" exits before 18 that can come back (living with relatives without parental
    # responsibility E13, any other reason E8), like a child arrangements order.
    "other": (0.20, 0.08, 0.025, 0.015),
}
#: REC codes after which a child may come back into care (moves abroad, custody, death, adult care,
#: another authority taking over and every exit at 18 cannot). Nor can adoption (E11/E12) under the same
#: CHILD: an adopted child takes a new identity, so one whose adoption breaks down (Selwyn et al. 2014,
#: Beyond the Adoption Order: 3.2% within 12 years) comes back as a new child, as in real returns.
REENTRY_RECS = frozenset({"E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E8"})
#: No re-entry at or after this age (years): the child would be 18 before a new period meant anything.
REENTRY_MAX_AGE = 17.5

#: UASC starters: share aged 15-17 (the rest 12-14); assumption from DfE's UASC age profile (most are 16-17).
UASC_OLDER_SHARE = 0.85
#: UASC starters per year as a share of UASC looked after at 31 March (they stay about 1.6 years).
UASC_START_PER_STOCK = 0.62

#: Cause-specific exit hazards (per year) on years in care: the knots and the rates before each knot
#: (and after the last). Multiplied by route and age factors in :mod:`.flows`; every year's overall level
#: and each cause's level are then calibrated to the published leavers. Shapes are assumptions following
#: DfE's published durations (most returns home in the first months; adoption and special guardianship
#: after one to three years).
EXIT_KNOTS = {
    "return home": ((0.1, 0.5, 1.5), (2.5, 1.0, 0.35, 0.12)),
    "adoption": ((0.6, 3.5), (0.0, 0.55, 0.08)),
    "special guardianship": ((0.4, 3.0), (0.0, 0.22, 0.07)),
    "child arrangements order": ((0.2, 2.0), (0.0, 0.07, 0.02)),
    "independent living": ((), (1.0,)),  # age gives the shape
    "other": ((), (1.0,)),  # route and age give the shape
}

#: Children on short breaks (LS V3/V4; DfE's counts leave them out), per 100 children looked after at
#: 31 March (assumption).
SHORT_BREAK_PER_100 = 2.0
#: Of short-break children, the share recorded as one agreement a year (V4) rather than each break (V3).
SHORT_BREAK_V4_SHARE = 0.3

#: Per placement spell in foster care lasting 60 days or more: chance of one temporary placement (T0-T4)
#: inside it, after which the child returns to the same carers (assumption).
TEMPORARY_PLACEMENT = 0.07
#: Temporary placement codes and weights, and their lengths in days (T4 is seven days or less).
TEMPORARY_CODES = (("T4", 45, 1, 7), ("T3", 25, 3, 14), ("T1", 15, 1, 10), ("T2", 10, 3, 14), ("T0", 5, 1, 7))
#: Per short-term foster placement (U6/U3) lasting over a year: chance it becomes long-term with the same
#: carers (U4/U1, RNE T) 9-15 months in (assumption).
BECOMES_LONG_TERM = 0.4

#: Adoption paths (assumptions, England-like).
ADOPTION = {
    "foster_carer": 0.15,  # adopted by their foster carers (A3/A5 with RNE T/U; AD1 FOSTER_CARE 1)
    "consent": 0.08,  # placed by parental consent, no placement order (A4, or A3 with the foster carers)
    "match_before_order": 0.08,  # matched before the placement order (scorecard A2 counts 0 days)
    "breakdown": 0.05,  # an earlier adoptive placement broke down before the one that led to adoption
    "missing_ad1": 0.03,  # the AD1 row is missing in the year of adoption
    # the Placed for Adoption row missing from the returns, as in a few real ones: DfE's rules 551 and 553
    # flag each such child, which the DfE summary judges a deliberate defect of the synthetic authority
    "missing_placed": 0.03,
}

#: Previous permanence (the Previous Permanence table, collected from 2016-17 for every child starting to be
#: looked after). A child who comes back into care here after a special guardianship order (P2) or a child
#: arrangements order (P3) made when they left carries it: this authority's code and the day the order was
#: made. New children who had a permanence option before are drawn, per non-UASC new child aged 2 or more
#: at entry, at these rates (assumption; DfE publishes the national numbers, self-declared, with its
#: looked-after children statistics): previously adopted (P1; an adopted child whose adoption breaks down
#: comes back as a new child), under a special guardianship or child arrangements order made elsewhere or
#: earlier (P2, P3), and permanence of an unknown kind (P4). Every other starter is Z1.
PREVIOUS_PERMANENCE = {"P1": 0.012, "P2": 0.006, "P3": 0.004, "P4": 0.003}
#: Where a new child's previous permanence was arranged (LA_PERM): this authority, another English
#: authority, outside the UK (NUK), not known (999); weights (assumption).
PREVIOUS_PERMANENCE_WHERE = (("own", 45), ("other", 40), ("NUK", 5), ("999", 10))
#: Of new children's previous permanence dates, the shares known only to the month (ZZ/mm/YYYY) and only
#: to the year (ZZ/ZZ/YYYY), as DfE allows (assumption).
PREVIOUS_PERMANENCE_PARTIAL_DATE = (0.10, 0.10)

#: Home postcodes: share of children whose HOME_POST is blank, and cut to the outward code (not a postcode),
#: as in a few real returns (assumption), so "distance not known" occurs beyond UASC (who have no home
#: postcode, as they should). DfE's rules 392a-c flag each such child's episodes, and the report's own
#: validation warns (home-postcode-missing, home-postcode-invalid); the DfE summary judges those findings
#: deliberate defects of the synthetic authority. Placement postcodes are always given (DfE's rule 169
#: needs them outside short breaks).
POSTCODE_FLAWS = {"home_blank": 0.01, "home_invalid": 0.005}

#: Late episodes, as real returns are resubmitted (assumption): each year's return misses a few children who
#: started in its last ``start_days`` days (their first episode still open at 31 March), whom the next
#: year's return adds (chance ``start`` each), and gives the provider of a few placements begun in the year
#: and open at 31 March wrongly (PR4 for PR5 or the other way; chance ``provider`` each), which the next
#: year's return corrects. The loader's stack keeps the latest return's row of an episode and takes a
#: child's history from every return, so the stacked history has both right (and matches the published
#: counts); the earlier year's return on its own is a child or two short. Not in the last year's return.
LATE_EPISODES = {"start_days": 56, "start": 0.06, "provider": 0.02}

#: The difference between in-house and agency carers' reach, a stated parameter: the chance a
#: placement is inside the authority / within about 45 miles / further, by internal category.
#: In-house carers live in the authority (so most placements are within 20 miles); agency (IFA)
#: carers are spread across the region.
PLACE_REACH = {
    "inhouse": (0.90, 0.09, 0.01),
    "otherla": (0.10, 0.55, 0.35),
    "ifa": (0.45, 0.35, 0.20),
    "kinship": (0.65, 0.20, 0.15),
    "residential": (0.25, 0.30, 0.45),
    "independent": (0.70, 0.20, 0.10),
    "parents": (0.85, 0.10, 0.05),
    "adoption": (0.40, 0.40, 0.20),
}

#: Transition model: chance the next placement stays in the same category as the last (before the
#: year's calibrated weights), by age band (assumption: most moves are within fostering).
STAY_IN_CATEGORY = {"under_1": 0.55, "1_4": 0.55, "5_9": 0.55, "10_15": 0.45, "16_over": 0.35}

#: Where each block comes from (written to calibration.json).
SOURCES = {
    "REENTRY_HAZARD": (
        "return home: Goldacre et al. (2022) Br J Soc Work 52(8):4756-77; special guardianship: Mc Grath-Lone "
        "et al. (ISPCAN 2016); others: assumption; adopted children come back under a new CHILD (REENTRY_RECS)"
    ),
    "ROUTE_SHARES": "assumption",
    "EXIT_KNOTS": "assumption (shapes); levels calibrated each year to the published leavers and reasons",
    "UASC": "assumption: most UASC arrive at 16-17 and leave at 18",
    "SHORT_BREAK_PER_100": "assumption",
    "TEMPORARY_PLACEMENT": "assumption",
    "BECOMES_LONG_TERM": "assumption",
    "ADOPTION": "assumption",
    "POSTCODE_FLAWS": "assumption",
    "LATE_EPISODES": "assumption",
    "PREVIOUS_PERMANENCE": "re-entries after an order: the order as made here; new children: assumption",
    "PLACE_REACH": "stated parameter (assumption): in-house carers near home, agency carers further",
    "STAY_IN_CATEGORY": "assumption",
}


def as_dict() -> dict:
    """Every parameter of this module, JSON-ready (for calibration.json)."""
    names = [n for n in globals() if n.isupper() and not n.startswith("_")]
    return {n: _jsonable(globals()[n]) for n in sorted(names)}


def _jsonable(value):
    """Tuples and frozensets as lists, recursively."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(value)
    return value
