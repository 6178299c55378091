"""The claims chapter's prose: the verdict counts, a section per claim and the key figures."""

from __future__ import annotations

from analysis.chapters import REGISTRY
from analysis.chapters.claims.compute import Checked, level
from analysis.chapters.claims.verdicts import CANNOT_TELL, CHAPTER_OF, CONTRADICTED, IN_LINE, SUPPORTED, VERDICTS


def counts(checked: Checked) -> dict[str, int]:
    """How many claims have each verdict."""
    return {v: sum(c.verdict == v for c in checked.claims) for v in VERDICTS}


def summary_sentence(checked: Checked) -> str:
    """One sentence counting all four verdicts."""
    n = counts(checked)
    return (
        f"Of the paper's {len(checked.claims)} factual claims checked, the data support {n[SUPPORTED]}, "
        f"{n[IN_LINE]} {'is' if n[IN_LINE] == 1 else 'are'} in line with comparators (no significant difference), "
        f"the data contradict {n[CONTRADICTED]}, and {n[CANNOT_TELL]} cannot be told from this data "
        f"(one-sided tests at the {level(checked.alpha)} level)."
    )


def neighbour_markdown(checked: Checked) -> str:
    """The note on the comparators when they are a neighbour model newer than the paper (empty otherwise)."""
    return f"**Comparators.** {checked.neighbour_note}" if checked.neighbour_note else ""


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
            "name": "claims_in_line",
            "value": n[IN_LINE],
            "unit": "count",
            "label": "Claims where the authority is in line with its comparators (no significant difference)",
        },
        {
            "name": "claims_contradicted",
            "value": n[CONTRADICTED],
            "unit": "count",
            "label": "Claims the data contradict (significant in the opposite direction)",
        },
        {
            "name": "claims_cannot_tell",
            "value": n[CANNOT_TELL],
            "unit": "count",
            "label": "Claims the data available cannot test",
        },
    ]
    rising = [c for c in checked.claims if c.slug == "numbers_rising"]
    if rising:
        recs.append(
            {
                "name": "cla_trend_verdict",
                "value": rising[0].verdict,
                "unit": "text",
                "label": "Verdict on whether the rate of children in care rose faster than comparable authorities'",
            }
        )
    recs.append(
        {
            "name": "claims_level",
            "value": level(checked.alpha),
            "unit": "text",
            "label": "Confidence level of the claims' one-sided tests (the paper file's significance level)",
        }
    )
    return recs
