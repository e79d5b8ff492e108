"""Programme KPIs (AIKO's agreements, due-diligence and traceability coverage and supplier exchanges, ASUS's training
person-times and hours, audits, corrective actions, grievances), each against counts made by hand below."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from supplyesg.audits.models import Audit, CorrectiveAction, Finding
from supplyesg.engagement.models import Attendance, Course, Session
from supplyesg.grievances.models import Report
from supplyesg.minerals.models import Campaign, SubmissionRequest
from supplyesg.reporting.computations import REGISTRY
from supplyesg.reporting.services import snapshots
from supplyesg.suppliers.models import SignedAgreement
from tests.factories import make_agreement_type, make_category, make_grievance, make_supplier


def aware(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 10, 0))


@pytest.fixture
def period(compliance):
    return snapshots.create_period(actor=compliance, year=2026)


def run(period, key, filters=None, **params):
    return REGISTRY[key](snapshots.scope_for(period, filters).with_item(params, {}))


def _sign(supplier, agreement, version=None, revoked=False, signed_at=None):
    return SignedAgreement.objects.create(
        supplier=supplier,
        agreement_type=agreement,
        method="portal",
        version=version or agreement.version,
        text_hash="x",
        signer_name="Li",
        signer_title="CEO",
        signed_at=signed_at or aware(2026, 2, 1),
        revoked_at=aware(2026, 3, 1) if revoked else None,
    )


def test_signed_agreement_coverage_per_required_type(period):
    social = make_agreement_type(code="social", name="Social responsibility", required_for_all=True)
    nda = make_agreement_type(code="nda", name="NDA", required_for_all=True)
    integrity = make_agreement_type(code="integrity", name="Integrity")
    solder = make_category(code="solder", minerals="tin")
    solder.required_agreements.set([integrity])
    alpha = make_supplier(legal_name="Alpha", status="active", categories=[solder])
    beta = make_supplier(legal_name="Beta", status="qualified")
    gamma = make_supplier(legal_name="Gamma", status="conditional", categories=[solder])
    prospect = make_supplier(legal_name="Prospect", status="prospect")
    for agreement in (social, nda, integrity):
        _sign(alpha, agreement)
    _sign(beta, social)
    _sign(beta, nda, revoked=True)  # revoked: not in force
    _sign(gamma, social)
    _sign(gamma, nda)
    _sign(gamma, integrity, version="0.9")  # an older version than the current one
    _sign(prospect, social)  # not on the approved list: not counted
    # social: Alpha, Beta, Gamma of 3 = 100 %; NDA: Alpha, Gamma of 3 = 66.7 %; integrity (solder only): Alpha of
    # Alpha and Gamma = 50 %. Every required one: Alpha only, of 3 = 33.3 %.
    result = run(period, "kpi_agreement_coverage")
    assert result.value == {"integrity": Decimal("50.0"), "nda": Decimal("66.7"), "social": Decimal("100.0")}
    gamma_rows = [r.cells[4:] for r in result.rows if r.cells[1] == "Gamma"]
    assert gamma_rows == [("integrity", "1.0", "missing"), ("nda", "1.0", "signed"), ("social", "1.0", "signed")]
    assert run(period, "kpi_agreement_coverage", measure="all").value == Decimal("33.3")
    # A signature given after the period's end does not count for it.
    SignedAgreement.objects.filter(supplier=beta, agreement_type=social).update(signed_at=aware(2027, 1, 5))
    assert run(period, "kpi_agreement_coverage").value["social"] == Decimal("66.7")


def test_due_diligence_coverage_counts_accepted_declarations_of_suppliers_whose_categories_involve_the_mineral(period):
    solder = make_category(code="solder", minerals="tin, silver")
    wafer = make_category(code="wafer", minerals="silicon")
    alpha = make_supplier(legal_name="Alpha", status="active", categories=[solder])
    beta = make_supplier(legal_name="Beta", status="active", categories=[solder])
    make_supplier(legal_name="Gamma", status="active", categories=[wafer])
    make_supplier(legal_name="Prospect", status="prospect", categories=[solder])
    campaign = Campaign.objects.create(
        name="CMRT 2026", reporting_year=2026, template="CMRT", minerals=["Tin"], due_date=date(2026, 6, 30)
    )
    SubmissionRequest.objects.create(campaign=campaign, supplier=alpha, status="accepted")
    SubmissionRequest.objects.create(campaign=campaign, supplier=beta, status="received_valid")
    # Tin: Alpha and Beta involve it (Gamma and the prospect do not count); Alpha's is accepted: 1 of 2.
    result = run(period, "kpi_due_diligence_coverage", mineral="Tin")
    assert result.value == Decimal("50.0")
    assert [(r.cells[1], r.cells[-1]) for r in result.rows] == [("Alpha", "covered"), ("Beta", "not covered")]
    silicon = run(period, "kpi_due_diligence_coverage", mineral="Silicon")
    assert silicon.value == Decimal("0.0")
    assert "No declaration about Silicon" in silicon.flags[0]


def _training_world():
    alpha = make_supplier(legal_name="Alpha", status="active")
    beta = make_supplier(legal_name="Beta", status="active", country="MY")
    gamma = make_supplier(legal_name="Gamma", status="active")
    course = Course.objects.create(code="ESG-1", title="ESG basics", hours=Decimal("2"))
    lms = Course.objects.create(code="LMS-1", title="Conflict minerals online", hours=Decimal("1"))
    session = Session.objects.create(course=course, starts_at=aware(2026, 4, 1), ends_at=aware(2026, 4, 2))

    def attend(
        supplier, name, status="attended", completed=True, held_on=date(2026, 4, 1), course=course, session=session, hours="2"
    ):
        Attendance.objects.create(
            course=course,
            session=session,
            supplier=supplier,
            person_name=name,
            status=status,
            held_on=held_on,
            hours=Decimal(hours),
            completed=completed,
        )

    attend(alpha, "Li")
    attend(alpha, "Wang")
    attend(alpha, "Zhao", course=lms, session=None, hours="1", held_on=date(2026, 5, 2))
    attend(beta, "Tan", completed=False)
    attend(gamma, "Chen", status="registered", completed=False)  # did not attend
    attend(gamma, "Chen", held_on=date(2025, 11, 1), session=None)  # the year before
    return alpha, beta, gamma


def test_supplier_training_person_times_hours_and_suppliers_trained(period):
    _training_world()
    # Attended in 2026: Alpha x3 (2 + 2 + 1 hours), Beta x1 (2 hours) = 4 person-times, 7 hours; completed: Alpha only.
    assert run(period, "kpi_supplier_training", measure="person_times").value == 4
    assert run(period, "kpi_supplier_training", measure="hours").value == Decimal("7.00")
    trained = run(period, "kpi_supplier_training", measure="suppliers_trained")
    assert trained.value == 1 and trained.rows[0].cells[1] == "Alpha"
    assert run(period, "kpi_supplier_training", {"countries": ["MY"]}, measure="person_times").value == 1


def test_supplier_exchanges_count_each_supplier_once_per_session(period):
    _training_world()
    # Alpha in the session (two people: one exchange), Alpha's LMS course on 2 May, Beta in the session = 3.
    result = run(period, "kpi_supplier_exchanges")
    assert result.value == 3
    assert sorted((r.cells[1], r.cells[-1]) for r in result.rows) == [("Alpha", 1), ("Alpha", 2), ("Beta", 1)]


def test_audits_conducted_of_planned(period):
    alpha = make_supplier(legal_name="Alpha", status="active")
    beta = make_supplier(legal_name="Beta", status="active")
    Audit.objects.create(supplier=alpha, year=2026, kind="onsite", status="reported", report_date=date(2026, 5, 1))
    Audit.objects.create(supplier=beta, year=2026, kind="desk", status="planned")
    Audit.objects.create(supplier=beta, year=2026, kind="desk", status="cancelled")
    Audit.objects.create(supplier=alpha, year=2025, kind="onsite", status="closed")
    # 2026 without the cancelled one: planned 2, conducted (report issued) 1.
    assert run(period, "kpi_audits", measure="planned").value == 2
    conducted = run(period, "kpi_audits", measure="conducted")
    assert conducted.value == 1 and conducted.rows[0].cells[1] == "Alpha"
    assert run(period, "kpi_audits", measure="share").value == Decimal("50.0")


def test_corrective_action_closure_rate_and_on_time_share(period):
    supplier = make_supplier(legal_name="Alpha", status="active")
    audit = Audit.objects.create(supplier=supplier, year=2026, kind="onsite", status="reported")

    def action(due, closed=None):
        finding = Finding.objects.create(audit=audit, severity="major", area="labour", description="Overtime")
        return CorrectiveAction.objects.create(
            finding=finding,
            audit=audit,
            plan_due=date(2026, 1, 31),
            remediation_due=due,
            status="closed" if closed else "approved",
            closed_at=aware(*closed) if closed else None,
        )

    action(date(2026, 3, 31), closed=(2026, 3, 15))  # on time
    action(date(2026, 4, 30), closed=(2026, 5, 10))  # late
    action(date(2026, 6, 30))  # still open
    action(date(2027, 1, 31), closed=(2026, 12, 1))  # due next year: not counted
    # Due in 2026: 3; closed: 2 -> 66.7 %; on time: 1 of the 2 closed -> 50 %.
    assert run(period, "kpi_corrective_actions", measure="closure_rate").value == Decimal("66.7")
    on_time = run(period, "kpi_corrective_actions", measure="on_time")
    assert on_time.value == Decimal("50.0") and len(on_time.rows) == 2


def test_grievance_figures_are_aggregates_with_small_cells_suppressed(period):
    reports = [make_grievance()[0] for _ in range(6)] + [make_grievance("own-staff")[0]]
    # Six supplier-worker reports received in 2026, acknowledged after 1, 2, 3, 4, 5 and 6 days, five of them closed;
    # one own-staff report (a cell of 1, below the default minimum of 5: shown as "<5").
    for n, report in enumerate(reports[:6], start=1):
        Report.objects.filter(pk=report.pk).update(
            received_on=date(2026, 3, 1),
            acknowledged_on=date(2026, 3, 1 + n),
            closed_on=date(2026, 4, 1) if n <= 5 else None,
        )
    Report.objects.filter(pk=reports[6].pk).update(received_on=date(2026, 3, 1), acknowledged_on=None, closed_on=None)
    by_channel = run(period, "kpi_grievances", measure="received_by_channel")
    assert by_channel.value == {"own_staff": "<5", "supplier_workers": 6}
    assert by_channel.rows == []
    assert run(period, "kpi_grievances", measure="closed").value == 5
    assert run(period, "kpi_grievances", measure="median_days_to_acknowledge").value == Decimal("3.5")  # (3 + 4) / 2
    Report.objects.filter(pk__in=[r.pk for r in reports[:3]]).update(closed_on=None)
    assert run(period, "kpi_grievances", measure="closed").value == "<5"
    assert "filters do not apply" in run(period, "kpi_grievances", {"tiers": [1]}, measure="closed").flags[0]


def test_traceability_coverage_without_traced_materials_says_so(period):
    result = run(period, "kpi_traceability_coverage")
    assert result.value == {}
    assert "No supplier holds lots" in result.flags[0]


def test_traceability_coverage_is_the_share_of_lot_holders_recording_events_in_the_year(period, compliance):
    from supplyesg.traceability import services
    from supplyesg.traceability.models import MaterialDefinition, Party

    services.load_material_definitions()
    ingot = MaterialDefinition.objects.get(code="silicon-ingot")
    plant = Party.objects.create(kind=Party.Kind.QUARRY, name="Ingot plant", country="CN")
    alpha = make_supplier(legal_name="Alpha", status="active")
    beta = make_supplier(legal_name="Beta", status="active")
    for supplier, lot, when in ((alpha, "ING-1", aware(2026, 5, 1)), (beta, "ING-2", aware(2025, 5, 1))):
        services.record_receipt(
            actor=compliance, supplier=supplier, identifier=lot, material=ingot, quantity=Decimal("10"), party=plant, when=when
        )
    # Silicon ingot: Alpha and Beta hold lots; only Alpha recorded an event in 2026: 1 of 2.
    result = run(period, "kpi_traceability_coverage")
    assert result.value == {"silicon-ingot": Decimal("50.0")}
    assert result.rows[0].cells[:5] == ("silicon-ingot", ingot.name, 2, 1, Decimal("50.0"))
    assert run(period, "kpi_traceability_coverage", material="silicon-ingot").value == Decimal("50.0")
