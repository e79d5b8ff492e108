"""One of everything for supplier A (and supplier B with its own supplier-level objects), one user per role:
the objects the permission matrix and the generated API tests point their URLs at."""

from supplyesg.core.models import Job, Role
from tests.factories import (
    make_agreement_type,
    make_blacklist_entry,
    make_category,
    make_contact,
    make_document,
    make_site,
    make_supplier,
    make_user,
)

INTERNAL = [Role.ADMIN, Role.COMPLIANCE, Role.PROCUREMENT, Role.AUDITOR, Role.VIEWER]


def build_world() -> dict:
    """Supplier A with one of everything, supplier B, and one user per role."""
    from supplyesg.suppliers.models import (
        Certification,
        ProfileChangeRequest,
        QualificationItem,
        SignedAgreement,
        SupplyLink,
    )

    category = make_category()
    a = make_supplier(legal_name="Alpha Cable Co., Ltd.", categories=[category], status="certification")
    b = make_supplier(legal_name="Beta Solder Sdn. Bhd.", country="MY")
    upstream = make_supplier(legal_name="Gamma Copper Ltd.", tier=2)
    banned = make_supplier(legal_name="Delta Fake Parts Ltd.")
    users = {role: make_user(role, is_staff=(role == Role.ADMIN)) for role in INTERNAL}
    users["supplier_a"] = make_user(Role.SUPPLIER, supplier=a)
    users["supplier_b"] = make_user(Role.SUPPLIER, supplier=b)
    agreement_type = make_agreement_type(required_for_all=True)
    item = QualificationItem.objects.create(supplier=a, kind="business_licence")
    Certification.objects.create(supplier=a, kind="system", verdict="pass")
    signed = SignedAgreement.objects.create(
        supplier=a,
        agreement_type=agreement_type,
        method="portal",
        version="1.0",
        text_hash="x",
        signer_name="Li",
        signer_title="CEO",
    )
    entry = make_blacklist_entry(banned)
    change = ProfileChangeRequest.objects.create(supplier=a, changes={"website": "https://alpha.example.com"})
    values = {
        "pk": a.pk,
        "site_pk": make_site(a).pk,
        "contact_pk": make_contact(a).pk,
        "link_pk": SupplyLink.objects.create(upstream=upstream, downstream=a).pk,
        "other_pk": b.pk,
        "kind": "document",
        "panel": "suppliers",  # a panel of the home dashboard (core:home_panel)
        "obj_pk": make_document(a).pk,
        "item_pk": item.pk,
        "doc_pk": make_document(a).pk,
        "agreement_pk": signed.pk,
        "entry_pk": entry.pk,
        "request_pk": change.pk,
        "user_pk": users["supplier_a"].pk,
        "type_pk": agreement_type.pk,
        "name": "approve_supplier",
        "uidb64": "MQ",
        "token": "set-password",
        "supplier_id": a.pk,
        "site_id": make_site(a).pk,
        "document_id": make_document(a).pk,
        "entry_id": entry.pk,
        "year": 2026,
        "template": "CMRT",
        **_minerals_world(a, users["compliance"]),
        **_questionnaire_world(a),
        "worklist_pk": _worklist_item(a),
        **_audits_world(a),
        **_cases_world(a),
        **_ratings_world(a),
        **_sanctions_world(a),
        **_grievances_world(a, users),
        **_engagement_world(a, users["compliance"]),
        **_traceability_world(a, users["compliance"]),
        **_reporting_world(users["compliance"]),
        **_reporting_inputs_world(users["compliance"]),
    }
    # Supplier B's own objects, for the same URLs pointed at B: ownership decides what a supplier user may do.
    values_b = {
        "pk": b.pk,
        "supplier_id": b.pk,
        "supplier_pk": b.pk,
        "site_pk": make_site(b).pk,
        "site_id": make_site(b).pk,
        "contact_pk": make_contact(b).pk,
        "doc_pk": make_document(b).pk,
        "document_id": make_document(b).pk,
        "obj_pk": make_document(b).pk,
    }
    return {"users": users, "values": values, "values_b": values_b, "codes": {"a": a.code, "b": b.code}}


def _ratings_world(supplier) -> dict:
    from supplyesg.ratings.models import Rating

    rating = Rating.objects.create(
        supplier=supplier,
        year=2026,
        quarter=3,
        grade="D",
        recommended_action="terminate",
        business_score=40,
        esg_score=-1,
        esg_weight=10,
        total=40,
    )
    from datetime import date

    from supplyesg.core.models import User
    from supplyesg.ratings.models import ImprovementAction

    owner = User.objects.create_user("matrix-owner", role="procurement")
    ImprovementAction.objects.create(
        rating=rating, supplier=supplier, owner=owner, due_date=date(2030, 1, 1), description="Matrix improvement"
    )
    return {"rating_pk": rating.pk, "rating_id": rating.pk}


def _cases_world(supplier) -> dict:
    """A minerals risk case and a termination recommendation for supplier A."""
    from supplyesg.minerals.cases.services import open_case
    from supplyesg.suppliers.terminations.services import recommend_termination, suspend_trade

    case = open_case(supplier, actor=None, risk_type="security_forces", description="Escort fees at the mine")
    termination = recommend_termination(supplier, actor=None, source="manual", reason="Repeated fraud")
    suspension = suspend_trade(supplier, actor=None, source="audit", ref="audit:0", reason="Improvement plans overdue")
    return {
        "suspension_pk": suspension.pk,
        "suspension_id": suspension.pk,
        "supplier_pk": supplier.pk,
        "risk_case_pk": case.pk,
        "risk_case_id": case.pk,
        "termination_pk": termination.pk,
        "termination_id": termination.pk,
    }


def _audits_world(supplier) -> dict:
    """A reported audit of supplier A with one corrective action, its evidence file and a training."""
    from datetime import date

    from django.core.files.base import ContentFile

    from supplyesg.assessments.models import Requirement, RequirementCatalogue
    from supplyesg.audits.models import AuditFile, ChecklistItem
    from supplyesg.engagement.models import RequiredTraining
    from tests.audits.factories_audits import make_reported_audit

    audit = make_reported_audit(supplier)
    audit.report_file.save("report.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    audit.report_name = "report.pdf"
    audit.save()
    catalogue = RequirementCatalogue.objects.create(code="coc", version="2026", title="Code", is_current=True)
    requirement = Requirement.objects.create(
        catalogue=catalogue,
        code="RBA-A1",
        framework="RBA",
        title="Freely chosen employment",
        title_zh="自由择业",
        pillar="S",
        risk_category="labour",
    )
    item = ChecklistItem.objects.create(audit=audit, requirement=requirement, risk_category="labour")
    action = audit.corrective_actions.get()
    evidence = AuditFile(audit=audit, corrective_action=action, original_name="evidence.pdf")
    evidence.file.save("evidence.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    evidence.save()
    training = RequiredTraining.objects.create(supplier=supplier, audit=audit, topic="Working hours", due_date=date(2026, 12, 31))
    return {
        "audit_pk": audit.pk,
        "audit_id": audit.pk,
        "action_pk": action.pk,
        "action_id": action.pk,
        "file_pk": evidence.pk,
        "training_pk": training.pk,
        "checklist_pk": item.pk,
        "finding_pk": audit.findings.first().pk,
    }


def _minerals_world(supplier, actor) -> dict:
    """An open CMRT campaign with supplier A's request, one valid submission, a bulk job and a review item."""
    from datetime import date

    from django.core.files.base import ContentFile

    from supplyesg.minerals.models import Campaign, Smelter, SmelterAlias, SmelterReview, Submission, SubmissionRequest

    campaign = Campaign.objects.create(
        name="CMRT 2026",
        reporting_year=2026,
        template="CMRT",
        minerals=["Tin"],
        due_date=date(2026, 12, 31),
        status=Campaign.Status.OPEN,
    )
    request = SubmissionRequest.objects.create(campaign=campaign, supplier=supplier, status="received_valid")
    submission = Submission(
        request=request,
        version=1,
        original_name="cmrt.xlsx",
        sha256="0" * 64,
        channel="portal",
        valid=True,
        status=Submission.Status.VALID,
        result={"findings": [], "smelters": []},
    )
    submission.file.save("cmrt.xlsx", ContentFile(b"PK\x03\x04 not really"), save=False)
    submission.save()
    job = Job.objects.create(kind="cmrt_import", created_by=actor, result={"campaign_id": campaign.pk})
    review = SmelterReview.objects.create(metal="Tin", name="Unknown Tin Works")
    # get_or_create: bench/every_page.py builds this world over a database that may hold the RMI list already.
    smelter, _new = Smelter.objects.get_or_create(
        cid="CID001070", metal="Tin", defaults={"standard_name": "China Tin Group Co., Ltd."}
    )
    alias = SmelterAlias.objects.create(smelter=smelter, name="GX Tin", source=SmelterAlias.Source.CONFIRMED)
    return {
        "alias_pk": alias.pk,
        "campaign_pk": campaign.pk,
        "campaign_request_pk": request.pk,
        "submission_pk": submission.pk,
        "job_pk": job.pk,
        "review_pk": review.pk,
        "campaign_id": campaign.pk,
        "request_id": request.pk,
        "submission_id": submission.pk,
    }


def _worklist_item(supplier) -> int:
    from supplyesg.assessments.models import WorklistItem

    return WorklistItem.objects.create(supplier=supplier, year=2026, kind="desk_review", reason="Medium risk").pk


def _questionnaire_world(supplier) -> dict:
    """An open questionnaire campaign with supplier A's response and one answer with an evidence file."""
    from datetime import date

    from django.core.files.base import ContentFile

    from supplyesg.assessments.models import Answer, Question, QuestionnaireCampaign, QuestionnaireTemplate, Response, Section

    template = QuestionnaireTemplate.objects.create(code="ssr", version="1", title="SSR", title_zh="社会责任")
    section = Section.objects.create(template=template, code="LAB", order=1, title="Labour", title_zh="劳工")
    question = Question.objects.create(section=section, code="LAB-1", kind="file", text="Policy?", text_zh="政策？")
    campaign = QuestionnaireCampaign.objects.create(
        template=template, name="SSR 2026", due_date=date(2026, 12, 31), status=QuestionnaireCampaign.Status.OPEN
    )
    response = Response.objects.create(campaign=campaign, supplier=supplier, status=Response.Status.SUBMITTED)
    answer = Answer(response=response, question=question, value=None, evidence_name="policy.pdf")
    answer.evidence.save("policy.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    answer.save()
    return {
        "questionnaire_campaign_pk": campaign.pk,
        "response_pk": response.pk,
        "response_id": response.pk,
        "answer_pk": answer.pk,
        "section_code": section.code,
    }


def _sanctions_world(supplier) -> dict:
    """A sanctions list naming supplier A, and the open hit its screening raised."""
    from supplyesg.suppliers.sanctions.services import load_sanctions_list, screen_subjects

    load_sanctions_list(
        f"Reference,Name\nX-1,{supplier.legal_name}\n".encode(), fmt="csv", list_name="Test list", file_name="t.csv"
    )
    hit = screen_subjects("supplier", [supplier.pk]).new_hits[0]
    return {"hit_pk": hit.pk, "hit_id": hit.pk}


def _grievances_world(supplier, users) -> dict:
    """A report linked to supplier A with a sealed identity and a file; the compliance manager and the viewer are
    designated handlers of its channel (the viewer reads only), the administrator is identity custodian; the
    compliance manager's request to see the identity was approved, a second request waits for the custodian."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from supplyesg.grievances.defaults import load_default_channels
    from supplyesg.grievances.models import Channel, Designation, DisclosureRequest
    from supplyesg.grievances.services.intake import submit_report

    load_default_channels()  # browser tests run on a flushed database
    channel = Channel.objects.get(key="supplier-workers")
    for role in ("compliance", "viewer"):
        Designation.objects.create(user=users[role], kind="handler", channel=channel)
    Designation.objects.create(user=users["admin"], kind="custodian")
    submitted = submit_report(
        channel=channel,
        topic="wages_hours",
        subject="Overtime",
        description="Overtime is not paid.",
        name="Lan",
        contact="lan@example.org",
        files=[SimpleUploadedFile("note.txt", b"Payslips of March", content_type="text/plain")],
    )
    report = submitted.report
    report.supplier = supplier
    report.save(update_fields=["supplier"])
    DisclosureRequest.objects.create(
        report=report,
        requested_by=users["compliance"],
        motivation="Interview needed.",
        status="approved",
        decided_by=users["admin"],
    )
    pending = DisclosureRequest.objects.create(report=report, requested_by=users["viewer"], motivation="Interview needed.")
    return {
        "report_pk": report.pk,
        "report_id": report.pk,
        "attachment_pk": report.attachments.get().pk,
        "disclosure_pk": pending.pk,
        "receipt": submitted.receipt,
        "key": channel.key,
    }


def _engagement_world(supplier, actor) -> dict:
    """A course with a material version, a session with an open invitation campaign that asked supplier A, A's
    attended participant, a survey answer, a cascade report and an announcement."""
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from supplyesg.engagement.models import (
        Announcement,
        Attendance,
        Course,
        CourseMaterial,
        Invitation,
        Session,
        TrainingCampaign,
    )

    course = Course.objects.create(code="RBA-101", title="RBA Code of Conduct", hours=Decimal("2"), pass_mark=80)
    material = CourseMaterial(course=course, version="1.0", issued_on=dt.date(2026, 1, 5), original_name="slides.pdf")
    material.file.save("slides.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    material.save()
    starts = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
    session = Session.objects.create(course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    campaign = TrainingCampaign.objects.create(
        session=session, name="RBA 101", due_date=dt.date(2026, 12, 31), status="open", created_by=actor
    )
    invitation = Invitation.objects.create(campaign=campaign, supplier=supplier, status="invited")
    attendance = Attendance.objects.create(
        course=course,
        session=session,
        supplier=supplier,
        invitation=invitation,
        person_name="Li Wei",
        held_on=starts.date(),
        status="attended",
        hours=Decimal("2"),
        completed=True,
    )
    announcement = Announcement.objects.create(title="eNews 2026/1", body="Forum records.")
    return {
        "course_pk": course.pk,
        "course_id": course.pk,
        "material_pk": material.pk,
        "session_pk": session.pk,
        "session_id": session.pk,
        "training_campaign_pk": campaign.pk,
        "invitation_pk": invitation.pk,
        "attendance_pk": attendance.pk,
        "announcement_pk": announcement.pk,
    }


def _traceability_world(supplier, actor) -> dict:
    """Supplier A holding a quartzite lot it received, with its event and an origin document pending review."""
    from decimal import Decimal

    from supplyesg.traceability import services
    from supplyesg.traceability.models import MaterialDefinition, Party
    from tests.factories import pdf_upload

    services.load_material_definitions()
    quarry = Party.objects.create(kind=Party.Kind.QUARRY, name="Matrix quarry", country="NO")
    recorded = services.record_receipt(
        actor=actor,
        supplier=supplier,
        identifier="MATRIX-QZ-1",
        material=MaterialDefinition.objects.get(code="quartzite"),
        quantity=Decimal("1000"),
        party=quarry,
        documents={"po": "MATRIX-PO-1"},
    )
    document = services.attach_origin_document(
        actor=actor, supplier=supplier, kind="country_of_origin_certificate", upload=pdf_upload(), lot=recorded.lot, country="NO"
    )
    return {"lot_pk": recorded.lot.pk, "lot_id": recorded.lot.pk, "event_pk": recorded.event.pk, "origin_pk": document.pk}


def _reporting_world(actor) -> dict:
    """The 2026 reporting period (kwarg `year`) with one snapshot of the shipped catalogue and its figure."""
    from supplyesg.reporting.services import snapshots
    from supplyesg.reporting.services.catalogue import load_catalogue

    load_catalogue(actor=None)
    period = snapshots.create_period(actor=actor, year=2026)
    snapshot = snapshots.take_snapshot(actor=actor, period=period)
    return {"snapshot_pk": snapshot.pk, "snapshot_id": snapshot.pk, "figure_code": snapshot.figures.first().code}


def _reporting_inputs_world(actor) -> dict:
    """The 2026 reporting period (shared with the other reporting parts), a management review and one action."""
    from datetime import date

    from supplyesg.reporting.models import ManagementReview, ReportingPeriod, ReviewAction

    period, _created = ReportingPeriod.objects.get_or_create(
        year=2026, defaults={"start": date(2026, 1, 1), "end": date(2026, 12, 31)}
    )
    review = ManagementReview.objects.create(
        period=period, held_on=date(2026, 6, 30), chair="CEO", participants="Board", decisions="Pay SMEs within 30 days."
    )
    action = ReviewAction.objects.create(review=review, text="Shorten SME terms", owner=actor, due_on=date(2026, 9, 30))
    return {"management_review_pk": review.pk, "review_action_pk": action.pk}
