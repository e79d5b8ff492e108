"""ESRS G1 payment practices: the G1-6 figures on a hand-counted invoice set, the accounts-payable import (every bad
cell named, a rejected file changing nothing, a re-import updating by supplier code and invoice number), the page
and the API with the personas, and the whole catalogue loaded with the G1 line items in it."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from supplyesg.core.models import AuditEvent
from supplyesg.reporting.models import LineItem, PaymentRecord
from supplyesg.reporting.services import inputs, snapshots
from supplyesg.reporting.services.catalogue import load_catalogue
from supplyesg.suppliers.models import SignedAgreement, Supplier
from tests.factories import make_agreement_type, make_supplier

pytestmark = pytest.mark.django_db
HEADER = [
    "supplier_code",
    "invoice_number",
    "invoice_date",
    "due_date",
    "paid_date",
    "amount",
    "currency",
    "is_sme",
    "non_registry",
]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        yield


def pay(supplier, number, invoiced, due, paid, *, sme=False, currency="CNY", amount="100.00"):
    return PaymentRecord.objects.create(
        supplier=supplier,
        supplier_code=supplier.code if supplier else "V-LANDLORD",
        invoice_number=number,
        invoice_date=invoiced,
        due_date=due,
        paid_date=paid,
        amount=Decimal(amount),
        currency=currency,
        is_sme=sme,
    )


@pytest.fixture
def invoices(db):
    """Standard terms 60 days. Paid in 2026 (days to pay, aligned?):
    INV1 A due 03-11, paid 03-01: 50 days, on time.   INV2 A term 30 days, paid 10 days late: 40 days, late.
    INV3 B (SME) no due date, paid after 70 days > 60: late.   INV4 B (SME, USD) no due date, 30 days: on time.
    INV5 A invoiced 2025-12-01, due 2026-01-30, paid 2026-01-20: 50 days, on time (paid in the period: counted).
    Not counted: INV6 unpaid (flagged), INV7 paid in 2025."""
    a = make_supplier(code="SA", legal_name="Alpha Cable", country="CN", status=Supplier.Status.ACTIVE)
    b = make_supplier(code="SB", legal_name="Beta Solder", country="MY", status=Supplier.Status.ACTIVE)
    pay(a, "INV1", date(2026, 1, 10), date(2026, 3, 11), date(2026, 3, 1))
    pay(a, "INV2", date(2026, 2, 1), date(2026, 3, 3), date(2026, 3, 13))
    pay(b, "INV3", date(2026, 3, 1), None, date(2026, 5, 10), sme=True)
    pay(b, "INV4", date(2026, 4, 1), None, date(2026, 5, 1), sme=True, currency="USD")
    pay(a, "INV5", date(2025, 12, 1), date(2026, 1, 30), date(2026, 1, 20))
    pay(a, "INV6", date(2026, 11, 1), date(2026, 12, 31), None)
    pay(a, "INV7", date(2025, 11, 1), date(2025, 12, 31), date(2025, 12, 20))
    return a, b


@pytest.fixture
def period(compliance):
    period = snapshots.create_period(actor=compliance, year=2026)
    return snapshots.change_definitions(actor=compliance, period=period, standard_payment_days=60, late_payment_proceedings=2)


def figures(snapshot) -> dict:
    return {f.code: f for f in snapshot.figures.all()}


def test_the_g1_6_figures_match_the_hand_counted_invoices(compliance, invoices, period):
    load_catalogue(actor=compliance)
    got = figures(snapshots.take_snapshot(actor=compliance, period=period))
    # (50 + 40 + 70 + 30 + 50) / 5 invoices paid in 2026 = 48.0 days
    assert got["ESRS G1-6 a"].value == "48.0"
    assert [row["cells"][1] for row in got["ESRS G1-6 a"].rows] == ["INV5", "INV1", "INV2", "INV4", "INV3"]
    # SMEs: INV3 70 days, INV4 30 days -> 50.0
    assert got["ESRS G1-6 a SME"].value == "50.0"
    # standard 60 days; only supplier SA has an invoice whose due date gives another term (INV2: 30 days)
    assert got["ESRS G1-6 b"].value == 60
    assert [row["cells"] for row in got["ESRS G1-6 b"].rows] == [["SA", "Alpha Cable", "30", 1]]
    # aligned: INV1, INV4, INV5 = 3 of 5 = 60.0 %; SMEs: INV4 of INV3, INV4 = 50.0 %
    assert got["ESRS G1-6 c"].value == "60.0"
    assert got["ESRS G1-6 c SME"].value == "50.0"
    assert got["ESRS G1-6 d"].value == 2
    flags = got["ESRS G1-6 c"].flags
    assert "1 invoices dated up to the period end are unpaid and not counted." in flags
    assert "2 invoices have no due date: the standard term of 60 days was used." in flags
    assert any("CNY, USD" in flag for flag in flags)


def test_a_shorter_standard_term_changes_what_counts_as_aligned(compliance, invoices, period):
    load_catalogue(actor=compliance)
    snapshots.change_definitions(actor=compliance, period=period, standard_payment_days=30)
    got = figures(snapshots.take_snapshot(actor=compliance, period=period))
    # 30 days: INV4 (30 days, no due date) still on time, INV3 late; due dates unchanged -> 3 of 5
    assert got["ESRS G1-6 c"].value == "60.0"
    # INV1 and INV5 now have terms other than 30 days; INV2's 30 days is standard
    assert [row["cells"][2] for row in got["ESRS G1-6 b"].rows] == ["60"]


def test_a_country_filter_counts_only_that_countrys_suppliers_and_leaves_out_non_registry_vendors(compliance, invoices, period):
    load_catalogue(actor=compliance)
    pay(None, "RENT-1", date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 1))  # late, outside the registry
    everyone = figures(snapshots.take_snapshot(actor=compliance, period=period))
    # 6 paid in 2026, aligned still 3 -> 50.0 %
    assert everyone["ESRS G1-6 c"].value == "50.0"
    malaysia = figures(snapshots.take_snapshot(actor=compliance, period=period, filters={"countries": ["MY"]}))
    # Beta Solder only: INV3 late, INV4 on time
    assert malaysia["ESRS G1-6 c"].value == "50.0"
    assert malaysia["ESRS G1-6 a"].row_count == 2


def test_no_paid_invoice_gives_no_value_and_a_flag_never_zero(compliance, period):
    load_catalogue(actor=compliance)
    got = figures(snapshots.take_snapshot(actor=compliance, period=period))
    assert got["ESRS G1-6 a"].value is None
    assert got["ESRS G1-6 c"].value is None
    assert "No invoice was paid in the period: import the accounts-payable records." in got["ESRS G1-6 c"].flags


def test_g1_2_counts_suppliers_with_an_agreement_in_force_at_the_period_end(compliance, period):
    load_catalogue(actor=compliance)
    code = make_agreement_type(code="coc")
    signed = make_supplier(code="S1", status=Supplier.Status.ACTIVE)
    revoked = make_supplier(code="S2", status=Supplier.Status.ACTIVE)
    make_supplier(code="S3", status=Supplier.Status.ACTIVE)  # never signed
    for supplier, revoked_at in ((signed, None), (revoked, datetime(2026, 6, 1, tzinfo=UTC))):
        SignedAgreement.objects.create(
            supplier=supplier, agreement_type=code, method="portal", version="1", text_hash="x", signer_name="Li",
            signer_title="CEO", signed_at=datetime(2026, 2, 1, tzinfo=UTC), revoked_at=revoked_at,
        )  # fmt: skip
    got = figures(snapshots.take_snapshot(actor=compliance, period=period))
    assert got["ESRS G1-2 a"].value == 1
    # 1 of 3 approved suppliers -> 33.3 %
    assert got["ESRS G1-2 b"].value == "33.3"


def test_the_whole_catalogue_loads_with_the_g1_and_workforce_items(compliance):
    load = load_catalogue(actor=compliance)
    assert {"esrs_g1.json", "kpi_workforce.json"} <= set(load.files)
    codes = set(LineItem.objects.filter(catalogue__version=load.version).values_list("code", flat=True))
    assert {"ESRS G1-2 a", "ESRS G1-6 a", "ESRS G1-6 b", "ESRS G1-6 c", "ESRS G1-6 c SME", "ESRS G1-6 d", "KPI-WF-2"} <= codes
    g1 = LineItem.objects.get(code="ESRS G1-6 a")
    assert g1.framework_version == "ESRS G1 Business conduct (2023)"


# ---------------------------------------------------------------- the import


def xlsx(rows, name="ap.xlsx", sheet="Payments") -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    return SimpleUploadedFile(name, handle.getvalue())


def csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("ap.csv", text.encode("utf-8"), content_type="text/csv")


def stored() -> dict:
    return {
        (p.supplier_code, p.invoice_number): (p.invoice_date, p.due_date, p.paid_date, p.amount, p.currency, p.is_sme)
        for p in PaymentRecord.objects.all()
    }


def test_an_import_with_any_bad_cell_names_each_cell_and_changes_nothing(compliance):
    a = make_supplier(code="SA")
    pay(a, "OLD-1", date(2026, 1, 5), None, date(2026, 2, 1))
    before = stored()
    result = inputs.import_payments(
        xlsx(
            [
                HEADER,
                ["SA", "INV-1", date(2026, 3, 2), date(2026, 5, 1), date(2026, 4, 28), 1250.5, "CNY", "yes", None],
                ["SA", "INV-2", "31.02.2026", None, None, "12,000", "CNY", None, None],
                ["SX", "INV-3", date(2026, 3, 2), date(2026, 3, 1), None, -5, "yuan", "maybe", None],
                ["SA", "INV-1", date(2026, 3, 2), None, None, 1, "CNY", None, None],
            ]
        ),
        actor=compliance,
    )
    assert not result.ok and not result.applied
    assert result.errors == [
        'Payments!C3: invoice_date "31.02.2026" is not a date (write 2026-03-31)',
        "Payments!F4: amount -5 is below 0",
        'Payments!G4: currency "YUAN" is not a three-letter currency code such as CNY',
        'Payments!H4: is_sme "maybe" must be yes or no',
        'Payments!A4: supplier code "SX" is not a known supplier (write yes in non_registry for a vendor outside the registry)',
        "Payments!D4: the due date is before the invoice date",
        "Payments!B5: invoice INV-1 of SA is also in row 2 of this file",
    ]
    assert result.failed == 3
    assert stored() == before


def test_an_import_creates_then_updates_by_supplier_code_and_invoice_number(compliance):
    a = make_supplier(code="SA")
    first = inputs.import_payments(
        csv(
            "supplier_code,invoice_number,invoice_date,due_date,paid_date,amount,currency,is_sme,non_registry\n"
            "SA,INV-1,2026-03-02,2026-05-01,,1250.50,cny,no,\n"
            "V-RENT,R-7,2026/03/01,,2026-03-05,8000,CNY,,yes\n"
        ),
        actor=compliance,
    )
    assert first.ok and (first.created, first.updated) == (2, 0)
    assert PaymentRecord.objects.get(invoice_number="INV-1").supplier == a
    assert PaymentRecord.objects.get(invoice_number="R-7").supplier is None
    # Chinese headers, the invoice paid now, the vendor's row unchanged
    second = inputs.import_payments(
        csv(
            "供应商编码,发票号,发票日期,到期日,付款日期,金额,币种,非名录供应商\n"
            "SA,INV-1,2026-03-02,2026-05-01,2026-04-30,1250.50,CNY,\n"
            "V-RENT,R-7,2026-03-01,,2026-03-05,8000,CNY,yes\n"
        ),
        actor=compliance,
    )
    assert second.ok and (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert PaymentRecord.objects.get(invoice_number="INV-1").paid_date == date(2026, 4, 30)
    assert PaymentRecord.objects.count() == 2
    assert AuditEvent.objects.filter(action="reporting.payments_imported").count() == 2


def test_a_csv_error_names_the_row_and_column(compliance):
    result = inputs.import_payments(
        csv("supplier_code,invoice_number,invoice_date,amount,currency\nSA,1,2026-01-01,x,CNY\n"), actor=compliance
    )
    assert 'row 2, column amount: amount "x" is not a number' in result.errors
    assert (
        "row 2, column supplier_code: "
        + ('supplier code "SA" is not a known supplier (write yes in non_registry for a vendor outside the registry)')
        in result.errors
    )


def test_a_file_without_a_required_column_is_refused(compliance):
    result = inputs.import_payments(csv("supplier_code,invoice_number,amount\nSA,1,5\n"), actor=compliance)
    assert result.errors == [
        'row 1: the required column "invoice_date" (发票日期) is missing',
        'row 1: the required column "currency" (币种) is missing',
    ]
    assert PaymentRecord.objects.count() == 0


def test_the_template_opens_in_libreoffice_and_its_columns_are_recognised(compliance, office, tmp_path):
    path = tmp_path / "payments-template.xlsx"
    path.write_bytes(inputs.payments_template().getvalue())
    converted = office.convert(
        [path], "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", tmp_path / "out"
    )
    text = next(p for p in converted if "Payments" in p.name).read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(HEADER)
    assert "INV-2026-0001" in text
    # Imported as it is, only the example supplier code is unknown: every column was recognised
    result = inputs.import_payments(SimpleUploadedFile("t.xlsx", path.read_bytes()), actor=compliance)
    assert result.errors == [
        'Payments!A2: supplier code "S000123" is not a known supplier '
        "(write yes in non_registry for a vendor outside the registry)"
    ]


# ---------------------------------------------------------------- page and API with the personas


def test_the_payments_page_lists_with_totals_and_imports_for_compliance(client_for, compliance, invoices):
    page = client_for(compliance).get(reverse("reporting:payments"), {"year": 2026, "state": "unpaid"})
    assert page.status_code == 200
    assert list(page.context["records"].values_list("invoice_number", flat=True)) == ["INV6"]
    assert page.context["totals"]["invoices"] == 1
    upload = xlsx([HEADER, ["SA", "INV-9", date(2026, 6, 1), None, date(2026, 6, 20), 10, "CNY", None, None]])
    response = client_for(compliance).post(reverse("reporting:payments"), {"file": upload})
    assert response.status_code == 200
    assert PaymentRecord.objects.filter(invoice_number="INV-9").exists()
    bad = client_for(compliance).post(
        reverse("reporting:payments"), {"file": xlsx([HEADER, ["SA", "INV-10", "x", None, None, 1, "CNY"]])}
    )
    assert bad.status_code == 400
    assert "Payments!C2: invoice_date &quot;x&quot; is not a date (write 2026-03-31)" in bad.content.decode()


def test_the_viewer_reads_payments_but_cannot_import_and_supplier_users_get_404(client_for, viewer, supplier_a_user, invoices):
    assert client_for(viewer).get(reverse("reporting:payments")).status_code == 200
    upload = xlsx([HEADER, ["SA", "INV-9", date(2026, 6, 1), None, None, 10, "CNY", None, None]])
    assert client_for(viewer).post(reverse("reporting:payments"), {"file": upload}).status_code == 403
    assert client_for(supplier_a_user).get(reverse("reporting:payments")).status_code == 404
    assert client_for(supplier_a_user).get("/api/reporting/payments").status_code == 404
    assert not PaymentRecord.objects.filter(invoice_number="INV-9").exists()


def test_the_api_lists_and_imports_payments(client_for, compliance, viewer, invoices):
    listed = client_for(viewer).get("/api/reporting/payments", {"year": 2026, "supplier_code": "SB"})
    assert listed.status_code == 200
    assert [item["invoice_number"] for item in listed.json()["items"]] == ["INV4", "INV3"]
    upload = xlsx([HEADER, ["SA", "INV-9", date(2026, 6, 1), None, None, "x", "CNY", None, None]])
    refused = client_for(compliance).post("/api/reporting/payments/import", {"file": upload})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["message"] == 'Payments!F2: amount "x" is not a number'
    assert client_for(viewer).post("/api/reporting/payments/import", {"file": upload}).status_code == 403


def test_deep_pages_of_the_api_list_are_the_pages_the_forward_reading_gives(client_for, viewer, supplier_a):
    for n in range(11):  # invoice dates tied in threes
        pay(supplier_a, f"INV-{n}", date(2026, 5, 1 + n % 3), None, None)
    client = client_for(viewer)
    everything = client.get("/api/reporting/payments").json()
    assert everything["count"] == len(everything["items"]) == 11
    for offset in (6, 9, 10, 11):
        body = client.get("/api/reporting/payments", {"offset": offset}).json()
        assert body == {"count": 11, "offset": offset, "items": everything["items"][offset:]}, offset
