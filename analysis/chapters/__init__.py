"""The chapters of the report, and the one registry of them.

Each chapter is a module (or package) here with the logic behind one page, and
a thin notebook ``notebooks/<stem>.md`` (a MyST Markdown notebook) that calls
it. :data:`REGISTRY` is the only list of chapters: the paper file's
``chapters:`` field, the book's table of contents, the build's choice of
notebooks, the provenance record (whether child-level data were read) and the
claims table's links all read it.

A chapter imports from :mod:`analysis.methods`, :mod:`analysis.report` and
:mod:`analysis.sources`, never another chapter's private names. The claims
chapter is the one that reads other chapters' public results, since checking
the paper's claims against them is its purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Parts of the book, in order; a chapter names the part it belongs to.
EVIDENCE = "The evidence"
ABOUT = "About this report"
PARTS = (EVIDENCE, ABOUT)


@dataclass(frozen=True)
class Chapter:
    """One chapter: its name in paper files, notebook, title and whether it reads child-level data."""

    name: str
    stem: str
    title: str
    child_level: bool
    part: str = EVIDENCE

    @property
    def source(self) -> str:
        """The notebook's file name under ``notebooks/`` (MyST Markdown, read with jupytext)."""
        return f"{self.stem}.md"

    @property
    def notebook(self) -> str:
        """The executed notebook's file name (under ``chapters/`` in the book)."""
        return f"{self.stem}.ipynb"

    @property
    def page(self) -> str:
        """The page's path in the book, without suffix (``chapters/10_care_numbers``)."""
        return f"chapters/{self.stem}"


#: Every chapter a paper may ask for, in book order.
REGISTRY: dict[str, Chapter] = {
    c.name: c
    for c in (
        Chapter("care_numbers", "10_care_numbers", "Care numbers in context", child_level=False),
        Chapter(
            "placements",
            "20_placements",
            "Where children live: placements, providers, distance and cost",
            child_level=True,
        ),
        Chapter("permanence", "30_permanence", "Progress to permanence", child_level=True),
        Chapter(
            "recruitment", "40_recruitment", "Foster carer recruitment: the council's own carers", child_level=False
        ),
        Chapter("forecast", "50_forecast", "How many children will be in care: forecast", child_level=True),
        Chapter(
            "business_case",
            "60_business_case",
            "The business case: what recruitment and faster permanence could save",
            child_level=True,
        ),
        Chapter("claims", "70_claims", "Claims checked against the data", child_level=True),
        Chapter(
            "data_quality", "90_data_quality", "Data quality of the child-level returns", child_level=True, part=ABOUT
        ),
    )
}


def child_level(names) -> bool:
    """True when any of the chapters ``names`` reads child-level data."""
    return any(REGISTRY[n].child_level for n in names)
