"""Cell maps per template family and version (see docs/cmrt-format.md §2-§4, §8, and README.md here).

Labels in the workbooks are translated formulas, so everything is read by fixed address. Each RMI release
(CMRT 6.5, EMRT 2.1, AMRT 1.3, CRT 2.2 ...) is one ``Release`` entry in ``RELEASES`` naming its ``Layout``;
a new release needs one entry (and a new ``Layout`` only when cells moved), no other code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

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


# Smelter List / Mine List columns by field. CMRT, EMRT, CRT and AMRT 1.3 share SMELTER_COLUMNS.
SMELTER_COLUMNS: dict[str, str] = {
    "cid_input": "A",
    "metal": "B",
    "lookup_name": "C",
    "name": "D",
    "country": "E",
    "cid": "F",
    "source": "G",
    "street": "H",
    "city": "I",
    "state": "J",
    "mine_names": "N",
    "mine_countries": "O",
    "recycled": "P",
    "comments": "Q",
}
# AMRT 1.2 has no look-up: metal, name and country come first, the smelter ID is typed in D.
SMELTER_COLUMNS_AMRT12: dict[str, str] = {
    "metal": "A",
    "name": "B",
    "country": "C",
    "cid": "D",
    "source": "E",
    "street": "F",
    "city": "G",
    "state": "H",
    "recycled": "N",
    "comments": "O",
}
MINE_COLUMNS: dict[str, str] = {
    "metal": "A",
    "smelter_name": "B",
    "name": "C",
    "mine_id": "D",
    "source": "E",
    "country": "F",
    "street": "G",
    "city": "H",
    "state": "I",
    "comments": "M",
}
OTHER_MINERAL = "Other [specify below]"


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
    # AMRT: the slots take any mineral the requester names; "metals" is then only the offered list.
    open_minerals: bool = False
    other_rows_below: int = 0  # AMRT 1.3: an "Other [specify below]" slot is named this many rows below
    scope_questions: tuple[str, ...] = ("q1", "q2")  # answers in ``excluded_answers`` take a metal out of scope
    required_questions: tuple[str, ...] = ("q1",)  # per-metal questions the Checker always requires
    url_question: str = "B"  # the company question whose "Yes" needs the policy URL in ``url_cell``
    numeric_percent: bool | None = None  # None: decided by version (``uses_numeric_percent``)
    product_requester: bool | None = None  # Product List has requester number/name columns (None: by version)
    smelter_columns: dict[str, str] = field(default_factory=lambda: dict(SMELTER_COLUMNS))
    mine_columns: dict[str, str] = field(default_factory=dict)  # empty: no Mine List is read
    mine_last_row: int = 2504

    def question(self, role: str) -> Question | None:
        return next((q for q in self.questions if q.role == role), None)


def _company(start: int) -> dict[str, str]:
    """Company cells: name/scope fixed at D8-D10, the identity block from ``start`` (D12 CMRT, D16 EMRT 2.x)."""
    cells = {"language": "D3", "revision": "J3", "name": "D8", "scope": "D9", "scope_description": "D10"}
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
    company_cells=_company(16),
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

_AMRT_MINERALS = (
    "Aluminum",
    "Iridium",
    "Lime",
    "Manganese",
    "Palladium",
    "Platinum",
    "Rare Earth Elements",
    "Rhodium",
    "Ruthenium",
    "Silver",
    "Soda Ash",
    "Zinc",
)
_AMRT_SLOTS = ("D12", "E12", "G12", "H12", "I12", "D13", "E13", "G13", "H13", "I13")

AMRT13 = Layout(
    name="AMRT 1.3",
    template="AMRT",
    company_cells=_company(17),
    metals=_AMRT_MINERALS,
    questions=(
        Question("q1", 30, "intentional", YES_NO_UNKNOWN + ("Not declaring",)),
        Question("q2", 42, "responded", PERCENT + ("Unknown", "Did not survey")),
    ),
    company_questions=(),
    url_cell="",
    excluded_answers=("No", "Unknown", "Not declaring"),
    smelter_last_row=2504,
    mineral_slots=_AMRT_SLOTS,
    max_metal_rows=10,
    open_minerals=True,
    other_rows_below=3,
    scope_questions=("q1",),
    required_questions=("q1", "q2"),  # Checker!H29:H38 = IF(A="",0,G): Q2 even when Q1 is "No"
    url_question="",
    numeric_percent=True,
    product_requester=True,
    mine_columns=dict(MINE_COLUMNS),
)

AMRT12 = replace(
    AMRT13,
    name="AMRT 1.2",
    company_cells=_company(14),
    questions=(
        Question("q1", 27, "intentional", YES_NO_UNKNOWN + ("Not declaring",)),
        Question("q2", 39, "responded", PERCENT + ("Unknown", "Did not survey")),
    ),
    metals=("Aluminum", "Copper", "Lithium", "Nickel"),  # typed in English; these four are the examples it offers
    other_rows_below=0,
    product_requester=False,
    smelter_columns=dict(SMELTER_COLUMNS_AMRT12),
)

CRT2 = Layout(
    name="CRT 2.x",
    template="CRT",
    company_cells=_company(12),
    metals=("Cobalt",),
    questions=(
        Question("q1", 25, "intentional", YES_NO_UNKNOWN),
        Question("q2", 31, "cahra", YES_NO_UNKNOWN + ("DRC or adjoining countries only",)),
        Question("q3", 37, "recycled", YES_NO_UNKNOWN),
        Question("q4", 43, "responded", PERCENT),
        Question("q5", 49, "all_identified", YES_NO_UNKNOWN),
        Question("q6", 55, "all_reported", YES_NO_UNKNOWN),
    ),
    company_questions=(
        CompanyQuestion("A", "D63", YES_NO),
        CompanyQuestion("B", "D65", YES_NO),
        CompanyQuestion("C", "D67", YES_NO),
        CompanyQuestion("D", "D69", YES_NO),
        CompanyQuestion("E", "D71", YES_NO),
        CompanyQuestion("F", "D73", YES_NO),
        CompanyQuestion("G", "D75", ("Yes, CRT", "Yes, Using Other Format (Describe)", "No")),
        CompanyQuestion("H", "D77", YES_NO),
        CompanyQuestion("I", "D79", YES_NO),
    ),
    url_cell="G63",
    excluded_answers=("No", "Unknown"),
    smelter_last_row=2500,
    max_metal_rows=1,
    scope_questions=("q1",),
    url_question="A",
    numeric_percent=True,
    product_requester=False,
)


@dataclass(frozen=True)
class Release:
    """One RMI template release. ``verified``: its cells were checked against the blank template
    (a test reads it from ../shared/fixtures); unverified releases are read with an "untested" warning."""

    template: str
    version: str
    layout: Layout
    verified: bool = True


RELEASES: list[Release] = [
    *(Release("CMRT", v, CMRT6, verified=False) for v in ("6.0", "6.2", "6.21", "6.3")),
    *(Release("CMRT", v, CMRT6) for v in ("6.01", "6.1", "6.22", "6.31", "6.4", "6.5")),
    *(Release("EMRT", v, EMRT1, verified=False) for v in ("1.0", "1.01", "1.02")),
    *(Release("EMRT", v, EMRT1) for v in ("1.1", "1.11", "1.2", "1.3")),
    Release("EMRT", "2.0", replace(EMRT2, product_requester=False)),
    Release("EMRT", "2.1", EMRT2),
    Release("AMRT", "1.2", AMRT12),
    Release("AMRT", "1.3", AMRT13),
    Release("CRT", "2.2", CRT2),  # the file published as 2.21 still says "Revision 2.2" in Declaration!J3
]

# Derived from RELEASES (kept in place by ``register``): template -> versions in order, and the newest.
KNOWN_VERSIONS: dict[str, tuple[str, ...]] = {}
VERIFIED_VERSIONS: dict[str, tuple[str, ...]] = {}
LATEST: dict[str, str] = {}
TEMPLATES: tuple[str, ...] = ("CMRT", "EMRT", "AMRT", "CRT")


def _derive() -> None:
    for mapping in (KNOWN_VERSIONS, VERIFIED_VERSIONS, LATEST):
        mapping.clear()
    for template in TEMPLATES:
        releases = sorted((r for r in RELEASES if r.template == template), key=lambda r: version_key(r.version))
        KNOWN_VERSIONS[template] = tuple(r.version for r in releases)
        VERIFIED_VERSIONS[template] = tuple(r.version for r in releases if r.verified)
        if releases:
            LATEST[template] = f"{template} {releases[-1].version}"


def register(release: Release) -> None:
    """Add (or replace) a release: all a new RMI version needs once its layout is known."""
    RELEASES[:] = [r for r in RELEASES if (r.template, r.version) != (release.template, release.version)]
    RELEASES.append(release)
    _derive()


def unregister(template: str, version: str) -> None:
    RELEASES[:] = [r for r in RELEASES if (r.template, r.version) != (template, version)]
    _derive()


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


def release_for(template: str, version: str) -> Release | None:
    """The release itself, else the nearest release of the same major version (its cells are assumed
    unchanged: CMRT 6.6 is read like 6.5 with an "untested" warning); None for another major version."""
    exact = next((r for r in RELEASES if (r.template, r.version) == (template, version)), None)
    if exact:
        return exact
    key = version_key(version)
    same_major = sorted(
        (r for r in RELEASES if r.template == template and version_key(r.version)[0] == key[0]),
        key=lambda r: version_key(r.version),
    )
    if not same_major:
        return None
    older = [r for r in same_major if version_key(r.version) <= key]
    return older[-1] if older else same_major[0]


def layout_for(template: str, version: str) -> Layout | None:
    """The layout for a template version, or None when it is unsupported (CMRT < 6, EMRT >= 3)."""
    release = release_for(template, version)
    return release.layout if release else None


def uses_numeric_percent(template: str, version: str) -> bool:
    """CMRT <= 6.22 and EMRT 1.x store Q6/Q5 '100%' as the number 1 (AMRT/CRT: see ``Layout.numeric_percent``)."""
    layout = layout_for(template, version)
    if layout is not None and layout.numeric_percent is not None:
        return layout.numeric_percent
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


_derive()
