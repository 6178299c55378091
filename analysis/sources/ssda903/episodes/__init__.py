"""The episode model: episodes of care -> periods, placements, legal statuses and DfE-style counts.

An SSDA903 *episode* is a building block: a new one starts whenever a child's
legal status or placement changes. A *period of care* is a spell of continuous
looked-after time made of one or more episodes. This module turns the loader's
episodes table into both, and counts children the way DfE's published tables
do, so the local figures can be set beside the national ones.

Everything is vectorised (numpy over the episodes sorted by child and start
date): there is no Python loop over children or episodes, and a million
episodes prepare in a few seconds.

Input contract
--------------
``episodes``: one row per (CHILD, DECOM) after multi-year de-duplication, with
CHILD, DECOM, DEC (NaT when open), RNE, LS, CIN, PLACE, PLACE_PROVIDER, REC,
REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN and YEAR (``_file`` and ``_row``
are ignored). ``header``: CHILD, SEX, DOB, ... and YEAR. CHILD and DECOM are
required; any other missing column is treated as blank.

What the model assumes about the data (and what it does when they are odd)
-------------------------------------------------------------------------
* Codes are compared after stripping spaces and upper-casing; blanks, whether
  ``""`` or NA, become ``""`` in every output.
* Dates are taken to the day (any time of day is dropped).
* Episodes with no CHILD or no DECOM cannot be placed in time and are dropped;
  so are short-break episodes (LS V3/V4), which DfE leaves out of every
  figure. The numbers dropped are in ``prepared.attrs["dropped"]``.
* Duplicate (CHILD, DECOM) rows are kept and ordered by DEC (open last), then
  input order. Overlapping episodes are not repaired: an episode that does not
  start on the previous one's DEC simply starts a new period, so a child can
  have two periods open at once. Counts of children count such a child once;
  where one row per child is needed the episode that started last wins.
* An episode whose DEC is before its DECOM is kept as recorded; it is never
  open on any date. A date that cannot be held (outside 1677-2262) is NaT:
  such a DECOM drops the episode, such a DEC leaves it open.
* A header row is matched on CHILD (both stripped, compared as text); with
  several rows per child (one per year), the latest YEAR's is used. Children
  missing from the header have no DOB or SEX, hence no age (NA;
  ``age_unknown`` in the age bands).
* The returns only show what they cover. A period that began before the
  earliest return appears to begin at its first episode in the data (its
  ``first_rne`` in :func:`periods` is then usually not S), so its start,
  length and age at start are understated; and counts for collection years
  before the earliest return are incomplete. Compare only years the returns
  cover, and use ``first_rne == "S"`` to pick periods whose start was seen.
"""

from analysis.sources.ssda903.episodes.counts import (
    count_at_31_march,
    counts_by_year,
    legal_status_spells,
    long_term_stability,
    looked_after_on,
    placement_spells,
    placements_in_year,
)
from analysis.sources.ssda903.episodes.model import (
    AGE_BAND_COLUMNS,
    AGE_BANDS,
    AGE_UNKNOWN,
    CEASED_COLUMNS,
    IN_CARE,
    LEGAL_STATUS_SPELL_COLUMNS,
    NEW_CARER_RNE,
    NEW_LEGAL_STATUS_RNE,
    NEW_PLACEMENT_RNE,
    ON_DATE_COLUMNS,
    PERIOD_COLUMNS,
    PLACEMENT_COLUMNS,
    PLACEMENT_SPELL_COLUMNS,
    PREPARED_COLUMNS,
    STABILITY_COLUMNS,
    UNKNOWN,
    age_in_years,
    collection_year,
    periods,
    placement_category,
    prepare,
)

__all__ = [
    "AGE_BANDS",
    "AGE_BAND_COLUMNS",
    "AGE_UNKNOWN",
    "CEASED_COLUMNS",
    "IN_CARE",
    "LEGAL_STATUS_SPELL_COLUMNS",
    "NEW_CARER_RNE",
    "NEW_LEGAL_STATUS_RNE",
    "NEW_PLACEMENT_RNE",
    "ON_DATE_COLUMNS",
    "PERIOD_COLUMNS",
    "PLACEMENT_COLUMNS",
    "PLACEMENT_SPELL_COLUMNS",
    "PREPARED_COLUMNS",
    "STABILITY_COLUMNS",
    "UNKNOWN",
    "age_in_years",
    "collection_year",
    "count_at_31_march",
    "counts_by_year",
    "legal_status_spells",
    "long_term_stability",
    "looked_after_on",
    "periods",
    "placement_category",
    "placement_spells",
    "placements_in_year",
    "prepare",
]
