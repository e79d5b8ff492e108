"""Reporting JSON API: the inputs part: accounts-payable records and their import, own-workforce figures, and the
management reviews of a period. Same access helpers and services as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from supplyesg.core.access import Cap
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import Offset, Year
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.core.files import SPREADSHEET_EXTENSIONS, validate_upload
from supplyesg.core.paging import page
from supplyesg.reporting.access import get_period_for_user, require_reporting
from supplyesg.reporting.models import AnnualFigures
from supplyesg.reporting.services import inputs, reviews

router = Router(tags=["reporting"])
PAGE = 200


class PaymentFilters(Schema):
    year: Year | None = None
    supplier_code: str = Field("", max_length=30)
    state: Literal["", "paid", "unpaid", "late"] = ""
    offset: Offset = 0


class PaymentOut(Schema):
    id: int
    supplier_id: int | None
    supplier_code: str
    invoice_number: str
    invoice_date: date
    due_date: date | None
    paid_date: date | None
    amount: Decimal
    currency: str
    is_sme: bool
    imported_at: datetime


class PaymentPage(Schema):
    count: int
    offset: int
    items: list[PaymentOut]


class ImportOut(Schema):
    filename: str
    applied: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    failed: int
    errors: list[str]
    ignored_columns: list[str]


class WorkforceIn(Schema):
    headcount: int | None = Field(None, ge=0, le=2_000_000_000)
    training_hours: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    training_person_times: int | None = Field(None, ge=0, le=2_000_000_000)
    satisfaction_score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    grievances_received: int | None = Field(None, ge=0, le=2_000_000_000)
    grievances_resolved: int | None = Field(None, ge=0, le=2_000_000_000)
    source: str = Field("", max_length=200)


class WorkforceOut(WorkforceIn):
    year: int
    updated_at: datetime


class ReviewActionOut(Schema):
    text: str
    owner: str
    due_on: date
    status: str
    outcome: str
    overdue: bool


class ReviewOut(Schema):
    held_on: date
    chair: str
    participants: str
    summary: str
    decisions: str
    snapshot: int | None
    actions: list[ReviewActionOut]


@router.get(
    "/reporting/payments",
    auth=needs(Cap.VIEW),
    response={200: PaymentPage, **_errors(401, 404, 422)},
    summary="Accounts-payable records behind ESRS G1-6 (200 per page)",
    url_name="reporting_payments",
)
def list_payments(request, filters: Query[PaymentFilters]):
    require_reporting(request.user)
    qs = inputs.payments_list(year=filters.year, supplier_code=filters.supplier_code, state=filters.state)
    return page(qs, limit=PAGE, offset=filters.offset)  # PaymentPage leaves the fixed limit out


@router.post(
    "/reporting/payments/import",
    auth=needs(Cap.REVIEW),
    response={200: ImportOut, **_errors(400, 401, 403, 404, 422)},
    summary="Import accounts-payable records (.xlsx or .csv); a file with any error changes nothing",
    url_name="reporting_payments_import",
)
def import_payments(request, file: File[UploadedFile]):
    require_reporting(request.user, write=True)
    validate_upload(file, allowed=SPREADSHEET_EXTENSIONS, field="file")
    result = inputs.import_payments(file, actor=request.user)
    body = {**result.__dict__}
    if not result.ok:
        return Status(400, {"detail": result.errors[0], "errors": [{"field": "file", "message": e} for e in result.errors]})
    return body


@router.get(
    "/reporting/workforce",
    auth=needs(Cap.VIEW),
    response={200: list[WorkforceOut], **_errors(401, 404)},
    summary="Own-workforce figures per year (null: not entered)",
    url_name="reporting_workforce",
)
def list_workforce(request):
    require_reporting(request.user)
    return list(AnnualFigures.objects.order_by("-year"))


@router.put(
    "/reporting/workforce/{year}",
    auth=needs(Cap.REVIEW),
    response={200: WorkforceOut, **_errors(400, 401, 403, 404, 422)},
    summary="Enter or replace a year's own-workforce figures",
    url_name="reporting_workforce_year",
)
def put_workforce(request, year: Year, payload: WorkforceIn):
    require_reporting(request.user, write=True)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("A year from 2000 to 2100.")})
    return inputs.save_annual_figures(actor=request.user, year=year, **payload.dict())


@router.get(
    "/reporting/periods/{year}/reviews",
    auth=needs(Cap.VIEW),
    response={200: list[ReviewOut], **_errors(401, 404)},
    summary="A reporting period's management reviews with their actions",
    url_name="reporting_reviews",
)
def list_reviews(request, year: Year):
    period = get_period_for_user(request.user, year)
    return reviews.reviews_for_export(period)
