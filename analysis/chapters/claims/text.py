"""The claims chapter's prose: the verdict counts, a section per claim and the key figures."""

from __future__ import annotations

from analysis.chapters import REGISTRY
from analysis.chapters.claims.compute import (
    CANNOT_TELL,
    CHAPTER_OF,
    NOT_SUPPORTED,
    SUPPORTED,
    VERDICTS,
    Checked,
)


def counts(checked: Checked) -> dict[str, int]:
    """How many claims have each verdict."""
    return {v: sum(c.verdict == v for c in checked.claims) for v in VERDICTS}


def summary_sentence(checked: Checked) -> str:
    """One sentence: how many claims the data support, do not support, and cannot test."""
    n = counts(checked)
    return (
        f"Of the paper's {len(checked.claims)} factual claims, the data support {n[SUPPORTED]}, do not support "
        f"{n[NOT_SUPPORTED]}, and cannot test {n[CANNOT_TELL]}."
    )


def details_markdown(checked: Checked) -> str:
    """A section per claim: the paper's words, the verdict and why, and where the detail is.

    Links go only to chapters the book has (:attr:`Checked.chapters`); with
    ``chapters`` None every claim links to its chapter.
    """
    parts = []
    for i, c in enumerate(checked.claims, start=1):
        chapter = REGISTRY[CHAPTER_OF[c.slug]]
        shown = checked.chapters is None or chapter.name in checked.chapters
        detail = f'- **Detail:** <a href="{chapter.stem}.html">{chapter.title}</a>\n' if shown else ""
        parts.append(
            f"### {i}. {c.text}\n\n"
            f"*Paragraph {c.paragraph} of the paper.* **Verdict: {c.verdict}.** {c.reason}\n\n"
            f"- **Measure:** {c.measure}\n"
            f"- **Authority:** {c.value}\n"
            f"- **Compared with:** {c.comparators}\n"
            f"- **Test:** {c.test}\n"
            f"{detail}"
        )
    return "\n".join(parts)


def key_figures(checked: Checked) -> list[dict]:
    """``claim_<slug>_verdict`` for each claim, and the counts of each verdict."""
    recs = [
        {
            "name": f"claim_{c.slug}_verdict",
            "value": c.verdict,
            "unit": "text",
            "label": f"Verdict on the paper's claim (para {c.paragraph}): {c.text}",
        }
        for c in checked.claims
    ]
    n = counts(checked)
    recs += [
        {
            "name": "claims_total",
            "value": len(checked.claims),
            "unit": "count",
            "label": "Factual claims of the paper checked",
        },
        {"name": "claims_supported", "value": n[SUPPORTED], "unit": "count", "label": "Claims the data support"},
        {
            "name": "claims_not_supported",
            "value": n[NOT_SUPPORTED],
            "unit": "count",
            "label": "Claims the data do not support",
        },
        {
            "name": "claims_cannot_tell",
            "value": n[CANNOT_TELL],
            "unit": "count",
            "label": "Claims the data available cannot test",
        },
    ]
    return recs
