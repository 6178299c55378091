"""A synthetic local authority: SSDA903 returns calibrated to published figures.

Real child-level data is never committed. The report's default child-level
data is this synthetic history: every child, episode, date and postcode is
made up, but the authority's totals match its published figures
(``data/published``): children looked after at 31 March, children starting and
ceasing each year, the reasons they leave care, their ages and the placement
and provider mix.

How it is made (``python -m analysis synth --la CODE --years FIRST-LAST --seed N``):

1. **Periods of care.** The stock on 1 April before the first year is
   back-calculated from the first year's published figures. Each year the
   published number of children start care, with ages drawn from the published
   ages of starters. Children reaching 18 leave on their birthday. Other
   leavers are chosen so the stock at 31 March equals the published figure,
   by reason in the published proportions (adoption, special guardianship,
   child arrangements order, return home, independent living, other), each
   reason from the children it is plausible for (adoption: young children in
   care 9 months or more; independent living: 16 and over; ...).
2. **Episodes.** Each period is split into placement spells (moves at an
   age-dependent rate) and legal-status spells (interim care order to full
   care order; placement order before an adoption placement; section 20;
   remand), giving episodes with RNE S, P, T, L and B.
3. **Placements** are drawn by age from an in-house / agency / kinship /
   residential / independent-living / parents mix whose weights are calibrated
   (a few rounds of proportional fitting) so the mix at 31 March matches the
   published placement-type and provider shares.
4. **Adoption** children get a placement order, a match and an adoptive
   placement (AD1 and PlacedAdoption agree with the episodes); some decisions
   are reversed.
5. **Returns** are written one folder per collection year, as the authority
   would have submitted them that year: an episode still open at 31 March has
   no end date in that year's return.

Everything is deterministic for a seed. The package: :mod:`.targets` (what is
calibrated to), :mod:`.care` (periods, placements, episodes), :mod:`.returns`
(the yearly tables, writing them, the CLI).
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
