"""Cell maps per template family and version (see docs/cmrt-format.md §2-§4, §8).

Labels in the workbooks are translated formulas, so everything is read by fixed address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

YES_NO = ("Yes", "No")
YES_NO_UNKNOWN = ("Yes", "No", "Unknown")
PERCENT = ("100%", "Greater than 90%", "Greater than 75%", "Greater than 50%", "50% or less", "None")
LOW_RESPONSE = ("50% or less", "None")

SCOPES = {
    "A": "A. Company",
    "B": "B. Product (or List of Products)",
    "C": "C. User defined [Specify in 'Description of scope']",
}

NOT_LISTED = "smelter not listed"
NOT_IDENTIFIED = "smelter not yet identified"

COMPANY_LABELS = {
    "name": ("Company name", "公司名称"),
    "scope": ("Declaration scope", "申报范围"),
    "scope_description": ("Description of scope", "范围描述"),
    "contact_name": ("Contact name", "联系人姓名"),
    "contact_email": ("Contact e-mail", "联系人电子邮件"),
    "contact_phone": ("Contact phone", "联系人电话"),
    "authorizer_name": ("Authorizer", "授权人"),
    "authorizer_email": ("Authorizer e-mail", "授权人电子邮件"),
    "effective_date": ("Effective date", "生效日期"),
}
REQUIRED_COMPANY_FIELDS = (
    "name",
    "scope",
    "contact_name",
    "contact_email",
    "contact_phone",
    "authorizer_name",
    "authorizer_email",
    "effective_date",
)


@dataclass(frozen=True)
class Question:
    """A per-metal question: ``key`` is "q1".."q8", ``role`` names what it asks across families."""

    key: str
    header_row: int
    role: str
    allowed: tuple[str, ...]
    allowed_by_metal: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def allowed_for(self, metal: str) -> tuple[str, ...]:
        return self.allowed_by_metal.get(metal, self.allowed)


@dataclass(frozen=True)
class CompanyQuestion:
    key: str
    cell: str | None  # None when answered per mineral (EMRT question C)
    allowed: tuple[str, ...]
    per_metal_rows: tuple[int, ...] = ()
    allowed_by_metal: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Layout:
    name: str  # "CMRT 6.x", "EMRT 1.x", "EMRT 2.x"
    template: str
    company_cells: dict[str, str]
    metals: tuple[str, ...]  # fixed metals in row order; EMRT 2.x: the selectable minerals
    questions: tuple[Question, ...]
    company_questions: tuple[CompanyQuestion, ...]
    url_cell: str
    excluded_answers: tuple[str, ...]  # a Q1/Q2 answer that takes a metal out of scope
    smelter_last_row: int
    mineral_slots: tuple[str, ...] = ()  # EMRT 2.x "Select Minerals/Metals in Scope"
    max_metal_rows: int = 4
    smelter_first_row: int = 5
    product_first_row: int = 6

    def question(self, role: str) -> Question | None:
        return next((q for q in self.questions if q.role == role), None)


def _company(base: int, *, emrt2: bool = False) -> dict[str, str]:
    cells = {"language": "D3", "revision": "J3", "name": "D8", "scope": "D9", "scope_description": "D10"}
    start = 16 if emrt2 else 12
    for offset, key in enumerate(
        (
            "unique_id",
            "unique_id_authority",
            "address",
            "contact_name",
            "contact_email",
            "contact_phone",
            "authorizer_name",
            "authorizer_title",
            "authorizer_email",
            "authorizer_phone",
            "effective_date",
        )
    ):
        cells[key] = f"D{start + offset}"
    return cells


_ROLES_CMRT = (
    "intentional",
    "remains",
    "covered_countries",
    "cahra",
    "recycled",
    "responded",
    "all_identified",
    "all_reported",
)
_ROLES_EMRT = ("intentional", "remains", "cahra", "recycled", "responded", "all_identified", "all_reported")

CMRT6 = Layout(
    name="CMRT 6.x",
    template="CMRT",
    company_cells=_company(12),
    metals=("Tantalum", "Tin", "Gold", "Tungsten"),
    questions=tuple(
        Question(
            f"q{i + 1}",
            25 + 6 * i,
            role,
            YES_NO_UNKNOWN if role in ("covered_countries", "cahra", "recycled") else PERCENT if role == "responded" else YES_NO,
        )
        for i, role in enumerate(_ROLES_CMRT)
    ),
    company_questions=(
        CompanyQuestion("A", "D75", YES_NO),
        CompanyQuestion("B", "D77", YES_NO),
        CompanyQuestion("C", "D79", YES_NO),
        CompanyQuestion("D", "D81", YES_NO),
        CompanyQuestion(
            "E",
            "D83",
            ("Yes, in conformance with IPC1755 (e.g., CMRT)", "Yes, using other format (describe)", "No"),
        ),
        CompanyQuestion("F", "D85", YES_NO),
        CompanyQuestion("G", "D87", YES_NO),
        CompanyQuestion("H", "D89", ("Yes, with the SEC", "Yes, with the EU", "Yes, with the SEC and the EU", "No")),
    ),
    url_cell="G77",
    excluded_answers=("No",),
    smelter_last_row=2504,
)

_EMRT_E = ("Yes, in conformance with IPC1755 (e.g. EMRT)", "Yes, Using Other Format (Describe)", "No")
_EMRT_C_MICA = ("Yes", "Yes, when more processors are validated", "No")

EMRT1 = Layout(
    name="EMRT 1.x",
    template="EMRT",
    company_cells=_company(12),
    metals=("Cobalt", "Mica"),
    questions=tuple(
        Question(
            f"q{i + 1}",
            25 + 6 * i,
            role,
            YES_NO_UNKNOWN + ("Not applicable for this declaration",)
            if role == "intentional"
            else PERCENT
            if role == "responded"
            else YES_NO_UNKNOWN,
            {
                "Cobalt": YES_NO_UNKNOWN + ("DRC only",),
                "Mica": YES_NO_UNKNOWN + ("India and/or Madagascar only",),
            }
            if role == "cahra"
            else {},
        )
        for i, role in enumerate(_ROLES_EMRT)
    ),
    company_questions=(
        CompanyQuestion("A", "D69", YES_NO),
        CompanyQuestion("B", "D71", YES_NO),
        CompanyQuestion("C", None, YES_NO, per_metal_rows=(74, 75), allowed_by_metal={"Mica": _EMRT_C_MICA}),
        CompanyQuestion("D", "D77", YES_NO),
        CompanyQuestion("E", "D79", _EMRT_E),
        CompanyQuestion("F", "D81", YES_NO),
        CompanyQuestion("G", "D83", YES_NO),
    ),
    url_cell="G71",
    excluded_answers=("No", "Unknown", "Not applicable for this declaration"),
    smelter_last_row=2500,
    max_metal_rows=2,
)

EMRT2 = Layout(
    name="EMRT 2.x",
    template="EMRT",
    company_cells=_company(16, emrt2=True),
    metals=("Cobalt", "Copper", "Graphite", "Lithium", "Mica", "Nickel"),
    questions=tuple(
        Question(
            f"q{i + 1}",
            29 + 12 * i,
            role,
            YES_NO_UNKNOWN + ("Not declaring",)
            if role == "intentional"
            else PERCENT + ("Did not survey",)
            if role == "responded"
            else YES_NO_UNKNOWN,
        )
        for i, role in enumerate(_ROLES_EMRT)
    ),
    company_questions=(
        CompanyQuestion("A", "D115", YES_NO),
        CompanyQuestion("B", "D117", YES_NO),
        CompanyQuestion("C", None, _EMRT_C_MICA, per_metal_rows=tuple(range(120, 130))),
        CompanyQuestion("D", "D131", YES_NO),
        CompanyQuestion("E", "D133", _EMRT_E),
        CompanyQuestion("F", "D135", YES_NO),
        CompanyQuestion("G", "D137", YES_NO),
    ),
    url_cell="G117",
    excluded_answers=("No", "Unknown", "Not declaring"),
    smelter_last_row=2504,
    mineral_slots=("D12", "E12", "G12", "D13", "E13", "G13"),
    max_metal_rows=10,
)

KNOWN_VERSIONS = {
    "CMRT": ("6.0", "6.01", "6.1", "6.2", "6.21", "6.22", "6.3", "6.31", "6.4", "6.5"),
    "EMRT": ("1.0", "1.01", "1.02", "1.1", "1.11", "1.2", "1.3", "2.0", "2.1"),
}
VERIFIED_VERSIONS = {
    "CMRT": ("6.01", "6.1", "6.22", "6.31", "6.4", "6.5"),
    "EMRT": ("1.1", "1.11", "1.2", "1.3", "2.0", "2.1"),
}
LATEST = {"CMRT": "CMRT 6.5", "EMRT": "EMRT 2.1"}

_VERSION_RE = re.compile(r"(?:revision|version|rev\.?)\s*([0-9]+(?:\.[0-9]+)?[a-z]?)", re.IGNORECASE)


def parse_revision(text: object) -> str | None:
    """'Revision 6.5\\nApril 25, 2025' -> '6.5'."""
    if not isinstance(text, str):
        return None
    match = _VERSION_RE.search(text)
    return match.group(1).lower() if match else None


def version_key(version: str) -> tuple[int, int, str]:
    """Order versions numerically: '6.01' < '6.1' < '6.22' < '6.3' (decimal digits, not integers)."""
    match = re.match(r"(\d+)(?:\.(\d+))?([a-z]?)", version or "")
    if not match:
        return (0, 0, "")
    major, minor, letter = match.group(1), match.group(2) or "0", match.group(3)
    return (int(major), int((minor + "000")[:3]), letter)


def layout_for(template: str, version: str) -> Layout | None:
    """The layout for a template version, or None when it is unsupported (CMRT < 6, EMRT >= 3)."""
    major = version_key(version)[0]
    if template == "CMRT" and major == 6:
        return CMRT6
    if template == "EMRT" and major == 1:
        return EMRT1
    if template == "EMRT" and major == 2:
        return EMRT2
    return None


def uses_numeric_percent(template: str, version: str) -> bool:
    """CMRT <= 6.22 and EMRT 1.x store Q6/Q5 '100%' as the number 1."""
    if template == "CMRT":
        return version_key(version) < version_key("6.31")
    return version_key(version)[0] == 1


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


_CELL_RE = re.compile(r"([A-Z]+)(\d+)")


def split_cell(addr: str) -> tuple[int, int]:
    """'D16' -> (row index 15, column index 3)."""
    match = _CELL_RE.fullmatch(addr)
    if not match:
        raise ValueError(addr)
    return int(match.group(2)) - 1, col_index(match.group(1))
