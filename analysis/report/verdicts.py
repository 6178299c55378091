"""The four verdicts a finding about a claim of the paper can have (one vocabulary for every chapter).

* :data:`SUPPORTED` – significant in the direction the paper claims;
* :data:`IN_LINE` – no significant difference from the comparators;
* :data:`CONTRADICTED` – significant in the opposite direction;
* :data:`CANNOT_TELL` – the data that could test it are missing, suppressed,
  SYNTHETIC, more than one year older than the paper's year, or the measure
  cannot answer the claim.

The claims chapter (:mod:`analysis.chapters.claims`) gives each claim one of
them; a chapter that states its own reading of a claim (the permanence
chapter's hypothesis section) uses the same words from here.
"""

SUPPORTED = "supported"
IN_LINE = "in line with comparators"
CONTRADICTED = "contradicted"
CANNOT_TELL = "cannot tell from this data"

#: Verdicts, in the order the summary counts them.
VERDICTS = (SUPPORTED, IN_LINE, CONTRADICTED, CANNOT_TELL)
