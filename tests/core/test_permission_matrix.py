"""Every URL pattern, every role, one declared table.

A new URL without a rule here fails `test_every_url_pattern_has_a_declared_rule`. Outcomes:
- "ok": the request is let through (2xx, a redirect that is not to the log-in page, or a 400/409/422 answer
  to the deliberately empty body)
- "login": anonymous page visitors are redirected to log in; "401": the API asks for a token
- "403": the role may look but not change; "404": the object or page does not exist for this user
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from supplyesg.core.access import ROLE_CAPABILITIES, Cap
from supplyesg.core.models import Job, Role
from supplyesg.core.services import create_api_token
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

ROLES = ["anonymous", Role.ADMIN, Role.COMPLIANCE, Role.PROCUREMENT, Role.AUDITOR, Role.VIEWER, "supplier_a", "supplier_b"]
INTERNAL = [Role.ADMIN, Role.COMPLIANCE, Role.PROCUREMENT, Role.AUDITOR, Role.VIEWER]


@dataclass(frozen=True)
class Rule:
    method: str
    kind: str  # public | authenticated | internal | internal_write | portal | portal_write | staff | api | api_write
    cap: str = Cap.VIEW
    own_only: bool = False  # supplier users reach it for their own supplier (file downloads)


def page(cap=None, method="GET"):
    return Rule(method, "internal" if cap is None else "internal_write", cap or Cap.VIEW)


def api(method="GET", cap=None, supplier_reads_own=False):
    return Rule(method, "api" if cap is None else "api_write", cap or Cap.VIEW, own_only=supplier_reads_own)


RULES: dict[str, Rule] = {
    # core
    "core:home": Rule("GET", "home"),
    "core:login": Rule("GET", "public"),
    "core:set_language": Rule("POST", "public"),
    "core:logout": Rule("POST", "logout"),
    "core:password_change": Rule("GET", "authenticated"),
    "core:password_change_done": Rule("GET", "authenticated"),
    "core:password_reset": Rule("GET", "public"),
    "core:password_reset_done": Rule("GET", "public"),
    "core:password_reset_confirm": Rule("GET", "public"),
    "core:password_reset_complete": Rule("GET", "public"),
    "core:account": Rule("GET", "authenticated"),
    "core:create_token": page(Cap.VIEW, "POST"),
    "core:revoke_token": Rule("POST", "own_token"),
    "core:job_status": Rule("GET", "own_job"),
    "core:policy_conformance": page(Cap.ADMINISTER),
    "core:verify_second_factor": Rule("GET", "authenticated"),
    "core:two_factor": Rule("GET", "authenticated"),
    "core:confirm_totp": Rule("POST", "authenticated"),
    "core:new_recovery_codes": Rule("POST", "own_factor"),
    "core:remove_factor": Rule("POST", "own_factor"),
    "otp_webauthn:credential-registration-begin": Rule("POST", "authenticated"),
    "otp_webauthn:credential-registration-complete": Rule("POST", "authenticated"),
    "otp_webauthn:credential-authentication-begin": Rule("POST", "authenticated"),
    "otp_webauthn:credential-authentication-complete": Rule("POST", "authenticated"),
    "otp_webauthn:js-i18n-catalog": Rule("GET", "authenticated"),
    "admin_login": Rule("GET", "logout"),  # everyone is sent to the one throttled log-in page
    # suppliers: registry
    "suppliers:list": page(),
    "suppliers:dashboard": page(),
    "suppliers:create": page(Cap.EDIT_SUPPLIERS),
    "suppliers:detail": page(),
    "suppliers:edit": page(Cap.EDIT_SUPPLIERS),
    "suppliers:add_site": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:remove_site": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:add_contact": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:remove_contact": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:add_link": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:remove_link": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:decide_duplicate": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:file": Rule("GET", "internal", own_only=True),
    # suppliers: lifecycle
    "suppliers:transition": page(Cap.LIFECYCLE, "POST"),
    "suppliers:review_item": page(Cap.REVIEW, "POST"),
    "suppliers:add_certification": page(Cap.REVIEW, "POST"),
    "suppliers:upload_document": page(Cap.EDIT_SUPPLIERS),
    "suppliers:remove_document": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:waive_document": page(Cap.REVIEW, "POST"),
    "suppliers:record_scan": page(Cap.LIFECYCLE),
    "suppliers:agreement": page(),
    "suppliers:blacklist_supplier": page(Cap.BLACKLIST),
    "suppliers:exit": page(Cap.LIFECYCLE),
    "suppliers:blacklist": page(),
    "suppliers:lift_blacklist": page(Cap.BLACKLIST, "POST"),
    "suppliers:reviews": page(),
    "suppliers:review_change": page(Cap.REVIEW, "POST"),
    "suppliers:bulk_review_changes": page(Cap.REVIEW, "POST"),
    "suppliers:bulk_export_changes": page(Cap.VIEW, "POST"),
    "suppliers:import": page(Cap.EDIT_SUPPLIERS),
    "suppliers:import_template": page(),
    "suppliers:import_job": Rule("GET", "import_job", Cap.EDIT_SUPPLIERS),
    "suppliers:export": page(),
    # portal
    "portal:home": Rule("GET", "portal"),
    "portal:profile": Rule("GET", "portal"),
    "portal:documents": Rule("GET", "portal"),
    "portal:agreements": Rule("GET", "portal"),
    "portal:sign_agreement": Rule("GET", "portal"),
    "portal:qualification_evidence": Rule("POST", "portal"),
    # minerals reference
    "minerals:smelters": page(),
    "minerals:load_template": page(Cap.ADMINISTER),
    "minerals:load_rmap": page(Cap.ADMINISTER),
    # JSON API (anonymous: 401; supplier users read their own supplier only and never write)
    "api:api-root": Rule("GET", "nowhere"),
    "api:openapi-json": page(),
    "api:openapi-view": page(),
    "api:list_suppliers": Rule("GET", "api_list"),
    "api:create_supplier": api("POST", Cap.EDIT_SUPPLIERS),
    "api:get_supplier": api(supplier_reads_own=True),
    "api:update_supplier": api("PATCH", Cap.EDIT_SUPPLIERS),
    "api:list_sites": api(supplier_reads_own=True),
    "api:add_site": api("POST", Cap.EDIT_SUPPLIERS),
    "api:remove_site": api("DELETE", Cap.EDIT_SUPPLIERS),
    "api:list_documents": api(supplier_reads_own=True),
    "api:upload_document": api("POST", Cap.EDIT_SUPPLIERS),
    "api:download_document": api(supplier_reads_own=True),
    "api:list_agreements": api(supplier_reads_own=True),
    "api:transition_supplier": api("POST", Cap.LIFECYCLE),
    "api:exit_supplier": api("POST", Cap.LIFECYCLE),
    "api:supplier_history": api(),
    "api:list_blacklist": api(),
    "api:blacklist_supplier": api("POST", Cap.BLACKLIST),
    "api:lift_blacklist": api("POST", Cap.BLACKLIST),
    "api:can_order": api(),
    "api:can_order_many": api(),
    # minerals campaigns and submissions
    "minerals:campaigns": page(),
    "minerals:campaign_create": page(Cap.REVIEW),
    "minerals:campaign_detail": page(),
    "minerals:campaign_open": page(Cap.REVIEW, "POST"),
    "minerals:campaign_close": page(Cap.REVIEW, "POST"),
    "minerals:campaign_add_supplier": page(Cap.REVIEW, "POST"),
    "minerals:bulk_upload": page(Cap.REVIEW),
    "minerals:bulk_result": page(),
    "minerals:bulk_confirm": page(Cap.REVIEW, "POST"),
    "minerals:bulk_retry": page(Cap.REVIEW, "POST"),
    "minerals:request_remove": page(Cap.REVIEW, "POST"),
    "minerals:submission_upload": page(Cap.REVIEW),
    "minerals:submission_detail": page(),
    "minerals:submission_file": page(),
    "minerals:submission_accept": page(Cap.REVIEW, "POST"),
    "minerals:submission_return": page(Cap.REVIEW, "POST"),
    "minerals:submission_confirm_company": page(Cap.REVIEW, "POST"),
    "minerals:submission_reassign": page(Cap.REVIEW, "POST"),
    "minerals:review_queue": page(),
    "minerals:review_bulk_decide": page(Cap.REVIEW, "POST"),
    "minerals:review_bulk_export": page(Cap.VIEW, "POST"),
    "minerals:review_confirm": page(Cap.REVIEW, "POST"),
    "minerals:review_reject": page(Cap.REVIEW, "POST"),
    "minerals:alias_list": page(),
    "minerals:alias_withdraw": page(Cap.REVIEW, "POST"),
    "minerals_portal:requests": Rule("GET", "portal"),
    "minerals_portal:request": Rule("GET", "portal_own"),
    "minerals_portal:submission": Rule("GET", "portal_own"),
    "minerals_portal:file": Rule("GET", "portal_own"),
    "api:minerals_campaigns": api(),
    "api:minerals_campaign_requests": api(),
    "api:minerals_submit": api("POST", Cap.REVIEW, supplier_reads_own=True),
    "api:minerals_submission": api(supplier_reads_own=True),
    "api:minerals_accept": api("POST", Cap.REVIEW),
    "api:minerals_return": api("POST", Cap.REVIEW),
    # questionnaires
    "assessments:campaigns": page(),
    "assessments:campaign_create": page(Cap.REVIEW),
    "assessments:campaign_detail": page(),
    "assessments:campaign_open": page(Cap.REVIEW, "POST"),
    "assessments:campaign_close": page(Cap.REVIEW, "POST"),
    "assessments:campaign_add_supplier": page(Cap.REVIEW, "POST"),
    "assessments:response_detail": page(),
    "assessments:response_workbook": page(),
    "assessments:response_evidence": page(),
    "assessments:response_accept": page(Cap.REVIEW, "POST"),
    "assessments:response_return": page(Cap.REVIEW, "POST"),
    "assessments:response_recompute": page(Cap.REVIEW, "POST"),
    "assessments:response_upload": page(Cap.REVIEW, "POST"),
    "assessments_portal:responses": Rule("GET", "portal"),
    "assessments_portal:fill": Rule("GET", "portal_own"),
    "assessments_portal:section": Rule("GET", "portal_own"),
    "assessments_portal:workbook": Rule("GET", "portal_own"),
    "assessments_portal:evidence": Rule("GET", "portal_own"),
    "assessments_portal:upload": Rule("POST", "portal_own"),
    "api:assessments_campaigns": api(),
    "api:assessments_responses": Rule("GET", "api_list"),
    "api:assessments_response": api(supplier_reads_own=True),
    # Answering through the API is for the supplier's own users only: every internal role gets 403.
    "api:assessments_answer": api("POST", "answer_as_supplier", supplier_reads_own=True),
    # risk assessment
    "risk:overview": page(),
    "risk:recompute": page(Cap.REVIEW, "POST"),
    "risk:worklist": page(),
    "risk:bulk_close_worklist": page(Cap.REVIEW, "POST"),
    "risk:bulk_export_worklist": page(Cap.VIEW, "POST"),
    "risk:close_worklist_item": page(Cap.REVIEW, "POST"),
    "risk:supplier": page(),
    "risk:assess": page(Cap.REVIEW, "POST"),
    "risk:override": page(Cap.REVIEW, "POST"),
    # minerals outputs
    "minerals:dashboard": page(),
    "minerals:company_smelters": page(),
    "minerals:company_smelters_export": page(),
    "minerals:declaration": page(),
    "minerals:declaration_export": page(),
    # audits
    "audits:programme": page(),
    "audits:calendar": page(),
    "audits:disclosure": page(),
    "audits:disclosure_xlsx": page(),
    "audits:supplier_panel": page(),
    "audits:detail": page(),
    "audits:report_pdf": page(),
    "audits:report_xlsx": page(),
    "audits:plan": page(Cap.AUDIT),
    "audits:edit": page(Cap.AUDIT),
    "audits:generate": page(Cap.AUDIT, "POST"),
    "audits:cancel": page(Cap.AUDIT, "POST"),
    "audits:start": page(Cap.AUDIT, "POST"),
    "audits:verdict": page(Cap.AUDIT, "POST"),
    "audits:add_finding": page(Cap.AUDIT, "POST"),
    "audits:remove_finding": page(Cap.AUDIT, "POST"),
    "audits:upload_file": page(Cap.AUDIT, "POST"),
    "audits:remove_file": page(Cap.AUDIT, "POST"),
    "audits:upload_report": page(Cap.AUDIT, "POST"),
    "audits:issue_report": page(Cap.AUDIT, "POST"),
    "audits:close": page(Cap.AUDIT, "POST"),
    "audits:file": Rule("GET", "internal", own_only=True),
    "audits:report_file": Rule("GET", "internal", own_only=True),
    "api:audits_list": Rule("GET", "api_list"),
    "api:audits_detail": api(supplier_reads_own=True),
    "api:audits_create": api("POST", Cap.AUDIT),
    "api:audits_add_finding": api("POST", Cap.AUDIT),
    "api:audits_issue_report": api("POST", Cap.AUDIT),
    # corrective actions and training
    "corrective:list": page(),
    "corrective:detail": page(),
    "corrective:file": page(),
    "corrective:audit_actions": page(),
    "corrective:trainings": page(),
    "corrective:approve": page(Cap.AUDIT, "POST"),
    "corrective:reject": page(Cap.AUDIT, "POST"),
    "corrective:reject_completion": page(Cap.AUDIT, "POST"),
    "corrective:close": page(Cap.AUDIT, "POST"),
    "corrective:enter_plan": page(Cap.AUDIT, "POST"),
    "corrective:assign_training": page(Cap.AUDIT),
    "corrective:complete_training": page(Cap.AUDIT, "POST"),
    "corrective:cancel_training": page(Cap.AUDIT, "POST"),
    "audits_portal:list": Rule("GET", "portal"),
    "audits_portal:trainings": Rule("GET", "portal"),
    "audits_portal:action": Rule("GET", "portal_own"),
    "audits_portal:complete": Rule("POST", "portal_own"),
    "audits_portal:file": Rule("GET", "portal_own"),
    "audits_portal:attend_training": Rule("POST", "portal_own"),
    "api:corrective_actions": Rule("GET", "api_list"),
    "api:corrective_action": api(supplier_reads_own=True),
    "api:corrective_submit_plan": api("POST", Cap.AUDIT, supplier_reads_own=True),
    "api:corrective_approve": api("POST", Cap.AUDIT),
    "api:corrective_reject": api("POST", Cap.AUDIT),
    "api:corrective_close": api("POST", Cap.AUDIT),
    # minerals risk cases
    "risk_cases:list": page(),
    "risk_cases:open": page(Cap.REVIEW),
    "risk_cases:detail": page(),
    "risk_cases:adopt_plan": page(Cap.REVIEW, "POST"),
    "risk_cases:review_plan": page(Cap.REVIEW, "POST"),
    "risk_cases:disengage": page(Cap.REVIEW, "POST"),
    "risk_cases:revise_plan": page(Cap.REVIEW, "POST"),
    "risk_cases:resume_trade": page(Cap.REVIEW, "POST"),
    "risk_cases:close": page(Cap.REVIEW, "POST"),
    "risk_cases:supplier_panel": page(),
    "risk_cases:proposals": page(),
    "risk_cases:dismiss_proposal": page(Cap.REVIEW, "POST"),
    "api:minerals_risk_cases": api(),
    "api:minerals_risk_case": api(),
    "api:minerals_risk_case_open": api("POST", Cap.REVIEW),
    "api:minerals_risk_case_step": api("POST", Cap.REVIEW),
    # terminations
    "terminations:queue": page(),
    "terminations:bulk_decide": page(Cap.DECIDE_ORDERS, "POST"),
    "terminations:bulk_export": page(Cap.VIEW, "POST"),
    "terminations:suspension_bulk_decide": page(Cap.DECIDE_ORDERS, "POST"),
    "terminations:history": page(),
    "terminations:detail": page(),
    "terminations:decide": page(Cap.DECIDE_ORDERS, "POST"),
    "terminations:lift": page(Cap.DECIDE_ORDERS, "POST"),
    "terminations:recommend": page(Cap.LIFECYCLE),
    "terminations:suspension": page(),
    "terminations:suspension_lift": page(Cap.DECIDE_ORDERS, "POST"),
    "terminations:suspension_terminate": page(Cap.DECIDE_ORDERS, "POST"),
    "terminations:supplier_panel": page(),
    "api:terminations": api(),
    "api:termination": api(),
    "api:termination_recommend": api("POST", Cap.LIFECYCLE),
    "api:termination_decide": api("POST", Cap.DECIDE_ORDERS),
    "api:termination_lift": api("POST", Cap.DECIDE_ORDERS),
    "api:suspensions": api(),
    "api:suspension_lift": api("POST", Cap.DECIDE_ORDERS),
    "api:suspension_terminate": api("POST", Cap.DECIDE_ORDERS),
    # sanctions screening: compliance and administrators decide hits, administrators load lists
    "sanctions:hits": page(),
    "sanctions:hit_detail": page(),
    "sanctions:confirm_hit": page(Cap.BLACKLIST, "POST"),
    "sanctions:dismiss_hit": page(Cap.BLACKLIST, "POST"),
    "sanctions:lists": page(),
    "sanctions:load_list": page(Cap.ADMINISTER),
    "api:sanctions_hits": api(),
    "api:sanctions_confirm": api("POST", Cap.BLACKLIST),
    "api:sanctions_dismiss": api("POST", Cap.BLACKLIST),
    # quarterly ratings
    "ratings:overview": page(),
    "ratings:compute": page(Cap.RATE, "POST"),
    "ratings:export": page(),
    "ratings:enter_score": page(Cap.RATE),
    "ratings:import": page(Cap.RATE),
    "ratings:import_template": page(),
    "ratings:supplier": page(),
    "ratings:supplier_panel": page(),
    "ratings:close_improvement": page(Cap.DECIDE_ORDERS, "POST"),
    "ratings:bulk_decide": page(Cap.DECIDE_ORDERS, "POST"),  # the single decision's capability, for each selected
    "ratings:bulk_export": page(Cap.VIEW, "POST"),
    "ratings:decide": page(Cap.DECIDE_ORDERS, "POST"),
    "ratings_portal:ratings": Rule("GET", "portal"),
    "api:ratings_quarter": api(),
    "api:ratings_supplier_history": api(supplier_reads_own=True),
    "api:ratings_business_score": api("POST", Cap.RATE),
    "api:ratings_decide": api("POST", Cap.DECIDE_ORDERS),
    # Django admin: administrators only (staff); the sample stands for the whole admin site
    "admin:index": Rule("GET", "staff"),
}
# Patterns owned by Django's admin site are covered by the admin:index rule above.
COVERED_NAMESPACES = {"admin"}


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            yield from _walk(p.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else f"{namespace}<unnamed:{p.pattern}>"


def all_url_names():
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_every_url_pattern_has_a_declared_rule():
    undeclared = [n for n in all_url_names() if n not in RULES and n.split(":")[0] not in COVERED_NAMESPACES]
    assert undeclared == [], f"declare a permission rule for: {undeclared}"


def test_every_declared_rule_names_a_real_url():
    names = set(all_url_names())
    assert [n for n in RULES if n not in names] == []


@pytest.fixture
def world(db):
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
        "obj_pk": make_document(a).pk,
        "item_pk": item.pk,
        "doc_pk": make_document(a).pk,
        "agreement_pk": signed.pk,
        "entry_pk": entry.pk,
        "request_pk": change.pk,
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
    }
    return {"users": users, "values": values}


def _sanctions_world(supplier) -> dict:
    from supplyesg.suppliers.sanctions.services import load_sanctions_list, screen_subjects

    load_sanctions_list(
        f"Reference,Name\nX-1,{supplier.legal_name}\n".encode(), fmt="csv", list_name="Test list", file_name="t.csv"
    )
    hit = screen_subjects("supplier", [supplier.pk]).new_hits[0]
    return {"hit_pk": hit.pk, "hit_id": hit.pk}


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
    from supplyesg.minerals.cases import open_case
    from supplyesg.suppliers.services.terminations import recommend_termination, suspend_trade

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
    from supplyesg.audits.models import AuditFile, ChecklistItem, TrainingAssignment
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
    training = TrainingAssignment.objects.create(
        supplier=supplier, audit=audit, topic="Working hours", due_date=date(2026, 12, 31)
    )
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

    from supplyesg.minerals.models import (
        Campaign,
        Smelter,
        SmelterAlias,
        SmelterReview,
        Submission,
        SubmissionRequest,
    )

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
    smelter = Smelter.objects.create(cid="CID001070", metal="Tin", standard_name="China Tin Group Co., Ltd.")
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


def _routes() -> dict[str, str]:
    """{qualified url name: full route string} for every named pattern."""
    out = {}

    def walk(patterns, ns="", prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns, prefix + str(p.pattern))
            elif p.name:
                out.setdefault(f"{ns}{p.name}", prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    return out


def _url(name, values):
    route = _routes()[name]
    return reverse(name, kwargs={k: values[k] for k in re.findall(r"<(?:\w+:)?(\w+)>", route)})


def _allowed(response) -> bool:
    if response.status_code in (200, 201, 204, 400, 409, 422):
        return True
    if response.status_code == 302:
        return "/accounts/login/" not in response["Location"] and "/admin/login/" not in response["Location"]
    return False


def _expected(rule: Rule, role: str) -> str:
    internal = role in INTERNAL
    if rule.kind == "public":
        return "ok"
    if rule.kind == "nowhere":
        return "404"
    if rule.kind == "logout":
        return "login"  # everyone ends on the log-in page
    if role == "anonymous":
        return "401" if rule.kind.startswith("api") else "login"
    if rule.kind == "own_factor":
        return "404"  # nobody in this world has a second factor to manage
    if rule.kind in ("authenticated", "home", "own_token", "own_job"):
        if rule.kind == "own_token" and role in ("supplier_a", "supplier_b"):
            return "404"
        return "ok"
    if rule.kind == "staff":
        return "ok" if role == Role.ADMIN else "login"
    if rule.kind == "api_list":
        return "ok"  # internal users see all; a supplier user sees a list holding only its own supplier
    if rule.kind == "portal_own":
        return "ok" if role == "supplier_a" else "404"
    if rule.kind in ("portal", "portal_write"):
        return "ok" if role in ("supplier_a", "supplier_b") else "404"
    if rule.kind in ("internal", "internal_write", "api", "api_write", "import_job"):
        if not internal:
            return "ok" if rule.own_only and role == "supplier_a" else "404"
        return "ok" if rule.cap in ROLE_CAPABILITIES[role] else "403"
    raise AssertionError(rule)


CASES = [(name, role) for name in sorted(RULES) for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_each_role_gets_what_the_table_declares(name, role, world, client_for):
    from supplyesg.core.models import User

    rule = RULES[name]
    user = None if role == "anonymous" else world["users"][role]
    values = dict(world["values"])
    if rule.kind == "own_token" and user is not None:
        values["pk"] = create_api_token(
            user=user if user.is_internal else User.objects.filter(role="viewer").first(), name="matrix", actor=user
        )[0].pk
    if rule.kind == "import_job":
        values["pk"] = Job.objects.create(kind="supplier_import", created_by=user).pk
    if rule.kind == "own_job":
        values["pk"] = Job.objects.create(kind="matrix", created_by=user).pk
    if rule.kind == "portal" and role == "supplier_b" and name in ("portal:sign_agreement", "portal:qualification_evidence"):
        # B asking for A's qualification item must not find it; an agreement type is global, so B may open it.
        expected = "404" if name == "portal:qualification_evidence" else "ok"
    else:
        expected = _expected(rule, role)
    url = _url(name, values)
    client = client_for(user)
    if rule.method == "GET":
        response = client.get(url)
    elif rule.kind.startswith("api"):
        response = client.generic(rule.method, url, "{}", content_type="application/json")
    else:
        response = client.post(url, {})
    outcome = "ok" if _allowed(response) else "login" if response.status_code == 302 else str(response.status_code)
    if rule.kind.startswith("api") and response.status_code == 401:
        outcome = "401"
    assert outcome == expected, f"{role} {rule.method} {url}: got {response.status_code}, expected {expected}"
