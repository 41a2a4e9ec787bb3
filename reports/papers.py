"""The covering paper's fields (after the seed `002_…`): one list that the form, the snapshot,
the PDF, the web page and the issue refusal all read.

Front matter first (the council's report cover sheet), then the numbered body headings. Key
Issues (3) are not a field: they are the sections' approved narratives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import snapshot


@dataclass(frozen=True)
class Field:
    key: str  # the snapshot.Paper key (and the PaperDetails / ReportSettings field)
    label: str  # as the paper prints it
    required: bool = True  # issuing is refused while it is empty or a placeholder
    long: bool = True  # numbered paragraphs (body) or several lines (front matter)


FRONT = (
    Field("title", "Title", long=False),
    Field("meeting", "Meeting", long=False),
    Field(
        "key_decision",
        "Is this a Key Decision and has it been included on the Forward Plan?",
        long=False,
    ),
    Field("director", "Strategic Director Approving Submission of the Report", required=False),
    Field("authors", "Report Author(s)"),
    Field("contact", "Contact"),
    Field("wards", "Ward(s) Affected", long=False),
)
# Printed after the front matter's Summary, Recommendations and List of Appendices.
FRONT_AFTER = (
    Field("background_papers", "Background Papers"),
    Field(
        "other_committee",
        "Consideration by any other Council Committee, Scrutiny or Advisory Panel",
        long=False,
    ),
    Field("council_approval", "Council Approval Required", long=False),
    Field("exempt", "Exempt from the Press and Public", long=False),
)
SUMMARY = Field("summary", "Summary")
RECOMMENDATIONS = Field("recommendations", "Recommendations")
# The numbered body: (number, field); 3 is Key Issues, from the narratives.
BODY = (
    (1, RECOMMENDATIONS),
    (2, Field("background", "Background")),
    (4, Field("options", "Options considered and recommended proposal")),
    (5, Field("consultation", "Consultation")),
    (6, Field("timetable", "Timetable and Accountability for Implementing this Decision")),
    (7, Field("financial", "Financial and Procurement Implications")),
    (8, Field("legal", "Legal Implications")),
    (9, Field("human_resources", "Human Resources Implications")),
    (10, Field("children", "Implications for Children and Young People and Vulnerable Adults")),
    (11, Field("equalities", "Equalities and Human Rights Implications")),
    (12, Field("partners", "Implications for Partners and Other Directorates")),
    (13, Field("risks", "Risks and Mitigation")),
    (14, Field("accountable_officers", "Accountable Officer(s)")),
)
KEY_ISSUES = (3, "Key Issues")
FIELDS: tuple[Field, ...] = (
    *FRONT,
    SUMMARY,
    *FRONT_AFTER,
    *(field for _, field in BODY),
)
FIELD_KEYS = tuple(field.key for field in FIELDS)

# Text a person types meaning "not written yet". A paper with any of it never reaches the panel.
PLACEHOLDER = re.compile(
    r"\b(to be (confirmed|completed|added|agreed)|tbc|tbd|tba|todo|xxx+|lorem ipsum|"
    r"placeholder|insert [a-z ]+ here)\b|\[[^\]]*\]|<[^>]*>|\?\?",
    re.IGNORECASE,
)


def missing_fields(paper: snapshot.Paper) -> list[str]:
    """The labels of the required fields that are empty or hold a placeholder, in paper order."""
    missing = []
    for field in FIELDS:
        text = (paper.get(field.key) or "").strip()  # type: ignore[attr-defined]
        if field.required and (not text or PLACEHOLDER.search(text)):
            missing.append(field.label)
    return missing
