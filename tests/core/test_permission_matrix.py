"""Every URL pattern, every role, every method the view accepts: what each role may do is derived from the roles'
capabilities (core.access.ROLE_CAPABILITIES) and, for the JSON API, from what each operation declares in code
(`auth=needs(capability, suppliers_too=..., suppliers_only=...)`), never from a table of expected answers.

- API operations are read from the NinjaAPI itself: method, route, declared capability, request body. Each is
  sent with a body built from its OpenAPI request schema, pointed at supplier A's objects and (where B has the
  same kind of object) at supplier B's: a supplier's user reaches only its own supplier's objects.
- Pages declare the capability their view requires (below); every method the view accepts is tried.
- Outcomes: "ok" (let through: 2xx, a redirect that is not to log in, or 400/409/422 about the body),
  "login" (anonymous page visitors), "401" (the API asks for a token), "403" (the role may look but not
  change), "404" (the object or page does not exist for this user).
- A refused request changed nothing: every model's rows are compared before and after it.
- Every request runs in a savepoint rolled back afterwards, so one world (built once) serves the whole module.
- The admin site: the audit trail is append-only even for administrators; API tokens cannot be added, edited
  or deleted there.
"""

import copy
import functools
import hashlib
import json
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from supplyesg.api import api
from supplyesg.core.access import ROLE_CAPABILITIES, Cap
from supplyesg.core.models import AuditEvent, Job, Role
from supplyesg.core.services import create_api_token
from tests.core.test_api_contract import all_routers
from tests.world import build_world

ROLES = ["anonymous", Role.ADMIN, Role.COMPLIANCE, Role.PROCUREMENT, Role.AUDITOR, Role.VIEWER, "supplier_a", "supplier_b"]
INTERNAL = [Role.ADMIN, Role.COMPLIANCE, Role.PROCUREMENT, Role.AUDITOR, Role.VIEWER]
SUPPLIER_ROLES = {"supplier_a": "a", "supplier_b": "b"}
REFUSED = {401, 403, 404, 405}


@dataclass(frozen=True)
class Rule:
    method: str
    kind: str  # public | authenticated | internal | internal_write | portal | portal_own | staff | ...
    cap: str = Cap.VIEW
    own_only: bool = False  # supplier users reach it for their own supplier (file downloads)
    post_cap: str | None = None  # a page that looks with `cap` and changes with this one


def page(cap=None, method="GET", post=None):
    return Rule(method, "internal" if cap is None else "internal_write", cap or Cap.VIEW, post_cap=post)


# The capability each page's view requires (API operations declare theirs in code and are not listed here).
RULES: dict[str, Rule] = {
    # core
    "core:home": Rule("GET", "home"),
    "core:home_panel": page(),
    "core:login": Rule("GET", "public"),
    "core:set_language": Rule("POST", "public"),
    "core:logout": Rule("POST", "logout"),
    "core:session_status": Rule("GET", "public"),  # anyone may ask; a visitor is told it has no session
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
    "core:export": Rule("GET", "own_export"),
    "core:export_file": Rule("GET", "own_export"),
    # global search and the inbox are internal; everyone logged in has notifications and the header counts
    "core:search": page(),
    "core:inbox": page(),
    "core:header_counts": Rule("GET", "authenticated"),
    "core:notifications": Rule("GET", "authenticated"),
    "core:notifications_read": Rule("POST", "authenticated"),
    # suppliers: registry
    "suppliers:list": page(),
    "suppliers:dashboard": page(),
    "suppliers:dashboard_missing": page(),
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
    "suppliers:qualification_checklist": page(Cap.REVIEW),
    "suppliers:upload_documents": page(Cap.EDIT_SUPPLIERS),
    "suppliers:record_scans": page(Cap.LIFECYCLE),
    "suppliers:invite_portal_user": page(Cap.EDIT_SUPPLIERS),
    "suppliers:reinvite_portal_user": page(Cap.EDIT_SUPPLIERS, "POST"),
    "suppliers:disable_portal_user": page(Cap.EDIT_SUPPLIERS, "POST"),
    "invitations:accept": Rule("GET", "public"),  # the link is the credential; a bad one says so
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
    "portal:submit_admission": Rule("POST", "portal"),
    # minerals reference
    "minerals:smelters": page(),
    "minerals:load_template": page(Cap.ADMINISTER),
    "minerals:load_rmap": page(Cap.ADMINISTER),
    "api:api-root": Rule("GET", "nowhere"),
    "api:openapi-json": Rule("GET", "api_document"),
    "api:openapi-view": page(),
    # minerals campaigns and submissions
    "minerals:campaigns": page(),
    "minerals:campaign_create": page(Cap.REVIEW),
    "minerals:campaign_detail": page(),
    "minerals:campaign_open": page(Cap.REVIEW, "POST"),
    "minerals:campaign_close": page(Cap.REVIEW, "POST"),
    "minerals:campaign_send_newcomers": page(Cap.REVIEW, "POST"),
    "minerals:campaign_add_supplier": page(Cap.REVIEW, "POST"),
    "minerals:bulk_upload": page(Cap.REVIEW),
    "minerals:bulk_result": page(),
    "minerals:bulk_confirm": page(Cap.REVIEW, "POST"),
    "minerals:request_remove": page(Cap.REVIEW, "POST"),
    "minerals:submission_upload": page(Cap.REVIEW),
    "minerals:submission_detail": page(),
    "minerals:submission_file": page(),
    "minerals:submission_accept": page(Cap.REVIEW, "POST"),
    "minerals:campaign_bulk_accept": page(Cap.REVIEW, "POST"),
    "minerals:submission_return": page(Cap.REVIEW, "POST"),
    "minerals:review_queue": page(),
    "minerals:review_bulk_decide": page(Cap.REVIEW, "POST"),
    "minerals:review_bulk_export": page(Cap.VIEW, "POST"),
    "minerals:review_confirm": page(Cap.REVIEW, "POST"),
    "minerals:review_reject": page(Cap.REVIEW, "POST"),
    "minerals_portal:requests": Rule("GET", "portal"),
    "minerals_portal:request": Rule("GET", "portal_own"),
    "minerals_portal:submission": Rule("GET", "portal_own"),
    "minerals_portal:file": Rule("GET", "portal_own"),
    # questionnaires
    "assessments:campaigns": page(),
    "assessments:campaign_create": page(Cap.REVIEW),
    "assessments:campaign_detail": page(),
    "assessments:campaign_open": page(Cap.REVIEW, "POST"),
    "assessments:campaign_close": page(Cap.REVIEW, "POST"),
    "assessments:campaign_send_newcomers": page(Cap.REVIEW, "POST"),
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
    "minerals:declaration": page(post=Cap.REVIEW),
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
    "terminations:supplier_panel": page(),
    # quarterly ratings
    "ratings:overview": page(),
    "ratings:compute": page(Cap.RATE, "POST"),
    "ratings:export": page(),
    "ratings:enter_score": page(Cap.RATE),
    "ratings:import": page(Cap.RATE),
    "ratings:import_template": page(),
    "ratings:supplier": page(),
    "ratings:supplier_panel": page(),
    "ratings:bulk_decide": page(Cap.DECIDE_ORDERS, "POST"),  # the single decision's capability, for each selected
    "ratings:bulk_export": page(Cap.VIEW, "POST"),
    "ratings:decide": page(Cap.DECIDE_ORDERS, "POST"),
    "ratings_portal:ratings": Rule("GET", "portal"),
    # Django admin: administrators only (staff); the sample stands for the whole admin site
    "admin:index": Rule("GET", "staff"),
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
    "suppliers:waive_document": page(Cap.REVIEW, "POST"),
    "minerals:bulk_retry": page(Cap.REVIEW, "POST"),
    "minerals:submission_confirm_company": page(Cap.REVIEW, "POST"),
    "minerals:submission_reassign": page(Cap.REVIEW, "POST"),
    "minerals:alias_list": page(),
    "minerals:alias_withdraw": page(Cap.REVIEW, "POST"),
    "risk_cases:proposals": page(),
    "risk_cases:dismiss_proposal": page(Cap.REVIEW, "POST"),
    "terminations:suspension": page(),
    "terminations:suspension_lift": page(Cap.DECIDE_ORDERS, "POST"),
    "terminations:suspension_terminate": page(Cap.DECIDE_ORDERS, "POST"),
    # sanctions screening: compliance and administrators decide hits, administrators load lists
    "sanctions:hits": page(),
    "sanctions:hit_detail": page(),
    "sanctions:confirm_hit": page(Cap.BLACKLIST, "POST"),
    "sanctions:dismiss_hit": page(Cap.BLACKLIST, "POST"),
    "sanctions:lists": page(),
    "sanctions:load_list": page(Cap.ADMINISTER),
    "ratings:close_improvement": page(Cap.DECIDE_ORDERS, "POST"),
    # grievances: public intake, follow-up by receipt and rules of procedure for anyone; cases only for the handlers an
    # administrator designated (tests/world.py: compliance and viewer), whatever their role; custodians decide
    # identity requests; the effectiveness review (aggregates) for reviewers and handlers
    "grievance:report": Rule("GET", "public"),
    "grievance:follow": Rule("GET", "public"),
    "grievance:rules": Rule("GET", "public"),
    "grievances:list": page(),  # every internal user; only handlers find cases in it
    "grievances:detail": Rule("GET", "grievance"),
    "grievances:file": Rule("GET", "grievance"),
    "grievances:acknowledge": Rule("POST", "grievance"),
    "grievances:move": Rule("POST", "grievance"),
    "grievances:close": Rule("POST", "grievance"),
    "grievances:reply": Rule("POST", "grievance"),
    "grievances:link": Rule("POST", "grievance"),
    "grievances:request_identity": Rule("POST", "grievance"),
    "grievances:identity": Rule("GET", "grievance_identity"),
    "grievances:disclosures": Rule("GET", "grievance_custodian"),
    "grievances:decide_disclosure": Rule("POST", "grievance_custodian"),
    "grievances:review": Rule("GET", "grievance_review"),
    "grievances:review_xlsx": Rule("GET", "grievance_review"),
    # supplier engagement and training: internal roles read, Cap.REVIEW organises
    "engagement:home": page(),
    "engagement:create_course": page(Cap.REVIEW),
    "engagement:course": page(),
    "engagement:add_material": page(Cap.REVIEW, "POST"),
    "engagement:material_file": page(),
    "engagement:create_programme": page(Cap.REVIEW),
    "engagement:create_session": page(Cap.REVIEW),
    "engagement:session": page(),
    "engagement:add_attendee": page(Cap.REVIEW, "POST"),
    "engagement:create_campaign": page(Cap.REVIEW),
    "engagement:record_attendance": page(Cap.REVIEW),
    "engagement:campaign": page(),
    "engagement:open_campaign": page(Cap.REVIEW, "POST"),
    "engagement:close_campaign": page(Cap.REVIEW, "POST"),
    "engagement:figures": page(),
    "engagement:export_figures": page(),
    "engagement:import": page(Cap.REVIEW),
    "engagement:import_template": page(),
    "engagement:announcements": page(post=Cap.REVIEW),
    "engagement:announcement": page(),
    "engagement:supplier_panel": page(),
    "engagement_portal:home": Rule("GET", "portal"),
    "engagement_portal:invitation": Rule("GET", "portal_own"),
    "engagement_portal:decline": Rule("POST", "portal_own"),
    "engagement_portal:survey": Rule("GET", "portal_own"),
    "engagement_portal:cascade": Rule("GET", "portal"),
    "engagement_portal:announcement": Rule("GET", "portal"),
    # raw-material traceability: internal roles read; REVIEW reviews origin documents and declares events wrong
    "traceability:lots": page(),
    "traceability:lot": page(),
    "traceability:epcis_export": page(),
    "traceability:trace": page(),
    "traceability:forward": page(),
    "traceability:coverage": page(),
    "traceability:materials": page(),
    "traceability:origin_documents": page(),
    "traceability:origin_document_file": page(),
    "traceability:review_origin_document": page(Cap.REVIEW, "POST"),
    "traceability:declare_error": page(Cap.REVIEW, "POST"),
    "traceability:epcis_import": page(Cap.EDIT_SUPPLIERS),
    "traceability_portal:home": Rule("GET", "portal"),
    "traceability_portal:lot": Rule("GET", "portal_own"),
    "traceability_portal:receive": Rule("GET", "portal"),
    "traceability_portal:transform": Rule("GET", "portal"),
    "traceability_portal:ship": Rule("GET", "portal"),
    "traceability_portal:upload_origin": Rule("GET", "portal"),
    # reporting: every internal role reads reports; REVIEW changes periods, snapshots, reviews and entered figures
    "reporting:home": page(post=Cap.REVIEW),
    "reporting:dashboard": page(),
    "reporting:refresh_dashboard": page(Cap.REVIEW, "POST"),
    "reporting:catalogue": page(),
    "reporting:period": page(post=Cap.REVIEW),
    "reporting:take_snapshot": page(Cap.REVIEW, "POST"),
    "reporting:snapshot": page(),
    "reporting:publish_snapshot": page(Cap.REVIEW, "POST"),
    "reporting:check_snapshot": page(Cap.REVIEW, "POST"),
    "reporting:figure": page(),
    "reporting:content_index": page(),
    "reporting:content_index_xlsx": page(),
    "reporting:snapshot_xlsx": page(),
    "reporting:snapshot_pdf": page(),
    "reporting:payments": page(post=Cap.REVIEW),
    "reporting:payments_template": page(),
    "reporting:workforce": page(post=Cap.REVIEW),
    "reporting:workforce_import": page(Cap.REVIEW, "POST"),
    "reporting:workforce_template": page(),
    "reporting:reviews": page(post=Cap.REVIEW),
    "reporting:review": page(post=Cap.REVIEW),
    "reporting:review_action": page(Cap.REVIEW, "POST"),
    "reporting:formsd": page(),
    "reporting:formsd_text": page(),
    "reporting:formsd_xlsx": page(),
}
# Designated in tests/world.py: handlers of the world's grievance channel (the viewer only reads) and the custodian.
GRIEVANCE_HANDLERS = {Role.COMPLIANCE, Role.VIEWER}
GRIEVANCE_CUSTODIANS = {Role.ADMIN}
# Patterns owned by Django's admin site are covered by the admin tests below.
COVERED_NAMESPACES = {"admin"}


# ---------------------------------------------------------------- the JSON API, read from the code


@dataclass(frozen=True)
class ApiOperation:
    name: str  # qualified URL name, e.g. "api:create_supplier"
    method: str
    route: str  # OpenAPI path, e.g. "/api/suppliers/{supplier_id}"
    capability: str | None
    suppliers_too: bool
    suppliers_only: bool
    public: bool = False  # auth=None: anyone, no token (the grievance intake)


def api_operations() -> dict[str, ApiOperation]:
    found = {}
    for router in all_routers(api._routers):
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                url_name = getattr(operation, "url_name", "") or api.get_operation_url_name(operation, router=router)
                checks = [a for a in operation.auth_callbacks if hasattr(a, "capability")]
                declared = checks[0] if checks else None
                for method in operation.methods:
                    found[f"api:{url_name}"] = ApiOperation(
                        name=f"api:{url_name}",
                        method=method,
                        route="/api" + path,
                        capability=declared.capability if declared else None,
                        suppliers_too=bool(declared and declared.suppliers_too),
                        suppliers_only=bool(declared and declared.suppliers_only),
                        public=operation.auth_param is None,
                    )
    return found


API_OPERATIONS = api_operations()
SPEC = api.get_openapi_schema()


def expected_api(op: ApiOperation, role: str, owner: str | None) -> str:
    """owner: "a"/"b" when the request points at that supplier's objects, "other" for a third supplier's, None
    for collections (a supplier's user gets its own part of them)."""
    if op.public:
        return "ok"
    if op.route.startswith("/api/grievances/reports/{") and role in INTERNAL:
        # Scoped by designation, not by role: other internal users do not learn the report exists.
        if role not in GRIEVANCE_HANDLERS:
            return "404"
        return "403" if op.method != "GET" and role == Role.VIEWER else "ok"
    if role == "anonymous":
        return "401"
    if role in INTERNAL:
        if op.suppliers_only:
            return "403"
        return "ok" if op.capability is None or op.capability in ROLE_CAPABILITIES[role] else "403"
    if op.capability is not None and not (op.suppliers_too or op.suppliers_only):
        return "404"
    return "ok" if owner is None or owner == SUPPLIER_ROLES[role] else "404"


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example(schema: dict, name: str, ids: dict, codes: dict):
    """A valid value for a schema: what a careful integrator would send."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if _resolve(s).get("type") != "null"]
        return example(options[0], name, ids, codes)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {key: example(props[key], key, ids, codes) for key in schema.get("required", [])}
    if kind == "array":
        return [example(schema["items"], name, ids, codes)] if schema.get("minItems") else []
    if kind == "integer":
        return ids.get(name, schema.get("minimum", 1))
    if kind == "number":
        return 80
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-11-02"
    if schema.get("format") == "binary":
        return SimpleUploadedFile("file.pdf", b"%PDF-1.4 matrix", content_type="application/pdf")
    special = {"country": "CN", "period": "2026Q3", "supplier_code": codes.get("supplier"), "receipt": ids.get("receipt")}
    return special.get(name) or "Matrix check"


def api_request(op: ApiOperation, values: dict, codes: dict) -> tuple[str, dict]:
    """(url, client kwargs) for the operation with a valid body pointed at these objects."""
    url = op.route.format(**{k: values[k] for k in re.findall(r"{(\w+)}", op.route)})
    spec = SPEC["paths"][op.route][op.method.lower()]
    content = spec.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = example(content["application/json"]["schema"], "", values, codes)
        return url, {"data": body, "content_type": "application/json"}
    if "multipart/form-data" in content:
        return url, {"data": example(content["multipart/form-data"]["schema"], "", values, codes)}
    return url, {}


def _owner_variants(op: ApiOperation, world) -> list[tuple[str | None, dict, dict]]:
    """(owner, path values, codes): A's objects, and B's when B has every object the route names."""
    params = re.findall(r"{(\w+)}", op.route)
    spec = SPEC["paths"][op.route][op.method.lower()]
    body_names_supplier = "supplier_id" in str(spec.get("requestBody", "")) or "supplier_code" in str(spec.get("requestBody", ""))
    if not params and not body_names_supplier:
        return [(None, world["values"], {"supplier": world["codes"]["a"]})]
    owner_a = "other" if any(p.startswith("entry") for p in params) else "a"
    variants = [(owner_a, world["values"], {"supplier": world["codes"]["a"]})]
    if all(p in world["values_b"] for p in params):
        variants.append(("b", {**world["values"], **world["values_b"]}, {"supplier": world["codes"]["b"]}))
    return variants


# ---------------------------------------------------------------- running requests


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            data = build_world()
            data["clients"] = {"anonymous": Client()}
            for role, user in data["users"].items():
                data["clients"][role] = Client()
                data["clients"][role].force_login(user)
            data["fingerprint"] = fingerprint()
            yield data
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fingerprint() -> str:
    """Every row of every SupplyESG table: a refused request must leave this unchanged. Raw SQL, as the ORM's
    overhead per table would dominate the module's run time."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in WATCHED_TABLES:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            digest.update(repr(sorted(map(repr, cursor.fetchall()))).encode())
    return digest.hexdigest()


SUPPLYESG_APPS = {c.label for c in apps.get_app_configs() if c.name.startswith("supplyesg.")}
WATCHED_TABLES = sorted(
    m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.app_label in SUPPLYESG_APPS
)


def send(world, role: str, method: str, url: str, baseline: str | None = None, **kwargs):
    """One request, its outcome, and whether it changed the database; rolled back afterwards."""
    client = world["clients"][role]
    cookies = copy.deepcopy(client.cookies)  # a log-out or a new session must not outlive the request
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif kwargs.get("content_type") == "application/json":
            response = client.generic(method, url, json.dumps(kwargs["data"]), content_type="application/json")
        else:
            response = client.generic(method, url) if method != "POST" else client.post(url, kwargs.get("data", {}))
        refused = response.status_code in REFUSED or (response.status_code == 302 and "/login/" in response["Location"])
        changed = refused and fingerprint() != (baseline or world["fingerprint"])
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, changed


def outcome(response, api: bool) -> str:
    code = response.status_code
    if code in (200, 201, 204, 400, 409, 422):
        return "ok"
    if code == 302:
        login = "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"]
        return "login" if login else "ok"
    return str(code)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(API_OPERATIONS))
def test_each_api_operation_lets_through_exactly_the_roles_its_declaration_names(name, world):
    op = API_OPERATIONS[name]
    failures = []
    for owner, values, codes in _owner_variants(op, world):
        for role in ROLES:
            url, kwargs = api_request(op, values, codes)
            response, changed = send(world, role, op.method, url, **kwargs)
            got, expected = outcome(response, api=True), expected_api(op, role, owner)
            if got != expected or changed:
                failures.append(
                    f"{role} {op.method} {url} (objects of {owner}): got {response.status_code}, "
                    f"expected {expected}{', and it changed the database' if changed else ''}"
                )
    assert failures == []


# ---------------------------------------------------------------- pages


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            yield from _walk(p.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else f"{namespace}<unnamed:{p.pattern}>"


def all_url_names():
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_every_url_pattern_has_a_rule_or_an_api_declaration():
    covered = set(RULES) | set(API_OPERATIONS)
    undeclared = [n for n in all_url_names() if n not in covered and n.split(":")[0] not in COVERED_NAMESPACES]
    assert undeclared == [], f"declare a permission rule for: {undeclared}"


def test_every_page_rule_names_a_real_url():
    names = set(all_url_names())
    assert [n for n in RULES if n not in names] == []


def _routes() -> dict[str, str]:
    """{qualified url name: full route string} for every named pattern."""
    out = {}

    def walk(patterns, ns="", prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns, prefix + str(p.pattern))
            elif p.name:
                out.setdefault(f"{ns}{p.name}", (prefix + str(p.pattern), p.callback))

    walk(get_resolver().url_patterns)
    return out


ROUTES = _routes()


def accepted_methods(view) -> list[str]:
    """The methods a view accepts: those of its require_http_methods/require_POST decorator, else GET and POST."""
    if hasattr(view, "view_class"):
        return [m.upper() for m in ("get", "post") if hasattr(view.view_class, m)]
    function = view
    while function is not None:
        if isinstance(function, functools.partial):
            function = function.func
        for cell in getattr(function, "__closure__", None) or ():
            value = cell.cell_contents
            if isinstance(value, list | tuple) and value and all(isinstance(m, str) and m.isupper() for m in value):
                return [m for m in ("GET", "POST") if m in value]
        function = getattr(function, "__wrapped__", None)
    return ["GET", "POST"]


def _url(name, values):
    route = ROUTES[name][0]
    return reverse(name, kwargs={k: values[k] for k in re.findall(r"<(?:\w+:)?(\w+)>", route)})


def expected_page(rule: Rule, role: str, method: str = "GET") -> str:
    internal = role in INTERNAL
    if rule.kind == "public":
        return "ok"
    if rule.kind == "nowhere":
        return "404"
    if rule.kind == "logout":
        return "login"  # everyone ends on the log-in page
    if rule.kind == "api_document":
        return "401" if role == "anonymous" else "ok" if internal else "404"
    if role == "anonymous":
        return "login"
    if rule.kind == "own_factor":
        return "404"  # nobody in this world has a second factor to manage
    if rule.kind in ("authenticated", "home", "own_token", "own_job", "own_export"):
        if rule.kind == "own_token" and role in SUPPLIER_ROLES:
            return "404"
        return "ok"
    if rule.kind == "staff":
        return "ok" if role == Role.ADMIN else "login"
    if rule.kind in ("grievance", "grievance_identity"):
        if role not in GRIEVANCE_HANDLERS:
            return "404"
        # The viewer reads cases but changes nothing, and has no approved identity request.
        return "403" if role == Role.VIEWER and (method == "POST" or rule.kind == "grievance_identity") else "ok"
    if rule.kind == "grievance_custodian":
        return "ok" if role in GRIEVANCE_CUSTODIANS else "404"
    if rule.kind == "grievance_review":
        if not internal:
            return "404"
        return "ok" if Cap.REVIEW in ROLE_CAPABILITIES[role] or role in GRIEVANCE_HANDLERS else "403"
    if rule.kind == "portal_own":
        return "ok" if role == "supplier_a" else "404"
    if rule.kind in ("portal", "portal_write"):
        return "ok" if role in SUPPLIER_ROLES else "404"
    if rule.kind in ("internal", "internal_write", "import_job"):
        if not internal:
            return "ok" if rule.own_only and role == "supplier_a" else "404"
        cap = rule.post_cap if method == "POST" and rule.post_cap else rule.cap
        return "ok" if cap in ROLE_CAPABILITIES[role] else "403"
    raise AssertionError(rule)


def _page_values(name, rule, role, world) -> dict:
    from supplyesg.core.models import User

    values = dict(world["values"])
    user = world["users"].get(role)
    if rule.kind == "own_token" and user is not None:
        owner = user if user.is_internal else User.objects.filter(role="viewer").first()
        values["pk"] = create_api_token(user=owner, name="matrix", actor=user)[0].pk
    if rule.kind == "import_job":
        values["pk"] = Job.objects.create(kind="supplier_import", created_by=user).pk
    if rule.kind == "own_job":
        values["pk"] = Job.objects.create(kind="matrix", created_by=user).pk
    if rule.kind == "own_export":  # a download the worker prepared for this user (core/exports.py)
        path = default_storage.save("exports/matrix/list.csv", ContentFile(b"code\n"))
        result = {"label": "matrix", "file": path, "filename": "list.csv", "content_type": "text/csv", "next_url": "/"}
        values["pk"] = Job.objects.create(kind="export", status="done", created_by=user, result=result).pk
    return values


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RULES))
def test_each_page_answers_each_role_as_its_capability_says_for_every_method_it_accepts(name, world):
    rule = RULES[name]
    failures = []
    methods = [rule.method] if rule.kind in ("logout", "nowhere", "public") else accepted_methods(ROUTES[name][1])
    for role in ROLES:
        values = _page_values(name, rule, role, world)
        baseline = fingerprint() if rule.kind in ("own_token", "import_job", "own_job", "own_export") else world["fingerprint"]
        url = _url(name, values)
        for method in methods:
            if role == "supplier_b" and name in ("portal:sign_agreement", "portal:qualification_evidence"):
                # B asking for A's qualification item must not find it; an agreement type is global, so B may open it.
                expected = "404" if name == "portal:qualification_evidence" else "ok"
            else:
                expected = expected_page(rule, role, method)
            response, changed = send(world, role, method, url, baseline=baseline)
            got = outcome(response, api=False)
            if name == "api:openapi-json" and response.status_code == 401:
                got = "401"
            if got != expected or changed:
                failures.append(
                    f"{role} {method} {url}: got {response.status_code}, expected {expected}"
                    f"{', and it changed the database' if changed else ''}"
                )
    assert failures == []


# ---------------------------------------------------------------- the admin site's protected models


def _admin_requests(world) -> list[tuple[str, str, dict, bool]]:
    """(method, url, data, allowed for an administrator)."""
    event = AuditEvent.objects.order_by("pk").first()
    admin = world["users"][Role.ADMIN]
    token = create_api_token(user=world["users"][Role.VIEWER], name="ERP", actor=admin)[0]
    token.revoked_at = token.created_at
    token.save(update_fields=["revoked_at"])
    moved = {"name": "ERP", "user": admin.pk, "revoked_at_0": "", "revoked_at_1": ""}
    return [
        ("GET", reverse("admin:core_auditevent_changelist"), {}, True),
        ("GET", reverse("admin:core_auditevent_change", args=[event.pk]), {}, True),
        ("GET", reverse("admin:core_auditevent_add"), {}, False),
        ("POST", reverse("admin:core_auditevent_add"), {"action": "forged"}, False),
        ("POST", reverse("admin:core_auditevent_change", args=[event.pk]), {"action": "rewritten"}, False),
        ("POST", reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}, False),
        ("GET", reverse("admin:core_apitoken_changelist"), {}, True),
        ("GET", reverse("admin:core_apitoken_add"), {}, False),
        ("POST", reverse("admin:core_apitoken_change", args=[token.pk]), moved, False),
        ("POST", reverse("admin:core_apitoken_delete", args=[token.pk]), {"post": "yes"}, False),
    ]


@pytest.mark.django_db
def test_the_audit_trail_and_tokens_cannot_be_forged_or_edited_in_the_admin_site_by_anyone(world):
    from supplyesg.core.models import User

    User.objects.filter(pk=world["users"][Role.ADMIN].pk).update(is_superuser=True)  # every model permission
    requests = _admin_requests(world)
    before = fingerprint()
    failures = []
    for role in ROLES:
        for method, url, data, allowed in requests:
            response, changed = send(world, role, method, url, baseline=before, data=data)
            got = outcome(response, api=False)
            expected = "login" if role != Role.ADMIN else "ok" if allowed else "403"
            if got != expected or (method == "POST" and changed):
                failures.append(
                    f"{role} {method} {url}: got {response.status_code}, expected {expected}"
                    f"{', and it changed the database' if changed else ''}"
                )
    assert failures == []
