"""Accounts-payable records (ESRS G1-6): import, list, template."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.reporting.models import PaymentRecord
from supplyesg.reporting.services.inputs.sheets import (
    IN_CHUNK,
    PAYMENTS_SHEET,
    Column,
    ImportResult,
    SheetRow,
    build_template,
    parse_amount,
    parse_currency,
    parse_date,
    parse_text,
    parse_yes_no,
    read_rows,
    record_import,
    upload_name,
)
from supplyesg.suppliers.models import Supplier

PAYMENT_COLUMNS = (
    Column(
        "supplier_code",
        gettext_lazy("Supplier code"),
        "供应商编码",
        parse_text(30),
        True,
        gettext_lazy("The supplier's code in SupplyESG, e.g. S000123 (or the vendor's code, see non_registry)."),
        ("vendor code", "vendor", "supplier", "供应商代码", "供应商编号"),
    ),
    Column(
        "invoice_number",
        gettext_lazy("Invoice number"),
        "发票号",
        parse_text(60),
        True,
        gettext_lazy("With the supplier code it identifies the invoice: importing it again updates it."),
        ("invoice", "invoice no", "发票号码", "发票编号"),
    ),
    Column(
        "invoice_date",
        gettext_lazy("Invoice date"),
        "发票日期",
        parse_date,
        True,
        gettext_lazy("The date the payment term starts, e.g. 2026-03-31."),
        ("开票日期",),
    ),
    Column(
        "due_date",
        gettext_lazy("Due date"),
        "到期日",
        parse_date,
        False,
        gettext_lazy("The contractual due date; empty: the period's standard payment terms apply."),
        ("应付日期", "付款到期日"),
    ),
    Column(
        "paid_date",
        gettext_lazy("Payment date"),
        "付款日期",
        parse_date,
        False,
        gettext_lazy("Empty while the invoice is unpaid."),
        ("paid", "payment date", "paid on", "实付日期"),
    ),
    Column(
        "amount",
        gettext_lazy("Amount"),
        "金额",
        parse_amount,
        True,
        gettext_lazy("The invoice amount, 0 or more, two decimals at most."),
        ("invoice amount", "发票金额"),
    ),
    Column(
        "currency",
        gettext_lazy("Currency"),
        "币种",
        parse_currency,
        True,
        gettext_lazy("ISO 4217 code, e.g. CNY, USD, EUR."),
        ("货币",),
    ),
    Column(
        "is_sme",
        gettext_lazy("SME"),
        "中小企业",
        parse_yes_no,
        False,
        gettext_lazy("yes when the supplier is a small or medium enterprise (default no)."),
        ("sme", "small or medium enterprise"),
    ),
    Column(
        "non_registry",
        gettext_lazy("Non-registry vendor"),
        "非名录供应商",
        parse_yes_no,
        False,
        gettext_lazy("yes for a vendor that is not in the supplier registry (its code is then kept as given)."),
        ("non registry", "not in registry"),
    ),
)

# ---------------------------------------------------------------- accounts payable


PAYMENT_FIELDS = ("supplier_id", "invoice_date", "due_date", "paid_date", "amount", "currency", "is_sme")


def _check_payments(rows: list[SheetRow]) -> dict[str, int]:
    codes = sorted({r.values["supplier_code"] for r in rows if r.values.get("supplier_code")})
    known = {}
    for start in range(0, len(codes), IN_CHUNK):
        known.update(Supplier.objects.filter(code__in=codes[start : start + IN_CHUNK]).values_list("code", "pk"))
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        v = row.values
        code, invoice = v.get("supplier_code"), v.get("invoice_number")
        if code and code not in known and not v.get("non_registry"):
            row.error(
                "supplier_code",
                _(
                    'supplier code "%(code)s" is not a known supplier '
                    "(write yes in non_registry for a vendor outside the registry)"
                )
                % {"code": code},
            )
        if v.get("invoice_date") and v.get("due_date") and v["due_date"] < v["invoice_date"]:
            row.error("due_date", _("the due date is before the invoice date"))
        if v.get("invoice_date") and v.get("paid_date") and v["paid_date"] < v["invoice_date"]:
            row.error("paid_date", _("the payment date is before the invoice date"))
        if v.get("paid_date") and v["paid_date"] > timezone.localdate():
            row.error("paid_date", _("the payment date is in the future"))
        if code and invoice:
            if (code, invoice) in seen:
                row.error(
                    "invoice_number",
                    _("invoice %(invoice)s of %(code)s is also in row %(row)d of this file")
                    % {"invoice": invoice, "code": code, "row": seen[(code, invoice)]},
                )
            else:
                seen[(code, invoice)] = row.number
    return known


def import_payments(file, *, actor) -> ImportResult:
    """Check every cell of the accounts-payable file, then create and update all rows, or change nothing."""
    result = ImportResult(filename=upload_name(file, "payments.csv"))
    rows = read_rows(file, PAYMENT_COLUMNS, result)
    if result.errors:
        return result
    known = _check_payments(rows)
    result.failed = sum(1 for row in rows if row.errors)
    result.errors.extend(error for row in rows for error in row.errors)
    if not result.errors:
        _apply_payments(rows, known, actor=actor, result=result)
    return result


@transaction.atomic
def _apply_payments(rows: list[SheetRow], known: dict[str, int], *, actor, result: ImportResult) -> None:
    codes = sorted({r.values["supplier_code"] for r in rows})
    existing = {}
    for start in range(0, len(codes), IN_CHUNK):
        for record in PaymentRecord.objects.filter(supplier_code__in=codes[start : start + IN_CHUNK]):
            existing[(record.supplier_code, record.invoice_number)] = record
    now = timezone.now()
    creates, updates = [], []
    for row in rows:
        v = row.values
        new = {
            "supplier_id": known.get(v["supplier_code"]),
            "invoice_date": v["invoice_date"],
            "due_date": v.get("due_date"),
            "paid_date": v.get("paid_date"),
            "amount": v["amount"],
            "currency": v["currency"],
            "is_sme": bool(v.get("is_sme")),
        }
        record = existing.get((v["supplier_code"], v["invoice_number"]))
        if record is None:
            creates.append(
                PaymentRecord(supplier_code=v["supplier_code"], invoice_number=v["invoice_number"], imported_at=now, **new)
            )
        elif all(getattr(record, name) == value for name, value in new.items()):
            result.unchanged += 1
        else:
            for name, value in new.items():
                setattr(record, name, value)
            record.imported_at = now
            updates.append(record)
    PaymentRecord.objects.bulk_create(creates, batch_size=500)
    PaymentRecord.objects.bulk_update(updates, [*PAYMENT_FIELDS, "imported_at"], batch_size=500)
    result.created, result.updated, result.applied = len(creates), len(updates), True
    record_import(actor=actor, action="reporting.payments_imported", model=PaymentRecord, result=result)


def payments_list(*, year: int | None = None, supplier_code: str = "", state: str = ""):
    """Payment records for the list page: invoices dated or paid in `year`; state paid / unpaid / late."""
    qs = PaymentRecord.objects.select_related("supplier")
    if year:
        qs = qs.filter(Q(invoice_date__year=year) | Q(paid_date__year=year))
    if supplier_code:
        qs = qs.filter(supplier_code__iexact=supplier_code.strip())
    if state == "paid":
        qs = qs.filter(paid_date__isnull=False)
    elif state == "unpaid":
        qs = qs.filter(paid_date__isnull=True)
    elif state == "late":
        qs = qs.filter(paid_date__gt=F("due_date"))
    # unique before the pk already; the pk last lets the API read a page past the middle from the end (core.paging)
    return qs.order_by("-invoice_date", "supplier_code", "invoice_number", "pk")


def payments_totals(qs) -> dict:
    """Invoice counts and amounts per currency of a list (amounts are never added across currencies)."""
    by_currency = list(qs.order_by().values("currency").annotate(invoices=Count("pk"), amount=Sum("amount")).order_by("currency"))
    return {
        "invoices": qs.count(),
        "unpaid": qs.filter(paid_date__isnull=True).count(),
        "by_currency": by_currency,
    }


def payments_template() -> io.BytesIO:
    example = [
        "S000123",
        "INV-2026-0001",
        date(2026, 3, 2),
        date(2026, 5, 1),
        date(2026, 4, 28),
        Decimal("12500.00"),
        "CNY",
        "yes",
        "no",
    ]
    lines = [
        _(
            "One invoice per row on the Payments sheet. Keep the header row; headers may be the English column names "
            "or the Chinese headers above."
        ),
        _("Replace the example row with your accounts-payable records before importing."),
        _("A row with the supplier code and invoice number of a stored invoice updates it."),
    ]
    return build_template(PAYMENTS_SHEET, PAYMENT_COLUMNS, example, lines)
