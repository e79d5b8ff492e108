"""A new supplier puts its admission file together in the portal and submits it; staff see it ready for review."""

import pytest
from django.core.exceptions import ValidationError

from supplyesg.core.models import AuditEvent, Role
from supplyesg.core.portal import PortalSection
from supplyesg.suppliers.models import Document, Supplier
from supplyesg.suppliers.services import lifecycle, onboarding
from tests.factories import make_agreement_type, make_category, make_document_rule, make_supplier, make_user, pdf_upload


@pytest.fixture
def newcomer(db):
    category = make_category(name="Cables")
    make_document_rule(category, doc_type="rohs")
    supplier = make_supplier(legal_name="Omega Wire Co., Ltd.", categories=[category], status=Supplier.Status.PROSPECT)
    return supplier


@pytest.fixture
def newcomer_user(newcomer):
    return make_user(Role.SUPPLIER, supplier=newcomer, language="en")


@pytest.fixture
def agreement(db):
    return make_agreement_type(required_for_all=True, name="Supplier code of conduct")


def test_the_portal_lists_what_admission_needs_and_refuses_an_incomplete_submission(client, newcomer, newcomer_user, agreement):
    client.force_login(newcomer_user)
    home = client.get("/portal/").content.decode()
    assert 'id="admission"' in home and "Submit for review" in home
    assert "RoHS" in home and "Supplier code of conduct" in home
    response = client.post("/portal/admission/submit/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "is missing" in html and "Supplier code of conduct is not signed" in html
    newcomer.refresh_from_db()
    assert newcomer.admission_submitted_at is None
    assert not AuditEvent.objects.filter(action="supplier.admission_submitted").exists()


def test_the_supplier_uploads_signs_and_submits_and_staff_see_it_ready_for_review(
    client, newcomer, newcomer_user, agreement, compliance
):
    client.force_login(newcomer_user)
    response = client.post("/portal/documents/", {
        "doc_type": "rohs", "title": "RoHS test report", "issue_date": "2026-06-01", "expiry_date": "",
        "file": [pdf_upload("rohs-part-1.pdf"), pdf_upload("rohs-part-2.pdf")],
    })
    assert response.status_code == 302
    assert Document.objects.filter(supplier=newcomer, doc_type="rohs").count() == 2
    lifecycle.sign_agreement_in_portal(newcomer, agreement, actor=newcomer_user, signer_name="Zhao Lei",
                                       signer_title="General manager", accepted_hash=agreement.text_hash)
    assert client.post("/portal/admission/submit/").status_code == 302
    assert "You submitted your admission file" in client.get("/portal/").content.decode()
    newcomer.refresh_from_db()
    assert newcomer.admission_submitted_at is not None
    assert AuditEvent.objects.filter(action="supplier.admission_submitted", supplier=newcomer).exists()

    client.force_login(compliance)
    page = client.get(f"/suppliers/{newcomer.pk}/").content.decode()
    assert "Submitted by the supplier, ready for review" in page
    inbox = client.get("/inbox/").content.decode()
    assert "Admission files submitted by suppliers" in inbox and "Omega Wire Co., Ltd." in inbox


def test_a_second_submission_is_refused_and_the_review_clears_the_flag(newcomer, newcomer_user, compliance):
    Document.objects.create(supplier=newcomer, doc_type="rohs", title="RoHS", file=pdf_upload("rohs.pdf"))
    onboarding.submit_admission(newcomer, actor=newcomer_user)
    with pytest.raises(ValidationError, match="already submitted"):
        onboarding.submit_admission(newcomer, actor=newcomer_user)
    newcomer.refresh_from_db()
    lifecycle.start_qualification_review(newcomer, actor=compliance)
    assert Supplier.objects.admission_submitted().filter(pk=newcomer.pk).exists()  # still waiting for the verdicts
    lifecycle.reject_qualification(newcomer, actor=compliance, reason="Licence expired.")
    newcomer.refresh_from_db()
    assert newcomer.admission_submitted_at is None


def _questionnaire_section(request, supplier):
    return PortalSection(key="assessments", title="Questionnaires", url="/portal/assessments/",
                         todo=["Admission questionnaire: please fill in and submit the questionnaire."])


def test_an_open_admission_questionnaire_blocks_the_submission(client, settings, newcomer, newcomer_user):
    Document.objects.create(supplier=newcomer, doc_type="rohs", title="RoHS", file=pdf_upload("rohs.pdf"))
    settings.SUPPLYESG_PORTAL_SECTIONS = [f"{__name__}._questionnaire_section"]
    client.force_login(newcomer_user)
    response = client.post("/portal/admission/submit/")
    assert response.status_code == 400
    assert "Admission questionnaire: please fill in" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.admission_submitted_at is None


def test_only_the_suppliers_own_user_submits_and_never_for_another_supplier(newcomer, supplier_b_user, compliance):
    with pytest.raises(ValidationError, match="Only a user of this supplier"):
        onboarding.submit_admission(newcomer, actor=supplier_b_user)
    with pytest.raises(ValidationError, match="Only a user of this supplier"):
        onboarding.submit_admission(newcomer, actor=compliance)


def test_an_approved_supplier_has_no_admission_to_submit(client, db):
    active = make_supplier(status=Supplier.Status.ACTIVE)
    user = make_user(Role.SUPPLIER, supplier=active)
    client.force_login(user)
    assert 'id="admission"' not in client.get("/portal/").content.decode()
    assert client.post("/portal/admission/submit/").status_code == 400
