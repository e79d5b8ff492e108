"""ESRS G1 business conduct: G1-2 management of relationships with suppliers (the agreements the registry holds)
and G1-6 payment practices from the imported accounts-payable records (PaymentRecord).

G1-6 counts the invoices *paid* within the period. The contractual term of an invoice is its due date; an invoice
without one is held to the period's standard payment terms (`standard_payment_days`). An invoice is aligned with
the terms when it was paid on or before its due date (or within the standard days when it has none). Days to pay
run from the invoice date (the start of the term) to the payment date. Percentages count invoices, not amounts.
Invoices from vendors outside the registry (no supplier) are counted when the report has no supplier filters.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from supplyesg.reporting.computations.base import Result, Row, Scope, computation, percent
from supplyesg.reporting.computations.common import SUPPLIER_COLUMNS, supplier_row, suppliers_in_scope
from supplyesg.reporting.models import PaymentRecord
from supplyesg.suppliers.models import SignedAgreement, Supplier

INVOICE_COLUMNS = (
    "Supplier code",
    "Invoice number",
    "Invoice date",
    "Due date",
    "Payment date",
    "Days to pay",
    "Term (days)",
    "Aligned with terms",
    "SME",
    "Amount",
    "Currency",
)


def standard_days(scope: Scope) -> int:
    return int(scope.definitions.get("standard_payment_days") or 0)


def _filtered(scope: Scope):
    """Payment records of the suppliers in the report's scope (and non-registry vendors when nothing filters)."""
    records = PaymentRecord.objects.all()
    if scope.effective_tiers or scope.countries or scope.categories:
        records = records.filter(supplier__in=suppliers_in_scope(scope))
    return records


def paid_in_period(scope: Scope, *, sme: bool | None = None) -> list[PaymentRecord]:
    records = _filtered(scope).filter(paid_date__gte=scope.start, paid_date__lte=scope.end)
    if sme is not None:
        records = records.filter(is_sme=sme)
    return list(records.order_by("paid_date", "supplier_code", "invoice_number"))


def term_days(record: PaymentRecord, standard: int) -> int:
    return (record.due_date - record.invoice_date).days if record.due_date else standard


def days_to_pay(record: PaymentRecord) -> int:
    return (record.paid_date - record.invoice_date).days


def is_aligned(record: PaymentRecord, standard: int) -> bool:
    if record.due_date:
        return record.paid_date <= record.due_date
    return record.paid_date <= record.invoice_date + timedelta(days=standard)


def invoice_row(record: PaymentRecord, standard: int) -> Row:
    return Row(
        "reporting.paymentrecord",
        record.pk,
        (
            record.supplier_code,
            record.invoice_number,
            record.invoice_date,
            record.due_date,
            record.paid_date,
            days_to_pay(record) if record.paid_date else None,
            term_days(record, standard),
            is_aligned(record, standard) if record.paid_date else None,
            record.is_sme,
            record.amount,
            record.currency,
        ),
    )


def payment_flags(scope: Scope, paid: list[PaymentRecord]) -> list[str]:
    """What a reader should know about the records behind a G1-6 figure."""
    flags = []
    unpaid = _filtered(scope).filter(invoice_date__lte=scope.end, paid_date__isnull=True).count()
    if unpaid:
        flags.append(_("%(count)d invoices dated up to the period end are unpaid and not counted.") % {"count": unpaid})
    no_due = sum(1 for r in paid if r.due_date is None)
    if no_due:
        flags.append(
            _("%(count)d invoices have no due date: the standard term of %(days)d days was used.")
            % {"count": no_due, "days": standard_days(scope)}
        )
    currencies = sorted({r.currency for r in paid})
    if len(currencies) > 1:
        flags.append(
            _("The invoices are in several currencies (%(list)s): amounts are not comparable.") % {"list": ", ".join(currencies)}
        )
    if not paid:
        flags.append(_("No invoice was paid in the period: import the accounts-payable records."))
    return flags


@computation("payments_average_days")
def average_days_to_pay(scope: Scope) -> Result:
    """G1-6 a: mean of (payment date - invoice date) over the invoices paid in the period, in days to 0.1."""
    standard = standard_days(scope)
    paid = paid_in_period(scope, sme=scope.params.get("sme"))
    value = None
    if paid:
        value = (Decimal(sum(days_to_pay(r) for r in paid)) / len(paid)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Result(value, INVOICE_COLUMNS, [invoice_row(r, standard) for r in paid], payment_flags(scope, paid))


@computation("payments_standard_terms")
def standard_terms(scope: Scope) -> Result:
    """G1-6 b: the standard term in days; rows are the suppliers whose invoices' due dates give other terms."""
    standard = standard_days(scope)
    paid = paid_in_period(scope)
    terms: dict[str, set[int]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for record in paid:
        if record.due_date and term_days(record, standard) != standard:
            terms[record.supplier_code].add(term_days(record, standard))
            counts[record.supplier_code] += 1
    suppliers = {s.code: s for s in Supplier.objects.filter(code__in=terms).only("pk", "code", "legal_name")}
    rows = []
    for code in sorted(terms):
        supplier = suppliers.get(code)
        rows.append(
            Row(
                "suppliers.supplier" if supplier else "reporting.paymentrecord",
                supplier.pk if supplier else None,
                (code, supplier.legal_name if supplier else "", ", ".join(str(d) for d in sorted(terms[code])), counts[code]),
            )
        )
    columns = ("Supplier code", "Supplier", "Terms given by due dates (days)", "Invoices")
    return Result(standard, columns, rows, payment_flags(scope, paid) if not paid else [])


@computation("payments_aligned_percent")
def aligned_percent(scope: Scope) -> Result:
    """G1-6 c: invoices paid in the period that were paid within their terms, as a % of those paid.
    `params.sme`: true counts only SMEs' invoices, false only the others', absent all."""
    standard = standard_days(scope)
    paid = paid_in_period(scope, sme=scope.params.get("sme"))
    aligned = sum(1 for r in paid if is_aligned(r, standard))
    flags = payment_flags(scope, paid)
    return Result(percent(aligned, len(paid)), INVOICE_COLUMNS, [invoice_row(r, standard) for r in paid], flags)


@computation("payments_late_proceedings")
def late_payment_proceedings(scope: Scope) -> Result:
    """G1-6 d: entered by the user on the period (definitions frozen with the snapshot)."""
    return Result(int(scope.definitions.get("late_payment_proceedings") or 0), note="")


def _agreements_in_force(scope: Scope):
    return SignedAgreement.objects.filter(signed_at__date__lte=scope.end).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=scope.end)
    )


@computation("suppliers_with_signed_agreements")
def suppliers_with_signed_agreements(scope: Scope) -> Result:
    """G1-2: suppliers in scope holding at least one agreement (code of conduct, CSR commitment) signed by the
    period end and not revoked by then. `params.agreement`: only that agreement type's code."""
    agreements = _agreements_in_force(scope)
    if scope.params.get("agreement"):
        agreements = agreements.filter(agreement_type__code=scope.params["agreement"])
    qs = suppliers_in_scope(scope).filter(pk__in=agreements.values("supplier_id")).order_by("code")
    rows = [supplier_row(s) for s in qs.only("pk", "code", "legal_name", "tier", "country")]
    return Result(len(rows), SUPPLIER_COLUMNS, rows)


@computation("approved_suppliers_signed_percent")
def approved_suppliers_signed_percent(scope: Scope) -> Result:
    """G1-2: of the approved suppliers in scope, the % holding a signed agreement in force at the period end."""
    approved = suppliers_in_scope(scope).filter(status__in=Supplier.APPROVED_STATUSES).order_by("code")
    signed = set(_agreements_in_force(scope).filter(supplier__in=approved).values_list("supplier_id", flat=True))
    rows = [supplier_row(s, s.pk in signed) for s in approved.only("pk", "code", "legal_name", "tier", "country")]
    flags = [] if rows else [_("No approved supplier is in the report's scope.")]
    return Result(percent(len(signed), len(rows)), (*SUPPLIER_COLUMNS, "Signed agreement"), rows, flags)
