"""The claims, their four verdicts and the record of one checked claim.

Every check (in :mod:`.compute` and :mod:`.permanence`) returns a :class:`Claim`
made with :func:`make_claim`, whose verdict is one of :data:`VERDICTS`:

* :data:`SUPPORTED` – significant in the direction the paper claims;
* :data:`IN_LINE` – no significant difference from the comparators;
* :data:`CONTRADICTED` – significant in the opposite direction;
* :data:`CANNOT_TELL` – the data that could test it are missing, suppressed,
  SYNTHETIC, more than one year older than the paper's year, or the measure
  cannot answer the claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.report import text
from analysis.report.verdicts import CANNOT_TELL, CONTRADICTED, IN_LINE, SUPPORTED, VERDICTS

__all__ = ["CANNOT_TELL", "CONTRADICTED", "IN_LINE", "SUPPORTED", "VERDICTS"]


#: Claims in the order the paper makes them: slug -> (paragraph, the paper's words with {la} for the authority).
CLAIMS: dict[str, tuple[str, str]] = {
    "numbers_higher": (
        "1.1, 2.1",
        "Numbers of children in care in {la} are significantly higher than the average of "
        "other (comparable) local authorities.",
    ),
    "numbers_rising": (
        "1.1",
        "Numbers of children in care in {la} are now significantly higher: read as a trend, they have risen "
        "faster than in comparable authorities.",
    ),
    "foster_share": ("1.2", "Overall, {la} does well on the proportion of children in care placed with foster carers."),
    "too_many_agency": (
        "1.2",
        "Too many children are placed with foster carers provided by independent fostering agencies (IFAs).",
    ),
    "agency_further": (
        "1.2, 2.3",
        "Agency carers often live further away, so children may experience more disruption.",
    ),
    "agency_costly": (
        "1.2",
        "Agency carers are considerably more costly in unit placement costs than the council's own in-house carers.",
    ),
    "permanence_slow": (
        "2.2",
        "Children in care are not progressing to permanent outcomes (adoption, special "
        "guardianship, return home) as quickly as they might.",
    ),
    "recruitment_improved": (
        "2.3",
        "Recruitment of foster carers in the current year has been significantly "
        "improved compared with previous years.",
    ),
}

#: The chapter (a name in :data:`analysis.chapters.REGISTRY`) with the detail behind each claim.
CHAPTER_OF = {
    "numbers_higher": "care_numbers",
    "numbers_rising": "care_numbers",
    "foster_share": "placements",
    "too_many_agency": "placements",
    "agency_further": "placements",
    "agency_costly": "placements",
    "permanence_slow": "permanence",
    "recruitment_improved": "recruitment",
}


@dataclass(frozen=True)
class Claim:
    """One claim of the paper and its check.

    Attributes
    ----------
    slug : str
        Short name; the key figure is ``claim_<slug>_verdict``.
    paragraph : str
        The paper's paragraph(s).
    text : str
        The claim, in the paper's words (the authority named).
    measure : str
        What is measured, in plain English.
    value : str
        The authority's value, formatted.
    comparators : str
        What it is compared with, formatted.
    test : str
        The test applied and its result.
    verdict : str
        One of :data:`VERDICTS`.
    reason : str
        One plain-English sentence saying why.
    """

    slug: str
    paragraph: str
    text: str
    measure: str
    value: str
    comparators: str
    test: str
    verdict: str
    reason: str


def make_claim(slug: str, la: str, **fields) -> Claim:
    """A :class:`Claim` for ``slug``, its paragraph and the paper's words (``la`` named) filled in."""
    paragraph, words = CLAIMS[slug]
    return Claim(slug=slug, paragraph=paragraph, text=words.format(la=la), **fields)


def missing(*values) -> bool:
    """True when any value is not a number (missing, NaN or suppressed as ``None``)."""
    return not all(text.is_number(v) for v in values)
