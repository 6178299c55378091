"""Derive the committed public-data layer from DfE, ONS and Ofsted downloads.

:func:`refresh` reads a source folder laid out like ``shared/data`` (DfE
"Children looked after in England including adoptions" LA-level files, ONS
mid-year population estimates, DfE statistical-neighbour groupings, Ofsted
"Fostering in England" LA data) and writes to ``data/published``:

``cla_published.csv``
    One tidy table, one row per (year, area, measure), latest release only.
``revisions.csv``
    Every value a later release changed (old and new value and release).
``statistical_neighbours.csv``
    The statistical-neighbour models (2018, 2021, 2025) in long form.
``manifest.json``
    Publishers, publications, releases, licence and a sha256 of every source.

The package has one module per source family (:mod:`.dfe_sfr`,
:mod:`.dfe_ees`, :mod:`.ons`, :mod:`.ofsted`, :mod:`.neighbours`) on shared
pieces in :mod:`.base`; :mod:`.assemble` holds the registry and the assembly.

Extraction is a small registry (:data:`EXTRACTORS`): each :class:`Extractor`
names a glob under the source folder and a parser that turns one file into
candidate rows plus the :class:`Release` they come from. To add a measure, add
an extractor. Candidates for the same (measure, year, area) from several
releases are resolved by :func:`Release.sort_key`: the latest release wins and
the others are recorded as revisions when they differ.

Breakdowns (placement type and provider, age, locality and distance, legal
status, UASC, starters by age, reasons for ceasing, stability, new placements,
adoption timeliness, Ofsted fostering) are harmonised to one measure name each
across releases (see ``data/README.md``). Each value is a published cell; a few
measures are sums of published cells (blank, with the marker of a suppressed
part, when any part is suppressed), and nothing is imputed. The ``source``
columns hold short ids (:func:`source_id`) that the manifest maps to paths.

Outputs are deterministic (sorted rows, fixed number formatting, no time
stamps), so re-running on the same downloads gives identical bytes.
"""

from analysis.sources.refresh.assemble import EXTRACTORS, RefreshSummary, refresh, source_id
from analysis.sources.refresh.base import Extracted, Extractor, Release, parse_cell
from analysis.sources.refresh.dfe_ees import parse_years_months

__all__ = [
    "EXTRACTORS",
    "Extracted",
    "Extractor",
    "RefreshSummary",
    "Release",
    "parse_cell",
    "parse_years_months",
    "refresh",
    "source_id",
]
