"""A synthetic local authority: SSDA903 returns calibrated to published figures.

Real child-level data is never committed. The report's default child-level
data is this synthetic history: every child, episode, date and postcode is
made up, but the authority's totals match its published figures
(``data/published``): children looked after at 31 March, children starting and
ceasing each year, the reasons they leave care, their ages and the placement
and provider mix.

How it is made (``python -m analysis synth --la CODE --years FIRST-LAST --seed N``):

1. **Periods of care** (:mod:`.flows`). The stock on 1 April before the
   first year is back-calculated from the first year's published figures.
   Each year children who went home or to relatives may come back into care
   (rates from cited national studies, :mod:`.params`); new children make up
   the published starters (unaccompanied asylum-seeking children mostly aged
   15-17, the rest at the published ages of starters). Children reaching 18
   leave on their birthday through the care-leaver codes; every other exit is
   drawn from hazards by time in care, age and route, each year's level set so
   the stock at 31 March equals the published figure, each reason's so the
   reasons match the published proportions and each age band's so the ages at
   31 March come near that year's published ages. A few children start twice in a
   year so the published leavers add up as well.
2. **Episodes.** Each period is split into placement spells (moves at an
   age-dependent rate) and legal-status spells (interim care order to full
   care order; placement order before an adoption placement; section 20;
   remand), giving episodes with RNE S, P, T, L and B.
3. **Placements** follow a transition model (the next placement keeps the
   last one's category with an age-dependent chance, else is drawn by age)
   from an in-house / agency / kinship /
   residential / independent-living / parents mix whose weights are calibrated
   (a few rounds of proportional fitting) so the mix at 31 March matches the
   published placement-type and provider shares.
4. **Paths real returns take** (:mod:`.params` gives each frequency):
   temporary placements (T0-T4), foster placements becoming long-term with the
   same carers (RNE T), adoption by the foster carers (A3/A5), by consent (A4),
   matches before the placement order, adoptive placements that break down, a
   few adoptions without their AD1 row, decisions later reversed; and children
   on short breaks (V3/V4, :mod:`.paths`), whom the counts leave out.
5. **Returns** are written one folder per collection year, as the authority
   would have submitted them that year: an episode still open at 31 March has
   no end date in that year's return. From 2016-17 each has the Previous
   Permanence table: a row for every child starting to be looked after, the
   order a child comes back after (special guardianship P2, child arrangements
   P3) or a new child's earlier adoption or order (:mod:`.paths`), else Z1.
   ``calibration.json`` (:mod:`.calibration`) sets every calibrated figure,
   measured as the report measures real returns, beside the published one,
   each year.
6. **Deliberate defects**, as real returns have them (:mod:`.paths`,
   :data:`.params.POSTCODE_FLAWS`, :data:`.params.LATE_EPISODES`,
   ``ADOPTION["missing_placed"]``): a few home postcodes blank or cut short,
   a few Placed for Adoption rows left out, late episodes (a child a year's
   return misses and the next adds; a provider the next corrects). Each is
   listed in ``calibration.json`` (``deliberate_defects``), against which the
   summary of DfE's rules (:mod:`analysis.sources.ssda903.dfe_rules`) judges
   the findings they cause.

Everything is deterministic for a seed. The package: :mod:`.targets` (what is
calibrated to), :mod:`.params` (what is assumed, with sources), :mod:`.flows`
(periods of care), :mod:`.care` (placements, legal statuses, episodes),
:mod:`.paths` (short breaks, previous permanence, postcodes, late episodes),
:mod:`.returns` (the yearly tables, writing them, the CLI), :mod:`.calibration`
(calibration.json).
"""

from analysis.sources.ssda903.synth.care import hash_int
from analysis.sources.ssda903.synth.returns import FILE_FOR, SynthResult, generate, parse_years, run_cli, write
from analysis.sources.ssda903.synth.targets import (
    AGE_BANDS,
    CATS,
    DEFAULT_OUT,
    GENERATOR_VERSION,
    REASON_GROUPS,
    Targets,
    targets,
)

__all__ = [
    "AGE_BANDS",
    "CATS",
    "DEFAULT_OUT",
    "FILE_FOR",
    "GENERATOR_VERSION",
    "REASON_GROUPS",
    "SynthResult",
    "Targets",
    "generate",
    "hash_int",
    "parse_years",
    "run_cli",
    "targets",
    "write",
]
