"""Internal lifecycle pages: transitions, admission review, documents, agreements, exit and profile-change reviews."""

import os
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import (
    Certification,
    Document,
    ExitRecord,
    ProfileChangeRequest,
    QualificationItem,
    SignedAgreement,
    Supplier,
)
from supplyesg.suppliers.models.lifecycle import Verdict
from supplyesg.suppliers.services import lifecycle, portal
from supplyesg.suppliers.views.lifecycle import lifecycle_context
from tests.factories import (
    make_agreement_type,
    make_category,
    make_document,
    make_document_rule,
    make_supplier,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

S = Supplier.Status
K = QualificationItem.Kind


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def stored_files() -> set[str]:
    found = set()
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(root, name) for name in files)
    return found


def fake_pdf(name="licence.pdf"):
    return SimpleUploadedFile(name, b"this is plain text, not a PDF", content_type="application/pdf")


def detail(supplier, tab=None):
    url = reverse("suppliers:detail", args=[supplier.pk])
    return f"{url}?tab={tab}" if tab else url


def transition_url(supplier, name):
    return reverse("suppliers:transition", args=[supplier.pk, name])


def review_url(supplier, kind):
    return reverse("suppliers:review_item", args=[supplier.pk, supplier.qualification_items.get(kind=kind).pk])


def render_tab(user, supplier, tab):
    request = RequestFactory().get(detail(supplier, tab))
    request.user = user
    context = lifecycle_context(request, supplier, tab)
    html = render_to_string(f"suppliers/_tab_{tab}.html", context, request=request)
    return html + render_to_string("suppliers/_transitions.html", context, request=request)


@pytest.fixture
def world(compliance, supplier_a, supplier_a_user):
    """Supplier A in qualification with one document, a signed agreement and a pending profile change."""
    lifecycle.start_qualification_review(supplier_a, actor=compliance)
    document = make_document(supplier_a)
    agreement_type = make_agreement_type(required_for_all=True)
    signed = lifecycle.record_signed_scan(supplier_a, agreement_type, actor=compliance, scan=pdf_upload("s.pdf"),
                                          signer_name="Li Na", signer_title="CEO", signed_at=timezone.now())
    change = portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"address": "8 Dock Road"})
    supplier_a.refresh_from_db()
    return {
        "supplier": supplier_a,
        "item": supplier_a.qualification_items.get(kind=K.LABOUR),
        "document": document,
        "signed": signed,
        "change": change,
    }


def pages(world):
    """(method, url, capability needed for POST or None for a read-only page)."""
    a = world["supplier"].pk
    return [
        ("post", reverse("suppliers:transition", args=[a, "reject_qualification"]), "lifecycle"),
        ("post", reverse("suppliers:review_item", args=[a, world["item"].pk]), "review"),
        ("post", reverse("suppliers:add_certification", args=[a]), "review"),
        ("get", reverse("suppliers:upload_document", args=[a]), "edit_suppliers"),
        ("post", reverse("suppliers:upload_document", args=[a]), "edit_suppliers"),
        ("post", reverse("suppliers:remove_document", args=[a, world["document"].pk]), "edit_suppliers"),
        ("get", reverse("suppliers:record_scan", args=[a]), "lifecycle"),
        ("post", reverse("suppliers:record_scan", args=[a]), "lifecycle"),
        ("get", reverse("suppliers:agreement", args=[a, world["signed"].pk]), None),
        ("get", reverse("suppliers:exit", args=[a]), "lifecycle"),
        ("post", reverse("suppliers:exit", args=[a]), "lifecycle"),
        ("get", reverse("suppliers:reviews"), None),
        ("post", reverse("suppliers:review_change", args=[world["change"].pk]), "review"),
    ]


# ---------------------------------------------------------------- who may reach what


def test_anonymous_visitors_are_sent_to_log_in_from_every_page(client_for, world):
    for method, url, _cap in pages(world):
        response = getattr(client_for(None), method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("core:login")), url


def test_supplier_users_get_404_on_every_internal_page_even_for_their_own_supplier(client_for, world,
                                                                                   supplier_a_user, supplier_b_user):
    for user in (supplier_a_user, supplier_b_user):
        for method, url, _cap in pages(world):
            assert getattr(client_for(user), method)(url).status_code == 404, (user, url)
    assert world["supplier"].status == S.QUALIFICATION
    assert ProfileChangeRequest.objects.get().status == ProfileChangeRequest.Status.PENDING


def test_the_viewer_reads_pages_but_gets_403_on_every_write(client_for, world, viewer):
    client = client_for(viewer)
    for method, url, cap in pages(world):
        expected = 200 if cap is None else 403
        assert getattr(client, method)(url).status_code == expected, url
    assert Document.objects.filter(pk=world["document"].pk).exists()


@pytest.mark.parametrize(("persona", "allowed"), [
    ("compliance", {"lifecycle", "review", "edit_suppliers"}),
    ("procurement", {"lifecycle", "edit_suppliers"}),
    ("auditor", {"review"}),
])
def test_each_internal_role_may_write_only_what_its_capabilities_allow(request, client_for, world, persona, allowed):
    client = client_for(request.getfixturevalue(persona))
    for method, url, cap in pages(world):
        if cap is None:
            continue
        status = getattr(client, method)(url).status_code
        if cap in allowed:
            assert status in (200, 302, 400), (persona, url, status)
        else:
            assert status == 403, (persona, url, status)


def test_an_agreement_of_another_supplier_is_404_under_this_supplier(client_for, compliance, world, supplier_b):
    url = reverse("suppliers:agreement", args=[supplier_b.pk, world["signed"].pk])
    assert client_for(compliance).get(url).status_code == 404


def test_a_document_of_another_supplier_cannot_be_removed_through_this_one(client_for, compliance, world,
                                                                          supplier_b):
    url = reverse("suppliers:remove_document", args=[supplier_b.pk, world["document"].pk])
    assert client_for(compliance).post(url, {"reason": "x"}).status_code == 404
    assert Document.objects.filter(pk=world["document"].pk).exists()


def test_a_qualification_item_of_another_supplier_is_404(client_for, compliance, world):
    other = lifecycle.start_qualification_review(make_supplier(), actor=compliance)
    url = reverse("suppliers:review_item", args=[other.pk, world["item"].pk])
    assert client_for(compliance).post(url, {"evidence_note": "x"}).status_code == 404


# ---------------------------------------------------------------- transitions


def test_a_transition_not_offered_for_the_current_status_is_404(client_for, compliance, supplier_a):
    client = client_for(compliance)
    assert client.post(transition_url(supplier_a, "activate_supplier")).status_code == 404
    assert client.post(transition_url(supplier_a, "delete_everything")).status_code == 404
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.PROSPECT


def test_a_transition_only_answers_post(client_for, compliance, supplier_a):
    assert client_for(compliance).get(transition_url(supplier_a, "start_qualification_review")).status_code == 405


def test_procurement_starts_a_qualification_review_and_it_is_audited(client_for, procurement, supplier_a):
    response = client_for(procurement).post(transition_url(supplier_a, "start_qualification_review"))
    assert response.status_code == 302 and response["Location"] == detail(supplier_a, "admission")
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.QUALIFICATION
    assert supplier_a.qualification_items.count() == len(K.values)
    assert AuditEvent.objects.get(action="supplier.qualification_started").actor == procurement
    assert "Start qualification review: done. The supplier is now Qualification review." in flashed(response)


def test_a_refused_transition_shows_every_reason_and_changes_nothing(client_for, compliance, supplier_a):
    lifecycle.start_qualification_review(supplier_a, actor=compliance)
    response = client_for(compliance).post(transition_url(supplier_a, "complete_qualification_review"))
    assert response.status_code == 302 and response["Location"] == detail(supplier_a, "admission")
    messages = flashed(response)
    assert "ISO 9001 quality management has not been reviewed." in messages
    assert len(messages) == len(K.values)
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.QUALIFICATION


def test_a_transition_that_needs_a_reason_refuses_a_blank_one(client_for, compliance):
    supplier = make_supplier(status=S.ACTIVE)
    response = client_for(compliance).post(transition_url(supplier, "suspend_supplier"), {"reason": "  "})
    assert flashed(response) == ["reason: a reason is required for this change."]
    supplier.refresh_from_db()
    assert supplier.status == S.ACTIVE


def test_suspending_with_a_reason_records_the_reason(client_for, compliance):
    supplier = make_supplier(status=S.ACTIVE)
    client_for(compliance).post(transition_url(supplier, "suspend_supplier"), {"reason": "Child labour found."})
    supplier.refresh_from_db()
    assert supplier.status == S.SUSPENDED
    assert AuditEvent.objects.get(action="supplier.suspended").reason == "Child labour found."


# ---------------------------------------------------------------- the full admission, through the pages


def test_a_prospect_is_admitted_and_activated_through_the_pages(client_for, compliance, supplier_a,
                                                               supplier_a_user):
    cables = make_category(name="Copper cable")
    supplier_a.categories.set([cables])
    code_of_conduct = make_agreement_type(name="Code of conduct", required_for_all=True)
    minerals = make_agreement_type(name="Responsible minerals")
    cables.required_agreements.add(minerals)
    client = client_for(compliance)

    client.post(transition_url(supplier_a, "start_qualification_review"))
    for kind in K.values:
        if kind == K.ISO45001:
            data = {"verdict": Verdict.NOT_APPLICABLE, "comment": "Office-only supplier."}
        else:
            data = {"evidence": pdf_upload(f"{kind}.pdf"), "evidence_note": "Seen on site.", "verdict": Verdict.PASS}
        response = client.post(review_url(supplier_a, kind), data)
        assert response.status_code == 302, flashed(response)
    licence = supplier_a.qualification_items.get(kind=K.BUSINESS_LICENCE)
    assert licence.verdict == Verdict.PASS and licence.reviewer == compliance
    assert licence.evidence.read().startswith(b"%PDF-")

    client.post(transition_url(supplier_a, "complete_qualification_review"))
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.CERTIFICATION

    response = client.post(transition_url(supplier_a, "approve_supplier"))
    assert "Code of conduct (version 1.0) is not signed." in flashed(response)

    add_cert = reverse("suppliers:add_certification", args=[supplier_a.pk])
    client.post(add_cert, {"kind": Certification.Kind.SYSTEM, "verdict": Verdict.PASS,
                           "evidence": pdf_upload("iso.pdf")})
    client.post(add_cert, {"kind": Certification.Kind.MATERIAL, "category": cables.pk, "verdict": Verdict.PASS})
    assert supplier_a.certifications.count() == 2

    lifecycle.sign_agreement_in_portal(supplier_a, code_of_conduct, actor=supplier_a_user, signer_name="Li Na",
                                       signer_title="General manager", accepted_hash=code_of_conduct.text_hash)
    response = client.post(reverse("suppliers:record_scan", args=[supplier_a.pk]), {
        "agreement_type": minerals.pk, "signer_name": "Li Na", "signer_title": "General manager",
        "signed_at": date.today().isoformat(), "scan": pdf_upload("minerals-signed.pdf"),
    })
    assert response.status_code == 302 and response["Location"] == detail(supplier_a, "agreements")

    response = client.post(transition_url(supplier_a, "approve_supplier"))
    assert response.status_code == 302, flashed(response)
    client.post(transition_url(supplier_a, "activate_supplier"))
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.ACTIVE
    actions = set(AuditEvent.objects.filter(supplier=supplier_a).values_list("action", flat=True))
    assert {"supplier.qualification_started", "qualification.evidence", "qualification.reviewed",
            "supplier.qualification_passed", "certification.recorded", "agreement.signed", "supplier.approved",
            "supplier.activated"} <= actions


# ---------------------------------------------------------------- qualification items and certifications


def test_a_fake_pdf_as_evidence_is_refused_naming_the_field_and_nothing_is_stored(client_for, compliance, world):
    before = stored_files()
    response = client_for(compliance).post(review_url(world["supplier"], K.LABOUR),
                                           {"evidence": fake_pdf("payroll.pdf"), "verdict": Verdict.PASS})
    assert flashed(response) == ["Evidence file: the content of payroll.pdf is not a .pdf file."]
    labour = world["supplier"].qualification_items.get(kind=K.LABOUR)
    assert not labour.evidence and labour.verdict == Verdict.PENDING
    assert stored_files() == before


def test_a_refused_verdict_also_drops_the_evidence_sent_with_it(client_for, compliance, world):
    before = stored_files()
    response = client_for(compliance).post(review_url(world["supplier"], K.LABOUR),
                                           {"evidence": pdf_upload("payroll.pdf"), "verdict": Verdict.FAIL})
    assert flashed(response) == ["comment: say why the item fails."]
    labour = world["supplier"].qualification_items.get(kind=K.LABOUR)
    assert not labour.evidence and labour.verdict == Verdict.PENDING
    assert stored_files() == before
    assert not AuditEvent.objects.filter(action="qualification.evidence").exists()


def test_a_verdict_without_evidence_is_refused_with_the_services_reason(client_for, auditor, world):
    response = client_for(auditor).post(review_url(world["supplier"], K.ANTI_CORRUPTION), {"verdict": Verdict.PASS})
    assert flashed(response) == ["verdict: Anti-corruption cannot pass without evidence."]


def test_not_applicable_is_not_offered_for_a_mandatory_item(client_for, compliance, world):
    response = client_for(compliance).post(review_url(world["supplier"], K.BUSINESS_LICENCE),
                                           {"verdict": Verdict.NOT_APPLICABLE})
    assert len(flashed(response)) == 1 and flashed(response)[0].startswith("Verdict: Select a valid choice.")
    assert world["supplier"].qualification_items.get(kind=K.BUSINESS_LICENCE).verdict == Verdict.PENDING


def test_an_empty_review_form_says_what_to_do(client_for, compliance, world):
    response = client_for(compliance).post(review_url(world["supplier"], K.LABOUR), {})
    assert flashed(response) == ["Attach evidence, write a note or choose a verdict."]


def test_the_auditor_fails_an_item_with_a_comment(client_for, auditor, world):
    client_for(auditor).post(review_url(world["supplier"], K.LEGAL_DISPUTES),
                             {"verdict": Verdict.FAIL, "comment": "Open lawsuit over unpaid wages."})
    item = world["supplier"].qualification_items.get(kind=K.LEGAL_DISPUTES)
    assert (item.verdict, item.reviewer, item.comment) == (Verdict.FAIL, auditor, "Open lawsuit over unpaid wages.")
    assert AuditEvent.objects.filter(action="qualification.reviewed", actor=auditor).exists()


def test_a_certification_outside_certification_is_refused_with_the_reason(client_for, compliance, world):
    response = client_for(compliance).post(reverse("suppliers:add_certification", args=[world["supplier"].pk]),
                                           {"kind": Certification.Kind.SYSTEM, "verdict": Verdict.PASS})
    assert flashed(response) == ["Certifications are recorded while the supplier is in certification."]
    assert not Certification.objects.exists()


def test_a_certification_for_a_category_the_supplier_lacks_is_refused(client_for, compliance):
    supplier = make_supplier(status=S.CERTIFICATION, categories=[make_category()])
    foreign = make_category(name="Cobalt")
    response = client_for(compliance).post(reverse("suppliers:add_certification", args=[supplier.pk]), {
        "kind": Certification.Kind.MATERIAL, "category": foreign.pk, "verdict": Verdict.PASS})
    assert flashed(response)[0].startswith("Category (material certification): Select a valid choice.")
    assert not Certification.objects.exists()


def test_a_failed_certification_needs_a_note(client_for, auditor):
    supplier = make_supplier(status=S.CERTIFICATION)
    response = client_for(auditor).post(reverse("suppliers:add_certification", args=[supplier.pk]),
                                        {"kind": Certification.Kind.SYSTEM, "verdict": Verdict.FAIL})
    assert flashed(response) == ["note: say why the certification fails."]


# ---------------------------------------------------------------- documents


def test_the_upload_page_shows_the_form(client_for, procurement, supplier_a):
    response = client_for(procurement).get(reverse("suppliers:upload_document", args=[supplier_a.pk]))
    assert response.status_code == 200
    assert b'name="expiry_date"' in response.content and b'enctype="multipart/form-data"' in response.content


def test_a_document_is_uploaded_and_audited(client_for, procurement, supplier_a):
    response = client_for(procurement).post(reverse("suppliers:upload_document", args=[supplier_a.pk]), {
        "doc_type": "rohs", "title": "RoHS report 2025", "issue_date": "2025-01-10", "expiry_date": "2026-01-09",
        "file": pdf_upload("rohs.pdf"),
    })
    assert response.status_code == 302 and response["Location"] == detail(supplier_a, "documents")
    document = supplier_a.documents.get()
    assert (document.title, document.expiry_date, document.uploaded_by) == ("RoHS report 2025", date(2026, 1, 9),
                                                                            procurement)
    assert AuditEvent.objects.filter(action="document.uploaded", supplier=supplier_a).exists()


def test_a_pdf_whose_bytes_are_not_a_pdf_is_refused_under_the_file_field(client_for, compliance, supplier_a):
    before = stored_files()
    response = client_for(compliance).post(reverse("suppliers:upload_document", args=[supplier_a.pk]), {
        "doc_type": "licence", "title": "Business licence", "file": fake_pdf("licence.pdf"),
    })
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["the content of licence.pdf is not a .pdf file."]
    assert "File: the content of licence.pdf is not a .pdf file." in response.content.decode()
    assert not Document.objects.exists() and stored_files() == before


def test_an_expiry_before_the_issue_date_is_refused_under_the_expiry_date(client_for, compliance, supplier_a):
    before = stored_files()
    response = client_for(compliance).post(reverse("suppliers:upload_document", args=[supplier_a.pk]), {
        "doc_type": "licence", "title": "Business licence", "issue_date": "2025-05-01", "expiry_date": "2025-04-01",
        "file": pdf_upload("licence.pdf"),
    })
    assert response.status_code == 400
    assert response.context["form"].errors["expiry_date"] == ["the expiry date is before the issue date."]
    assert not Document.objects.exists() and stored_files() == before
    assert not AuditEvent.objects.filter(action="document.uploaded").exists()


def test_a_document_is_removed_with_a_reason(client_for, compliance, world):
    response = client_for(compliance).post(
        reverse("suppliers:remove_document", args=[world["supplier"].pk, world["document"].pk]),
        {"reason": "Superseded by the 2025 licence."})
    assert response.status_code == 302 and response["Location"] == detail(world["supplier"], "documents")
    assert not Document.objects.filter(pk=world["document"].pk).exists()
    assert AuditEvent.objects.get(action="document.removed").reason == "Superseded by the 2025 licence."


def test_a_document_is_not_removed_without_a_reason(client_for, compliance, world):
    response = client_for(compliance).post(
        reverse("suppliers:remove_document", args=[world["supplier"].pk, world["document"].pk]), {"reason": ""})
    assert flashed(response) == ["Reason: This field is required."]
    assert Document.objects.filter(pk=world["document"].pk).exists()


def test_the_documents_tab_flags_expired_and_expiring_documents_and_missing_ones(compliance, supplier_a):
    rohs_rule_category = make_category(name="Tin solder")
    make_document_rule(rohs_rule_category, doc_type="rohs")
    supplier_a.categories.set([rohs_rule_category])
    old = make_document(supplier_a, title="Licence 2022", issue_date=date.today() - timedelta(days=800),
                        expiry_date=date.today() - timedelta(days=1))
    make_document(supplier_a, title="Licence 2024", issue_date=date.today() - timedelta(days=300),
                  expiry_date=date.today() + timedelta(days=10))
    html = render_tab(compliance, supplier_a, "documents")
    assert "Expired" in html and "Expires soon" in html
    assert "RoHS report in force (required for Tin solder)" in html
    assert reverse("suppliers:file", args=["document", old.pk]) in html
    assert reverse("suppliers:upload_document", args=[supplier_a.pk]) in html
    assert reverse("suppliers:remove_document", args=[supplier_a.pk, old.pk]) in html


def test_the_documents_tab_offers_no_upload_or_removal_to_the_viewer(viewer, supplier_a):
    document = make_document(supplier_a)
    html = render_tab(viewer, supplier_a, "documents")
    assert reverse("suppliers:file", args=["document", document.pk]) in html
    assert reverse("suppliers:upload_document", args=[supplier_a.pk]) not in html
    assert reverse("suppliers:remove_document", args=[supplier_a.pk, document.pk]) not in html


def test_compliance_waives_a_missing_mandatory_document_from_the_documents_tab(client_for, compliance, supplier_a):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_category, make_document_rule

    battery = make_category(name="Battery modules")
    make_document_rule(battery, doc_type="rohs", yearly=True)
    supplier_a.categories.add(battery)
    assert 'id="waive"' in render_tab(compliance, supplier_a, "documents")
    until = timezone.localdate() + timedelta(days=60)
    response = client_for(compliance).post(reverse("suppliers:waive_document", args=[supplier_a.pk]), {
        "doc_type": "rohs", "reason": "Test lab backlog; report promised for next month.", "expires_on": until.isoformat(),
    })
    assert response.status_code == 302 and response["Location"] == detail(supplier_a, "documents")
    assert supplier_a.document_waivers.get().expires_on == until
    assert "Test lab backlog" in render_tab(compliance, supplier_a, "documents")
    refused = client_for(compliance).post(reverse("suppliers:waive_document", args=[supplier_a.pk]), {
        "doc_type": "rohs", "reason": " ", "expires_on": until.isoformat(),
    }, follow=True)
    assert "Reason" in refused.content.decode() and supplier_a.document_waivers.count() == 1


# ---------------------------------------------------------------- agreements


def test_a_signed_scan_is_recorded_by_procurement(client_for, procurement, supplier_a):
    agreement = make_agreement_type(name="Conflict minerals policy")
    response = client_for(procurement).post(reverse("suppliers:record_scan", args=[supplier_a.pk]), {
        "agreement_type": agreement.pk, "signer_name": "Chen Jie", "signer_title": "Director",
        "signed_at": (date.today() - timedelta(days=3)).isoformat(), "scan": pdf_upload("signed.pdf"),
    })
    assert response.status_code == 302
    signed = SignedAgreement.objects.get(supplier=supplier_a)
    assert (signed.method, signed.signer_name, signed.version) == (SignedAgreement.Method.SCAN, "Chen Jie", "1.0")
    assert signed.signed_at.date() == date.today() - timedelta(days=3)
    assert AuditEvent.objects.filter(action="agreement.signed", actor=procurement).exists()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused(client_for, compliance, supplier_a):
    before = stored_files()
    response = client_for(compliance).post(reverse("suppliers:record_scan", args=[supplier_a.pk]), {
        "agreement_type": make_agreement_type().pk, "signer_name": "Chen Jie", "signer_title": "Director",
        "signed_at": date.today().isoformat(),
        "scan": SimpleUploadedFile("signed.txt", b"signed", content_type="text/plain"),
    })
    assert response.status_code == 400
    assert "files of type .txt are not accepted" in response.context["form"].errors["scan"][0]
    assert not SignedAgreement.objects.exists() and stored_files() == before


def test_a_scan_dated_in_the_future_is_refused_under_the_date(client_for, compliance, supplier_a):
    response = client_for(compliance).post(reverse("suppliers:record_scan", args=[supplier_a.pk]), {
        "agreement_type": make_agreement_type().pk, "signer_name": "Chen Jie", "signer_title": "Director",
        "signed_at": (date.today() + timedelta(days=5)).isoformat(), "scan": pdf_upload("signed.pdf"),
    })
    assert response.status_code == 400
    assert response.context["form"].errors["signed_at"] == ["the signing date is in the future."]
    assert not SignedAgreement.objects.exists()


def test_the_scan_page_preselects_the_agreement_asked_for(client_for, compliance, supplier_a):
    agreement = make_agreement_type()
    response = client_for(compliance).get(reverse("suppliers:record_scan", args=[supplier_a.pk]) + f"?type={agreement.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["agreement_type"] == agreement.pk


def test_the_agreement_page_shows_the_text_as_signed_and_its_hash(client_for, viewer, supplier_a, supplier_a_user):
    agreement = make_agreement_type(name="Code of conduct", body="No forced labour.")
    signed = lifecycle.sign_agreement_in_portal(supplier_a, agreement, actor=supplier_a_user, signer_name="Li Na",
                                                signer_title="CEO", accepted_hash=agreement.text_hash)
    agreement.body = "Rewritten later."
    agreement.save()
    response = client_for(viewer).get(reverse("suppliers:agreement", args=[supplier_a.pk, signed.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "No forced labour." in html and "Rewritten later." not in html
    assert signed.text_hash in html and "Li Na, CEO" in html


def test_the_agreement_page_links_the_signed_scan(client_for, viewer, world):
    response = client_for(viewer).get(reverse("suppliers:agreement", args=[world["supplier"].pk, world["signed"].pk]))
    assert reverse("suppliers:file", args=["scan", world["signed"].pk]) in response.content.decode()


def test_the_agreements_tab_shows_signed_outdated_and_missing_agreements(compliance, supplier_a):
    signed_type = make_agreement_type(name="Code of conduct", required_for_all=True)
    outdated_type = make_agreement_type(name="Minerals policy", required_for_all=True)
    make_agreement_type(name="Environmental pledge", required_for_all=True)
    for agreement in (signed_type, outdated_type):
        lifecycle.record_signed_scan(supplier_a, agreement, actor=compliance, scan=pdf_upload(), signer_name="Li",
                                     signer_title="CEO", signed_at=timezone.now())
    outdated_type.version = "2.0"
    outdated_type.save()
    html = render_tab(compliance, supplier_a, "agreements")
    assert html.count('class="badge good">Signed<') == 1
    assert "Signed version 1.0 only" in html
    assert 'class="badge bad">Missing<' in html
    assert reverse("suppliers:record_scan", args=[supplier_a.pk]) in html


# ---------------------------------------------------------------- the admission tab and header buttons


def test_the_admission_tab_lists_the_checklist_problems_and_review_forms(compliance, world):
    supplier = world["supplier"]
    lifecycle.attach_qualification_evidence(world["item"], actor=compliance, evidence=pdf_upload(), note="Payroll")
    html = render_tab(compliance, supplier, "admission")
    assert "Labour and employment compliance" in html
    assert "ISO 9001 quality management has not been reviewed." in html
    assert reverse("suppliers:review_item", args=[supplier.pk, world["item"].pk]) in html
    assert reverse("suppliers:file", args=["evidence", world["item"].pk]) in html
    assert reverse("suppliers:transition", args=[supplier.pk, "complete_qualification_review"]) in html


def test_the_admission_tab_offers_no_review_form_to_procurement(procurement, world):
    html = render_tab(procurement, world["supplier"], "admission")
    assert reverse("suppliers:review_item", args=[world["supplier"].pk, world["item"].pk]) not in html
    assert reverse("suppliers:transition", args=[world["supplier"].pk, "complete_qualification_review"]) in html


def test_the_certification_form_offers_only_the_suppliers_categories(compliance):
    own = make_category(name="Silicon wafers")
    make_category(name="Cobalt hydroxide")
    supplier = make_supplier(status=S.CERTIFICATION, categories=[own])
    html = render_tab(compliance, supplier, "admission")
    assert "Silicon wafers" in html and "Cobalt hydroxide" not in html
    assert "Material certification for Silicon wafers has not passed." in html
    assert reverse("suppliers:add_certification", args=[supplier.pk]) in html


def test_the_viewer_sees_no_transition_blacklist_or_exit_buttons(viewer):
    supplier = make_supplier(status=S.ACTIVE)
    html = render_tab(viewer, supplier, "admission")
    assert "supplier-transitions" not in html
    assert reverse("suppliers:exit", args=[supplier.pk]) not in html


def test_reasoned_transitions_ask_for_a_reason_and_blacklisting_is_for_compliance_only(compliance, procurement):
    supplier = make_supplier(status=S.ACTIVE)
    html = render_tab(compliance, supplier, "admission")
    assert 'name="reason"' in html and "Make conditional" in html and "Suspend" in html
    assert reverse("suppliers:blacklist_supplier", args=[supplier.pk]) in html
    assert reverse("suppliers:exit", args=[supplier.pk]) in html
    html = render_tab(procurement, supplier, "admission")
    assert reverse("suppliers:blacklist_supplier", args=[supplier.pk]) not in html
    assert reverse("suppliers:exit", args=[supplier.pk]) in html


def test_an_exited_supplier_shows_its_exit_record(compliance):
    supplier = make_supplier(status=S.ACTIVE)
    lifecycle.exit_supplier(supplier, actor=compliance, reason="Business moved to Vietnam.", exit_date=date.today(),
                            open_items=ExitRecord.OpenItems.KEEP)
    supplier.refresh_from_db()
    html = render_tab(compliance, supplier, "admission")
    assert "Business moved to Vietnam." in html and "Readmit as prospect" in html
    assert reverse("suppliers:exit", args=[supplier.pk]) not in html


# ---------------------------------------------------------------- exit


def test_the_exit_page_shows_the_form(client_for, compliance, supplier_a):
    response = client_for(compliance).get(reverse("suppliers:exit", args=[supplier_a.pk]))
    assert response.status_code == 200 and b'name="open_items"' in response.content


def test_procurement_records_an_exit(client_for, procurement):
    supplier = make_supplier(status=S.ACTIVE)
    response = client_for(procurement).post(reverse("suppliers:exit", args=[supplier.pk]), {
        "reason": "Contract ended.", "exit_date": "2025-06-30", "open_items": ExitRecord.OpenItems.TRANSFER,
        "open_items_note": "Open CAPs go to Beta Solder.",
    })
    assert response.status_code == 302 and response["Location"] == detail(supplier)
    supplier.refresh_from_db()
    record = supplier.exits.get()
    assert supplier.status == S.EXITED and record.exit_date == date(2025, 6, 30) and record.decided_by == procurement
    assert AuditEvent.objects.filter(action="supplier.exit_recorded", supplier=supplier).exists()


def test_an_exit_transferring_open_items_without_saying_where_is_refused(client_for, compliance):
    supplier = make_supplier(status=S.ACTIVE)
    response = client_for(compliance).post(reverse("suppliers:exit", args=[supplier.pk]), {
        "reason": "Contract ended.", "exit_date": "2025-06-30", "open_items": ExitRecord.OpenItems.TRANSFER,
    })
    assert response.status_code == 400
    assert response.context["form"].errors["open_items_note"] == ["say where open items are transferred."]
    supplier.refresh_from_db()
    assert supplier.status == S.ACTIVE and not ExitRecord.objects.exists()


def test_an_exited_supplier_cannot_exit_again(client_for, compliance):
    supplier = make_supplier(status=S.EXITED)
    response = client_for(compliance).post(reverse("suppliers:exit", args=[supplier.pk]), {
        "reason": "Again.", "exit_date": "2025-06-30", "open_items": ExitRecord.OpenItems.CLOSE,
    })
    assert response.status_code == 400
    assert "A supplier in status Exited cannot be moved to Exited." in response.content.decode()


# ---------------------------------------------------------------- reviews


def test_the_review_page_shows_each_proposed_change_from_old_to_new(client_for, viewer, world):
    Supplier.objects.filter(pk=world["supplier"].pk).update(address="1 Old Street")
    response = client_for(viewer).get(reverse("suppliers:reviews"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 Old Street" in html and "8 Dock Road" in html and "Address" in html
    assert world["supplier"].legal_name in html
    assert reverse("suppliers:review_change", args=[world["change"].pk]) not in html  # viewer: no forms
    assert detail(world["supplier"], "admission") in html  # listed as in qualification review


def test_the_review_page_lists_suppliers_waiting_in_certification(client_for, compliance):
    supplier = make_supplier(status=S.CERTIFICATION, legal_name="Omega Wafers")
    response = client_for(compliance).get(reverse("suppliers:reviews"))
    assert "Omega Wafers" in response.content.decode()
    assert detail(supplier, "admission") in response.content.decode()


def test_each_list_of_the_review_page_is_paginated_on_its_own_and_keeps_the_others_page(client_for, compliance, monkeypatch):
    from supplyesg.suppliers.views import lifecycle as views

    monkeypatch.setattr(views, "SUPPLIERS_PER_PAGE", 2)
    waiting = [make_supplier(status=S.CERTIFICATION, legal_name=f"Cert {n}") for n in range(5)]
    qualifying = [make_supplier(status=S.QUALIFICATION, legal_name=f"Qual {n}") for n in range(3)]
    for n, supplier in enumerate([*waiting, *qualifying]):  # oldest first
        Supplier.objects.filter(pk=supplier.pk).update(status_changed_at=timezone.now() - timedelta(days=100 - n))
    page = client_for(compliance).get(reverse("suppliers:reviews"), {"certification": 3, "qualification": 2}).content.decode()
    certification = page.split('id="in-certification"')[1]
    qualification = page.split('id="in-qualification"')[1].split('id="in-certification"')[0]
    assert "Cert 4" in certification and "Cert 0" not in certification and "Page 3 of 3" in certification
    assert "5 suppliers" in certification
    assert "Qual 2" in qualification and "Qual 0" not in qualification and "3 suppliers" in qualification
    # the qualification list's previous page keeps the certification list where it is
    assert 'href="?certification=3&amp;qualification=1#in-qualification"' in qualification
    assert 'aria-label="Pages of suppliers in certification"' in certification


def test_an_approved_change_is_applied(client_for, auditor, world):
    response = client_for(auditor).post(reverse("suppliers:review_change", args=[world["change"].pk]),
                                        {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == reverse("suppliers:reviews")
    world["supplier"].refresh_from_db()
    assert world["supplier"].address == "8 Dock Road"
    assert AuditEvent.objects.filter(action="profile_change.reviewed", actor=auditor).exists()


def test_a_rejection_needs_a_comment(client_for, compliance, world):
    response = client_for(compliance).post(reverse("suppliers:review_change", args=[world["change"].pk]),
                                           {"decision": "reject", "comment": ""})
    assert flashed(response) == ["comment: say why the change is rejected."]
    world["change"].refresh_from_db()
    assert world["change"].status == ProfileChangeRequest.Status.PENDING


def test_a_rejected_change_leaves_the_profile_as_it_was(client_for, compliance, world):
    client_for(compliance).post(reverse("suppliers:review_change", args=[world["change"].pk]),
                                {"decision": "reject", "comment": "Address not on the licence."})
    world["change"].refresh_from_db()
    world["supplier"].refresh_from_db()
    assert world["change"].status == ProfileChangeRequest.Status.REJECTED
    assert world["supplier"].address == ""


def test_a_change_cannot_be_reviewed_twice(client_for, compliance, world):
    client_for(compliance).post(reverse("suppliers:review_change", args=[world["change"].pk]), {"decision": "approve"})
    response = client_for(compliance).post(reverse("suppliers:review_change", args=[world["change"].pk]),
                           {"decision": "reject", "comment": "Too late."})
    assert flashed(response) == ["This request was already reviewed."]
