"""Shapes of the supplier API: what it accepts (validated before any service runs) and what it returns."""

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import pycountry
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

from supplyesg.core.api_schemas import ErrorItem, ErrorOut, field_choices  # noqa: F401  (API modules import errors here)
from supplyesg.suppliers.models import BlacklistEntry, Site, Supplier
from supplyesg.suppliers.models.compliance import Document, DocumentType
from supplyesg.suppliers.services.lifecycle import TRANSITION_FUNCTIONS, TRANSITIONS

# ---------------------------------------------------------------- field types


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        # A custom error keeps pydantic from prefixing "Value error, " to the message.
        raise PydanticCustomError("country", _("%(value)s is not an ISO 3166-1 alpha-2 country code.") % {"value": value})
    return code


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text: without this check such input would end in a server error.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", _("The text contains a NUL character."))
    return value


def text(**constraints):
    """A string stripped of surrounding whitespace, without NUL characters, with length constraints."""
    return Annotated[str, StringConstraints(strip_whitespace=True, **constraints), AfterValidator(_no_nul)]


def _blank_to_none(value):
    """Form fields arrive as "" when left empty; an empty date means no date."""
    return None if isinstance(value, str) and not value.strip() else value


CountryCode = Annotated[str, AfterValidator(_country), Field(examples=["CN"])]
Text = text()
Name = text(min_length=1, max_length=255)
Code = text(min_length=1, max_length=50)
ShortName = text(min_length=1, max_length=200)
Required = text(min_length=1)
OptionalDate = Annotated[date | None, BeforeValidator(_blank_to_none)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=3)]
TierNumber = Annotated[int, Field(ge=1, le=3, description="1 = direct supplier, 2, 3 = tier 3 and beyond.")]
TransitionName = Literal[tuple(TRANSITION_FUNCTIONS)]  # type: ignore[valid-type]
Ordering = Literal[
    "legal_name",
    "-legal_name",
    "code",
    "-code",
    "country",
    "-country",
    "tier",
    "-tier",
    "status",
    "-status",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
]


def _label(choices, value) -> str:
    """A choice's translated label; get_FOO_display() rehashes every choice on each call (slow in lists)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


_PK_MARK = 987654321


@functools.lru_cache(maxsize=8)
def _url_template(name: str, kind: str | None, script_prefix: str) -> str:
    args = [kind, _PK_MARK] if kind else [_PK_MARK]
    return reverse(name, args=args).replace(str(_PK_MARK), "{pk}")


def _url(name: str, pk: int, kind: str | None = None) -> str:
    """reverse() costs ~0.1 ms; a list of 500 suppliers reverses once per deployment prefix instead."""
    return _url_template(name, kind, get_script_prefix()).format(pk=pk)


def _offered(status: str) -> list[dict]:
    return [
        {"name": name, "label": str(label), "needs_reason": needs_reason}
        for name, label, needs_reason in TRANSITIONS.get(status, [])
    ]


# ---------------------------------------------------------------- suppliers


class CategoryOut(Schema):
    code: str
    name: str


class SupplierOut(Schema):
    id: int
    code: str
    legal_name: str
    local_name: str
    aliases: list[str]
    registration_id: str
    registration_authority: str
    country: str
    address: str
    website: str
    tier: int
    status: str
    status_label: str
    status_changed_at: datetime
    is_key: bool
    spend_share: Decimal | None
    categories: list[CategoryOut]
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return obj.alias_list

    @staticmethod
    def resolve_status_label(obj) -> str:
        return _label(Supplier.Status, obj.status)

    @staticmethod
    def resolve_url(obj) -> str:
        return _url("suppliers:detail", obj.pk)


class TransitionOut(Schema):
    name: str
    label: str
    needs_reason: bool


class SupplierDetailOut(SupplierOut):
    transitions: list[TransitionOut] = Field(description="Transitions offered in the current status (internal users).")

    @staticmethod
    def resolve_transitions(obj, context) -> list[dict]:
        request = (context or {}).get("request")
        if request is None or not request.user.is_internal:
            return []
        return _offered(obj.status)


class SupplierPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SupplierOut]


class PortalSupplierOut(Schema):
    """What a supplier's own portal user sees of its supplier: the portal profile, without the buyer's
    internal fields (key supplier, spend share, lifecycle transitions, internal page links)."""

    id: int
    code: str
    legal_name: str
    local_name: str
    aliases: list[str]
    registration_id: str
    registration_authority: str
    country: str
    address: str
    website: str
    status: str
    status_label: str
    categories: list[CategoryOut]

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return obj.alias_list

    @staticmethod
    def resolve_status_label(obj) -> str:
        return _label(Supplier.Status, obj.status)


class PortalSupplierPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PortalSupplierOut]


class Paging(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class SupplierFilters(Paging):
    status: field_choices(Supplier, "status") | None = None
    tier: TierNumber | None = None
    country: CountryCode | None = None
    category: Code | None = Field(None, description="A category code.")
    q: Text | None = Field(None, description="Search in names, aliases, registration id and code.")
    ordering: Ordering = "legal_name"


class SupplierIn(Schema):
    legal_name: Name
    local_name: Text = Field("", max_length=255)
    aliases: list[Name] = []
    registration_id: Text = Field("", max_length=64)
    registration_authority: Text = Field("", max_length=200)
    country: CountryCode
    address: Text = ""
    website: Text = Field("", max_length=200)
    tier: TierNumber = 1
    categories: list[Code] = Field([], description="Category codes.")
    is_key: bool = False
    spend_share: Percent | None = None
    confirmed_not_duplicate: bool = Field(
        False, description="Set after checking the possible duplicates a first attempt answered with (409)."
    )


class SupplierPatch(Schema):
    """Only the fields sent are changed; `null` is accepted for spend_share only."""

    legal_name: Name = None
    local_name: Text = Field(None, max_length=255)
    aliases: list[Name] = None
    registration_id: Text = Field(None, max_length=64)
    registration_authority: Text = Field(None, max_length=200)
    country: CountryCode = None
    address: Text = None
    website: Text = Field(None, max_length=200)
    tier: TierNumber = None
    categories: list[Code] = Field(None, description="Category codes; replaces the current set.")
    is_key: bool = None
    spend_share: Percent | None = None
    reason: Text = Field("", description="Why the change is made; kept in the history.")


# ---------------------------------------------------------------- sites


class SiteIn(Schema):
    name: ShortName
    kind: field_choices(Site, "kind") = field_choices(Site, "kind")(Site.Kind.FACTORY)
    country: CountryCode
    address: Text = ""


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    country: str
    address: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return _label(Site.Kind, obj.kind)


# ---------------------------------------------------------------- documents


class DocumentIn(Schema):
    doc_type: field_choices(Document, "doc_type")
    title: ShortName
    issue_date: OptionalDate = None
    expiry_date: OptionalDate = None


class DocumentOut(Schema):
    id: int
    doc_type: str
    doc_type_label: str
    title: str
    issue_date: date | None
    expiry_date: date | None
    expired: bool
    original_name: str
    uploaded_at: datetime
    download_url: str

    @staticmethod
    def resolve_doc_type_label(obj) -> str:
        return _label(DocumentType, obj.doc_type)

    @staticmethod
    def resolve_expired(obj) -> bool:
        return obj.is_expired()

    @staticmethod
    def resolve_download_url(obj) -> str:
        return _url("suppliers:file", obj.pk, kind="document")


# ---------------------------------------------------------------- agreements


class RequiredAgreementOut(Schema):
    code: str
    name: str
    version: str
    signed: bool = Field(description="A signature in force exists for the current version.")


class SignatureOut(Schema):
    id: int
    agreement: str
    agreement_name: str
    version: str
    method: str
    signer_name: str
    signer_title: str
    signed_at: datetime
    in_force: bool
    revoked_at: datetime | None
    scan_url: str | None = Field(description="Download of the signed scan, if one was uploaded.")

    @staticmethod
    def resolve_scan_url(obj) -> str | None:
        return _url("suppliers:file", obj.pk, kind="scan") if obj.scan else None

    @staticmethod
    def resolve_agreement(obj) -> str:
        return obj.agreement_type.code

    @staticmethod
    def resolve_agreement_name(obj) -> str:
        return obj.agreement_type.name

    @staticmethod
    def resolve_in_force(obj) -> bool:
        return obj.revoked_at is None


class AgreementsOut(Schema):
    required: list[RequiredAgreementOut]
    signatures: list[SignatureOut]


# ---------------------------------------------------------------- lifecycle and history


class TransitionIn(Schema):
    transition: TransitionName
    reason: Text = ""


class ExitIn(Schema):
    reason: Text
    exit_date: date
    open_items: Literal["close", "transfer", "keep"]
    open_items_note: Text = ""


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    changes: dict
    reason: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label


class AuditEventPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditEventOut]


# ---------------------------------------------------------------- blacklist


class BlacklistIn(Schema):
    reason: field_choices(BlacklistEntry, "reason")
    details: Required
    permanent: bool = False
    until: OptionalDate = Field(None, description="End of a temporary ban; leave empty for a permanent one.")


class LiftIn(Schema):
    reason: Required


class BlacklistFilters(Paging):
    in_force: bool | None = Field(None, description="true: bans in force today; false: lifted or expired.")


class BlacklistEntryOut(Schema):
    id: int
    supplier_id: int
    supplier_code: str
    legal_name: str
    registration_id: str
    country: str
    reason: str
    reason_label: str
    details: str
    permanent: bool
    until: date | None
    decided_at: datetime
    decided_by: str | None
    in_force: bool
    lifted_at: datetime | None
    lift_reason: str

    @staticmethod
    def resolve_supplier_code(obj) -> str:
        return obj.supplier.code

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return _label(BlacklistEntry.Reason, obj.reason)

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None

    @staticmethod
    def resolve_in_force(obj) -> bool:
        return obj.lifted_at is None and (obj.until is None or obj.until >= timezone.localdate())


class BlacklistPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[BlacklistEntryOut]


# ---------------------------------------------------------------- can order


class CanOrderOut(Schema):
    supplier_id: int
    code: str
    can_order: bool
    reasons: list[str]


class CanOrderList(Schema):
    results: list[CanOrderOut]
    not_found: list[str] = Field(description="Requested ids or codes that match no supplier.")
