"""Reference data, the reminder command and the deterministic demo data set."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from supplyesg.core.models import AuditEvent, Role, User
from supplyesg.suppliers import demo
from supplyesg.suppliers.models import (
    AgreementType,
    BlacklistEntry,
    Category,
    Certification,
    Contact,
    Document,
    DocumentRule,
    ExitRecord,
    ProfileChangeRequest,
    QualificationItem,
    SignedAgreement,
    Site,
    Supplier,
    SupplyLink,
)
from supplyesg.suppliers.services.lifecycle import certification_problems, qualification_problems
from tests.factories import make_contact, make_document, make_supplier

CONFLICT = {"tin", "tantalum", "tungsten", "gold", "cobalt"}


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# ---------------------------------------------------------------- reference data


def test_reference_data_loads_once_and_a_reload_changes_nothing(db):
    first = run("load_reference")
    assert "created  category        battery-modules" in first and " 0 updated, 0 unchanged." in first
    counts = (Category.objects.count(), AgreementType.objects.count(), DocumentRule.objects.count(), AuditEvent.objects.count())
    second = run("load_reference")
    assert "0 created, 0 updated" in second
    assert (Category.objects.count(), AgreementType.objects.count(), DocumentRule.objects.count(),
            AuditEvent.objects.count()) == counts


def test_reference_data_follows_the_seed_policies(db):
    run("load_reference")
    every = set(AgreementType.objects.filter(required_for_all=True).values_list("code", flat=True))
    assert every == {"code-of-conduct", "social-responsibility-framework", "nda", "integrity-agreement"}
    letter = AgreementType.objects.get(code="conflict-minerals-letter")
    assert not letter.required_for_all and "CMRT" in letter.body and "冲突矿产报告模板" in letter.body_zh
    conduct = AgreementType.objects.get(code="code-of-conduct")
    for point in ("Freedom of employment", "No child labour", "Humane treatment", "Wages and benefits", "Non-discrimination",
                  "Freedom of association", "ILO", "Responsible Business Alliance"):
        assert point in conduct.body
    framework = AgreementType.objects.get(code="social-responsibility-framework")
    for point in ("Environmental compliance", "Human rights", "Anti-conflict minerals", "Anti-corruption",
                  "Anti-money laundering"):
        assert point in framework.body
    for category in Category.objects.prefetch_related("required_agreements"):
        assert category.name_zh
        needs_letter = bool(set(category.minerals.split(",")) & CONFLICT)
        assert (letter in category.required_agreements.all()) == needs_letter, category.code
    assert {"silicon-wafers", "silicon-materials", "tin-solder", "battery-modules", "battery-cells", "cobalt-compounds",
            "cables-harnesses", "pcba", "chargers-adapters", "connectors", "passive-components", "semiconductors",
            "packaging", "metal-parts", "equipment", "logistics-services"} <= set(Category.objects.values_list("code", flat=True))
    battery = set(DocumentRule.objects.filter(category__code="battery-modules").values_list("doc_type", "yearly"))
    assert battery == {("rohs", True), ("reach", True)}


def test_a_reload_restores_edited_agreement_text_with_an_audit_row(db):
    run("load_reference")
    AgreementType.objects.filter(code="nda").update(body="Edited by hand.")
    output = run("load_reference")
    assert "updated  agreement_type  nda: body" in output
    assert AgreementType.objects.get(code="nda").body.startswith("1. Confidential information.")
    assert AuditEvent.objects.filter(action="agreement_type.updated", target_label="Non-Disclosure Agreement").exists()


def test_a_broken_reference_file_is_refused_with_every_problem(db, tmp_path):
    path = tmp_path / "reference.json"
    path.write_text(json.dumps({"source": [], "agreement_types": [{"code": "Bad Code"}],
                                "categories": [{"code": "x", "name": "X", "document_rules": [{"doc_type": "poem"}],
                                                "required_agreements": ["missing"]}]}))
    with pytest.raises(CommandError) as raised:
        run("load_reference", file=str(path))
    message = str(raised.value)
    for problem in ("The key date is missing", "code 'Bad Code' must be a slug", "name is required", "body is required",
                    "unknown agreement type 'missing'", "document rule {'doc_type': 'poem'}"):
        assert problem in message
    assert not Category.objects.exists()


def test_a_file_that_is_not_json_is_refused(db, tmp_path):
    path = tmp_path / "reference.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not a valid JSON file"):
        run("load_reference", file=str(path))


# ---------------------------------------------------------------- reminders


def test_send_reminders_mails_suppliers_and_prints_the_count(db):
    supplier = make_supplier()
    make_contact(supplier, email="quality@gamma.example")
    make_document(supplier, expiry_date=timezone.localdate() + timedelta(days=10))
    assert run("send_reminders").strip() == "1 reminder(s) sent."
    assert mail.outbox[0].to == ["quality@gamma.example"]
    assert run("send_reminders").strip() == "0 reminder(s) sent."


def test_send_reminders_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="is not a date"):
        run("send_reminders", date="tomorrow")


# ---------------------------------------------------------------- demo data


def test_load_demo_refuses_to_run_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        run("load_demo")
    assert not Supplier.objects.exists()


def test_load_demo_refuses_a_registry_that_holds_other_suppliers(db, settings):
    settings.DEMO_MODE = True
    make_supplier()
    with pytest.raises(CommandError, match="not the demo data"):
        run("load_demo")


def test_the_demo_plan_is_the_same_on_every_run():
    first, second = demo.build_plan(), demo.build_plan()
    assert first.fingerprint() == second.fingerprint()
    assert first.suppliers[0].code == "S000001" and first.fingerprint() != demo.build_plan(seed=1).fingerprint()


def test_demo_chinese_suppliers_have_valid_unified_social_credit_codes():
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    codes = [s.registration_id for s in demo.build_plan().suppliers if s.country == "CN" and s.registration_id]
    assert len(codes) > 100 and len(set(codes)) == len(codes)
    for code in codes:
        total = sum(chars.index(ch) * w for ch, w in zip(code[:17], weights, strict=True))
        assert len(code) == 18 and code.startswith("91") and chars[(31 - total % 31) % 31] == code[17], code


def test_the_demo_data_loads_once_with_every_state_users_and_history(db, settings):
    settings.DEMO_MODE = True
    output = run("load_demo")
    plan = demo.build_plan()
    today = timezone.localdate()

    # the registry: size, countries, tiers, stable identities
    suppliers = Supplier.objects.all()
    assert suppliers.count() == len(plan.suppliers) >= 300
    assert len(set(suppliers.values_list("country", flat=True))) >= 15
    assert {"CN", "TW", "VN", "MY", "TH", "IN", "ID", "MX", "DE", "US", "CD", "RW", "UG", "TZ", "ZM", "BI", "JP", "KR",
            "PH"} <= set(suppliers.values_list("country", flat=True))
    assert set(suppliers.values_list("tier", flat=True)) == {1, 2, 3}
    assert list(suppliers.order_by("code").values_list("code", "legal_name")[:5]) == [
        (s.code, s.legal_name) for s in plan.suppliers[:5]]
    chinese = suppliers.filter(country="CN").exclude(local_name="").exclude(registration_id="")
    assert chinese.count() > 100 and all(len(r) == 18 for r in chinese.values_list("registration_id", flat=True))
    assert suppliers.filter(country="TW").exclude(local_name="").exists()

    # the tier-n chain: mines/smelters (tier 3) -> tier 2 -> tier 1
    assert SupplyLink.objects.filter(upstream__tier=3, downstream__tier=2).exists()
    assert SupplyLink.objects.filter(upstream__tier=2, downstream__tier=1).exists()
    assert SupplyLink.objects.filter(upstream__sites__kind="mine", downstream__sites__kind="smelter").exists()
    assert Contact.objects.count() >= len(plan.suppliers) - 1 and Site.objects.count() >= len(plan.suppliers) - 1

    # every lifecycle state, each with what it implies
    assert set(suppliers.values_list("status", flat=True)) == set(Supplier.Status.values)
    assert QualificationItem.objects.filter(supplier__status="qualification", verdict="pass").exists()
    assert QualificationItem.objects.filter(supplier__status="qualification", verdict="pending").exists()
    assert Certification.objects.filter(supplier__status="certification").exists()
    for supplier in suppliers.filter(status__in=["qualified", "active", "conditional"])[:40]:
        assert certification_problems(supplier) == [] and qualification_problems(supplier) == [], supplier.code
    assert ExitRecord.objects.filter(supplier__status="exited").count() == suppliers.filter(status="exited").count()
    bans = BlacklistEntry.objects.in_force()
    assert bans.count() == suppliers.filter(status="blacklisted").count()
    assert bans.filter(permanent=True).exists() and bans.filter(permanent=False, until__gt=today).exists()
    assert SignedAgreement.objects.filter(method="portal").exists() and SignedAgreement.objects.filter(method="scan").exists()
    assert not SignedAgreement.objects.in_force().filter(supplier__status="exited").exists()
    assert ProfileChangeRequest.objects.filter(status="pending").count() >= 2

    # documents: licences, ISO certificates, RoHS/REACH reports; some expiring soon, some expired
    assert {"licence", "certificate", "rohs", "reach"} <= set(Document.objects.values_list("doc_type", flat=True))
    assert Document.objects.expiring(30, today).count() >= 5 and Document.objects.expired(today).count() >= 5
    assert Document.objects.first().file.read().startswith(b"%PDF-")

    # status history in the audit trail
    active = suppliers.filter(status="active").first()
    history = list(AuditEvent.objects.filter(supplier=active, target_type="suppliers.supplier").order_by("at")
                   .values_list("action", flat=True))
    assert history[:2] == ["supplier.created", "supplier.qualification_started"] and history[-1] == "supplier.activated"
    assert AuditEvent.objects.filter(action="supplier.blacklisted").count() == bans.count()

    # one user per role, two supplier users bound to different active suppliers, all with the demo password
    users = {u.username: u for u in User.objects.all()}
    roles = {name: users[name].role for name in ("admin", "compliance", "procurement", "auditor", "viewer")}
    assert roles == {"admin": Role.ADMIN, "compliance": Role.COMPLIANCE, "procurement": Role.PROCUREMENT,
                     "auditor": Role.AUDITOR, "viewer": Role.VIEWER}
    assert users["admin"].is_staff and users["admin"].is_superuser
    a, b = users["supplier-a"], users["supplier-b"]
    assert a.role == b.role == Role.SUPPLIER and a.supplier_id != b.supplier_id
    assert a.supplier.status == b.supplier.status == "active"
    assert all(u.check_password(demo.PASSWORD) for u in users.values())
    for name in users:
        assert name in output
    assert demo.PASSWORD in output

    # a second run changes nothing, even after people have worked with the demo registry
    make_supplier(legal_name="Added After The Demo Co")
    counts = (Supplier.objects.count(), AuditEvent.objects.count(), Document.objects.count(), User.objects.count())
    assert "already loaded" in run("load_demo")
    assert (Supplier.objects.count(), AuditEvent.objects.count(), Document.objects.count(), User.objects.count()) == counts
