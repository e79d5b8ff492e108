"""The company's own CMRT/EMRT for a reporting year.

Answers are proposed from the counted supplier declarations (``derive_answers``); the company's own
entries (company block, company questions, any per-metal answer it overrides) are kept in
CompanyDeclaration.answers and win over the proposals. The Smelter List is the aggregated company
smelter list. ``export_declaration`` writes all of it into a blank RMI template the user downloaded.

Stored answers::

    {"company": {"company_name": ..., "scope": "A", "effective_date": "2025-06-30", ...},
     "products": [["PN-1", "Cable"]], "minerals": ["Cobalt"],          # minerals: EMRT selection override
     "answers": {"Tin": {"q3": "Unknown"}},                            # per-metal overrides only
     "company_answers": {"A": "Yes", "C": "Yes"}}                      # EMRT "C": {"Cobalt": "Yes"}
"""

from supplyesg.minerals.declaration.base import (
    COMPANY_FIELD_LABELS,
    COMPANY_FIELDS,
    COMPANY_QUESTION_TEXT,
    DECLARED_TEMPLATES,
    MAX_YEAR,
    MIN_YEAR,
    QUESTION_TEXT,
    REQUIRED_FIELDS,
    SCOPES,
    blank_template_setting,
    layout_for,
    offered_minerals,
    response_bucket,
)
from supplyesg.minerals.declaration.derive import Derived, derive_answers
from supplyesg.minerals.declaration.effective import (
    Effective,
    declaration_problems,
    effective_declaration,
    stored_declaration,
)
from supplyesg.minerals.declaration.export import build_company_data, export_declaration, export_file_name
from supplyesg.minerals.declaration.saving import save_company_declaration

__all__ = [
    "COMPANY_FIELDS",
    "COMPANY_FIELD_LABELS",
    "COMPANY_QUESTION_TEXT",
    "DECLARED_TEMPLATES",
    "MAX_YEAR",
    "MIN_YEAR",
    "QUESTION_TEXT",
    "REQUIRED_FIELDS",
    "SCOPES",
    "Derived",
    "Effective",
    "blank_template_setting",
    "build_company_data",
    "declaration_problems",
    "derive_answers",
    "effective_declaration",
    "export_declaration",
    "export_file_name",
    "layout_for",
    "offered_minerals",
    "response_bucket",
    "save_company_declaration",
    "stored_declaration",
]
