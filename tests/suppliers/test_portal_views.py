"""The supplier portal: a supplier user sees and acts for their own supplier only."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.core.models import AuditEvent, PolicySettings
from supplyesg.suppliers.models import (
    Document,
    ProfileChangeRequest,
    QualificationItem,
    SignedAgreement,
    Supplier,
)
from supplyesg.suppliers.services import lifecycle, portal
from tests.factories import (
    PDF_BYTES,
    make_agreement_type,
    make_category,
    make_document,
    make_document_rule,
    pdf_upload,
)

PAGES = ["portal:home", "portal:profile", "portal:documents", "portal:agreements"]


@pytest.fixture
def a_agreement(supplier_a):
    """An agreement type required of supplier A only (through A's category)."""
    agreement_type = make_agreement_type(name="Alpha Conflict Minerals Undertaking", version="2.1",
                                         body="The supplier sources tin only from conformant smelters.",
                                         name_zh="冲突矿产承诺书", body_zh="供应商仅从合规冶炼厂采购锡。")
    category = make_category(name="Copper cable")
    category.required_agreements.add(agreement_type)
    supplier_a.categories.add(category)
    return agreement_type


@pytest.fixture
def a_in_qualification(supplier_a, compliance):
    return lifecycle.start_qualification_review(supplier_a, actor=compliance)


def _item(supplier, kind=QualificationItem.Kind.BUSINESS_LICENCE):
    return supplier.qualification_items.get(kind=kind)


def _sign_data(agreement_type, **overrides):
    data = {"signer_name": "Wang Fang", "signer_title": "General Manager", "authorised": "on",
            "accepted_hash": agreement_type.text_hash}
    data.update(overrides)
    return data


def _upload_data(file, **overrides):
    data = {"doc_type": "licence", "title": "Business licence 2025", "issue_date": "2025-01-10",
            "expiry_date": "2030-01-09", "file": file}
    data.update(overrides)
    return data


# ---------------------------------------------------------------- who gets in


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(name, client_for):
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_anonymous_visitors_cannot_post_evidence(client_for, a_in_qualification):
    item = _item(a_in_qualification)
    response = client_for(None).post(reverse("portal:qualification_evidence", args=[item.pk]),
                                     {f"item-{item.pk}-note": "hello"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    item.refresh_from_db()
    assert item.evidence_note == ""


@pytest.mark.parametrize("persona", ["compliance", "viewer", "admin_user"])
@pytest.mark.parametrize("name", PAGES)
def test_internal_users_get_404_on_portal_pages(name, persona, request, client_for):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(name)).status_code == 404


def test_internal_users_get_404_on_the_sign_page(compliance, viewer, a_agreement, client_for):
    url = reverse("portal:sign_agreement", args=[a_agreement.pk])
    assert client_for(compliance).get(url).status_code == 404
    assert client_for(viewer).post(url, _sign_data(a_agreement)).status_code == 404
    assert not SignedAgreement.objects.exists()


def test_an_internal_user_cannot_propose_a_profile_change_through_the_portal(compliance, client_for):
    response = client_for(compliance).post(reverse("portal:profile"),
                                           {"legal_name": "Hijack Ltd.", "country": "CN"})
    assert response.status_code == 404
    assert not ProfileChangeRequest.objects.exists()


def test_an_internal_user_cannot_post_qualification_evidence(viewer, a_in_qualification, client_for):
    item = _item(a_in_qualification)
    response = client_for(viewer).post(reverse("portal:qualification_evidence", args=[item.pk]),
                                       {f"item-{item.pk}-note": "from a viewer"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.evidence_note == ""


def test_supplier_user_of_a_disabled_account_is_treated_as_anonymous(supplier_a_user, client_for):
    client = client_for(supplier_a_user)
    supplier_a_user.is_active = False
    supplier_a_user.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------- own data only


def test_supplier_a_user_sees_their_own_supplier_on_every_page(supplier_a, supplier_a_user, a_agreement,
                                                                client_for):
    make_document(supplier_a, title="Alpha business licence")
    client = client_for(supplier_a_user)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "Alpha Cable Co., Ltd." in response.text, name
    assert supplier_a.code in client.get(reverse("portal:home")).text
    assert "91440300MA5ALPHA01" in client.get(reverse("portal:profile")).text
    assert "Alpha business licence" in client.get(reverse("portal:documents")).text
    assert "Alpha Conflict Minerals Undertaking" in client.get(reverse("portal:agreements")).text


def test_supplier_b_never_sees_supplier_a_on_any_page(supplier_a, supplier_b_user, a_agreement, client_for):
    make_document(supplier_a, title="Alpha business licence")
    ProfileChangeRequest.objects.create(supplier=supplier_a, changes={"website": "https://alpha.example.com"})
    client = client_for(supplier_b_user)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "Beta Solder Sdn. Bhd." in response.text, name
        for secret in ("Alpha", "alpha.example.com", supplier_a.code, "91440300MA5ALPHA01"):
            assert secret not in response.text, (name, secret)


def test_supplier_b_gets_404_on_an_agreement_required_only_of_supplier_a(supplier_b_user, a_agreement,
                                                                          client_for):
    url = reverse("portal:sign_agreement", args=[a_agreement.pk])
    client = client_for(supplier_b_user)
    assert client.get(url).status_code == 404
    assert client.post(url, _sign_data(a_agreement)).status_code == 404
    assert not SignedAgreement.objects.exists()


def test_supplier_b_gets_404_on_supplier_a_qualification_item(supplier_b_user, supplier_b, a_in_qualification,
                                                                compliance, client_for):
    lifecycle.start_qualification_review(supplier_b, actor=compliance)
    item = _item(a_in_qualification)
    response = client_for(supplier_b_user).post(reverse("portal:qualification_evidence", args=[item.pk]),
                                                {f"item-{item.pk}-note": "B writes on A"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.evidence_note == ""
    assert not AuditEvent.objects.filter(action="qualification.evidence").exists()


def test_an_agreement_type_not_required_of_the_supplier_cannot_be_signed(supplier_a_user, client_for):
    optional = make_agreement_type(name="Optional charter")
    url = reverse("portal:sign_agreement", args=[optional.pk])
    assert client_for(supplier_a_user).get(url).status_code == 404
    assert client_for(supplier_a_user).post(url, _sign_data(optional)).status_code == 404


# ---------------------------------------------------------------- overview


def test_home_shows_the_status_label_and_what_is_expected(supplier_a, supplier_a_user, a_agreement,
                                                          client_for):
    rule_category = make_category(name="Solder")
    make_document_rule(rule_category, doc_type="rohs")
    supplier_a.categories.add(rule_category)
    make_document(supplier_a, title="Old ISO certificate", doc_type="certificate",
                  issue_date=date.today() - timedelta(days=800), expiry_date=date.today() - timedelta(days=5))
    make_document(supplier_a, title="Licence about to lapse", doc_type="licence",
                  issue_date=date.today() - timedelta(days=300),
                  expiry_date=date.today() + timedelta(days=10))
    response = client_for(supplier_a_user).get(reverse("portal:home"))
    assert response.status_code == 200
    text = response.text
    assert "Prospect" in text
    assert "Alpha Conflict Minerals Undertaking" in text
    assert reverse("portal:sign_agreement", args=[a_agreement.pk]) in text
    assert "RoHS report in force (required for Solder)" in text
    assert "Old ISO certificate expired on" in text
    assert "Licence about to lapse expires on" in text


def test_home_does_not_ask_to_renew_a_document_already_renewed(supplier_a, supplier_a_user, client_for):
    make_document(supplier_a, title="Licence 2019", doc_type="licence",
                  issue_date=date(2019, 1, 1), expiry_date=date.today() - timedelta(days=1))
    make_document(supplier_a, title="Licence renewed", doc_type="licence")
    text = client_for(supplier_a_user).get(reverse("portal:home")).text
    assert "Licence 2019 expired" not in text
    assert "Nothing to do right now" in text


def test_home_shows_an_active_supplier_with_a_good_badge(supplier_a, supplier_a_user, client_for):
    Supplier.objects.filter(pk=supplier_a.pk).update(status=Supplier.Status.ACTIVE)
    response = client_for(supplier_a_user).get(reverse("portal:home"))
    assert response.status_code == 200
    assert '<span class="badge good">Active</span>' in response.text


def test_home_lists_pending_qualification_items_with_an_evidence_form(a_in_qualification, supplier_a_user,
                                                                       client_for):
    item = _item(a_in_qualification)
    text = client_for(supplier_a_user).get(reverse("portal:home")).text
    assert "Business licence" in text
    assert "Anti-corruption" in text
    assert reverse("portal:qualification_evidence", args=[item.pk]) in text


def test_an_item_with_evidence_no_longer_counts_as_a_thing_to_do(a_in_qualification, supplier_a_user,
                                                                 client_for):
    for item in a_in_qualification.qualification_items.all():
        lifecycle.attach_qualification_evidence(item, actor=supplier_a_user, note=f"About {item.kind}")
    text = client_for(supplier_a_user).get(reverse("portal:home")).text
    assert "Nothing to do right now" in text
    assert "Evidence provided" in text
    assert "About labour" in text
    assert "Add or replace evidence" in text


def test_home_shows_a_pending_profile_change(supplier_a, supplier_a_user, client_for):
    portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"website": "https://alpha.example.com"})
    text = client_for(supplier_a_user).get(reverse("portal:home")).text
    assert "is waiting for review" in text


def test_home_shows_the_review_comment_of_a_rejected_profile_change(supplier_a, supplier_a_user, compliance,
                                                                     client_for):
    change = portal.request_profile_change(supplier_a, actor=supplier_a_user,
                                           changes={"legal_name": "Alpha Renamed"})
    portal.review_profile_change(change, actor=compliance, approve=False,
                                 comment="Please attach the updated business licence first.")
    text = client_for(supplier_a_user).get(reverse("portal:home")).text
    assert "was not accepted" in text
    assert "Please attach the updated business licence first." in text


# ---------------------------------------------------------------- profile


def _profile_data(supplier, **changes):
    data = {name: getattr(supplier, name) for name in
            ("legal_name", "local_name", "aliases", "registration_id", "registration_authority", "country",
             "address", "website")}
    data.update(changes)
    return data


def test_profile_form_is_prefilled_with_current_values(supplier_a_user, client_for):
    response = client_for(supplier_a_user).get(reverse("portal:profile"))
    assert response.status_code == 200
    assert 'value="Alpha Cable Co., Ltd."' in response.text
    assert '<option value="CN" selected>' in response.text


def test_proposing_a_profile_change_stores_a_request_and_does_not_change_the_supplier(
        supplier_a, supplier_a_user, client_for):
    client = client_for(supplier_a_user)
    data = _profile_data(supplier_a, website="https://alpha.example.com", address="1 Cable Road")
    response = client.post(reverse("portal:profile"), data)
    assert response.status_code == 302
    change = ProfileChangeRequest.objects.get(supplier=supplier_a)
    assert change.status == ProfileChangeRequest.Status.PENDING
    assert change.changes == {"website": "https://alpha.example.com", "address": "1 Cable Road"}
    assert change.submitted_by == supplier_a_user
    supplier_a.refresh_from_db()
    assert supplier_a.website == ""
    assert supplier_a.address == ""
    assert AuditEvent.objects.filter(action="profile_change.requested", supplier=supplier_a).exists()
    page = client.get(reverse("portal:profile")).text
    assert "Submitted for review" in page
    assert "1 Cable Road" in page
    assert 'action="/portal/profile/"' not in page


def test_a_profile_change_is_applied_at_once_when_the_policy_needs_no_approval(supplier_a, supplier_a_user,
                                                                              client_for):
    PolicySettings.objects.update_or_create(pk=1, defaults={"profile_changes_need_approval": False})
    response = client_for(supplier_a_user).post(reverse("portal:profile"),
                                                _profile_data(supplier_a, local_name="阿尔法电缆有限公司"))
    assert response.status_code == 302
    supplier_a.refresh_from_db()
    assert supplier_a.local_name == "阿尔法电缆有限公司"
    assert not ProfileChangeRequest.objects.exists()


def test_a_profile_change_with_a_bad_website_names_the_field(supplier_a, supplier_a_user, client_for):
    response = client_for(supplier_a_user).post(reverse("portal:profile"),
                                                _profile_data(supplier_a, website="not a web address"))
    assert response.status_code == 400
    assert "Website: Enter a valid URL." in response.text
    assert not ProfileChangeRequest.objects.exists()


def test_a_profile_change_with_an_unknown_country_names_the_field(supplier_a, supplier_a_user, client_for):
    response = client_for(supplier_a_user).post(reverse("portal:profile"),
                                                _profile_data(supplier_a, country="XX"))
    assert response.status_code == 400
    assert "Country: Select a valid choice." in response.text
    assert not ProfileChangeRequest.objects.exists()


def test_submitting_the_profile_unchanged_says_nothing_was_changed(supplier_a, supplier_a_user, client_for):
    response = client_for(supplier_a_user).post(reverse("portal:profile"), _profile_data(supplier_a))
    assert response.status_code == 400
    assert "Nothing was changed." in response.text
    assert not ProfileChangeRequest.objects.exists()


def test_a_second_proposal_while_one_waits_is_refused(supplier_a, supplier_a_user, client_for):
    portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"website": "https://alpha.example.com"})
    response = client_for(supplier_a_user).post(reverse("portal:profile"),
                                                _profile_data(supplier_a, address="2 Other Road"))
    assert response.status_code == 400
    assert "A profile change is already waiting for review." in response.text
    assert ProfileChangeRequest.objects.count() == 1


# ---------------------------------------------------------------- documents


def test_uploading_a_document_stores_it_for_the_own_supplier(supplier_a, supplier_a_user, client_for):
    client = client_for(supplier_a_user)
    response = client.post(reverse("portal:documents"), _upload_data(pdf_upload("licence.pdf")))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.supplier == supplier_a
    assert document.title == "Business licence 2025"
    assert document.expiry_date == date(2030, 1, 9)
    assert document.uploaded_by == supplier_a_user
    assert document.file.read() == PDF_BYTES
    assert AuditEvent.objects.filter(action="document.uploaded", supplier=supplier_a).exists()
    page = client.get(reverse("portal:documents")).text
    assert "Business licence 2025" in page
    assert reverse("suppliers:file", args=["document", document.pk]) in page


def test_a_pdf_that_is_not_a_pdf_is_refused_naming_the_field(supplier_a_user, client_for):
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 this is an executable",
                              content_type="application/pdf")
    response = client_for(supplier_a_user).post(reverse("portal:documents"), _upload_data(fake))
    assert response.status_code == 400
    assert "File: the content of licence.pdf is not a .pdf file." in response.text
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(action="document.uploaded").exists()


def test_an_oversized_file_is_refused(supplier_a_user, client_for, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("licence.pdf", PDF_BYTES + b"0" * 4096, content_type="application/pdf")
    response = client_for(supplier_a_user).post(reverse("portal:documents"), _upload_data(big))
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.text
    assert not Document.objects.exists()


def test_an_expiry_date_before_the_issue_date_is_refused_naming_the_field(supplier_a_user, client_for):
    data = _upload_data(pdf_upload(), issue_date="2025-06-01", expiry_date="2025-01-01")
    response = client_for(supplier_a_user).post(reverse("portal:documents"), data)
    assert response.status_code == 400
    assert "Expiry date: the expiry date is before the issue date." in response.text
    assert not Document.objects.exists()


def test_an_upload_without_a_file_names_the_field(supplier_a_user, client_for):
    data = _upload_data(None)
    del data["file"]
    response = client_for(supplier_a_user).post(reverse("portal:documents"), data)
    assert response.status_code == 400
    assert "File: This field is required." in response.text
    assert not Document.objects.exists()


def test_an_empty_upload_names_the_missing_fields(supplier_a_user, client_for):
    response = client_for(supplier_a_user).post(reverse("portal:documents"), {})
    assert response.status_code == 400
    assert "Title: This field is required." in response.text
    assert "File: This field is required." in response.text
    assert not Document.objects.exists()


def test_documents_page_marks_expired_and_expiring_documents(supplier_a, supplier_a_user, client_for):
    make_document(supplier_a, title="Lapsed REACH report", doc_type="reach",
                  issue_date=date.today() - timedelta(days=400), expiry_date=date.today() - timedelta(days=1))
    make_document(supplier_a, title="Licence soon due", issue_date=date.today() - timedelta(days=300),
                  expiry_date=date.today() + timedelta(days=3))
    text = client_for(supplier_a_user).get(reverse("portal:documents")).text
    assert 'badge bad">expired' in text
    assert 'badge warn">expiring soon' in text


# ---------------------------------------------------------------- agreements


def test_agreements_page_lists_required_agreements_to_sign(supplier_a_user, a_agreement, client_for):
    text = client_for(supplier_a_user).get(reverse("portal:agreements")).text
    assert "Alpha Conflict Minerals Undertaking" in text
    assert "to sign" in text
    assert reverse("portal:sign_agreement", args=[a_agreement.pk]) in text


def test_sign_page_shows_both_texts_and_the_current_hash(supplier_a_user, a_agreement, client_for):
    response = client_for(supplier_a_user).get(reverse("portal:sign_agreement", args=[a_agreement.pk]))
    assert response.status_code == 200
    text = response.text
    assert "The supplier sources tin only from conformant smelters." in text
    assert "供应商仅从合规冶炼厂采购锡。" in text
    assert "Version 2.1" in text
    assert f'value="{a_agreement.text_hash}"' in text
    assert "I am authorised to sign for Alpha Cable Co., Ltd. and accept this text" in text
    assert text.index("The supplier sources tin") < text.index("供应商仅从合规冶炼厂采购锡")


def test_sign_page_shows_the_chinese_text_first_in_chinese(supplier_a_user, a_agreement, client_for):
    text = client_for(supplier_a_user).get(reverse("portal:sign_agreement", args=[a_agreement.pk]),
                                           HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert text.index("供应商仅从合规冶炼厂采购锡") < text.index("The supplier sources tin")


def test_signing_stores_the_exact_text_and_the_signer(supplier_a, supplier_a_user, a_agreement, client_for):
    client = client_for(supplier_a_user)
    response = client.post(reverse("portal:sign_agreement", args=[a_agreement.pk]), _sign_data(a_agreement))
    assert response.status_code == 302
    signed = SignedAgreement.objects.get()
    assert signed.supplier == supplier_a
    assert signed.method == SignedAgreement.Method.PORTAL
    assert signed.version == "2.1"
    assert "The supplier sources tin only from conformant smelters." in signed.text_snapshot
    assert "供应商仅从合规冶炼厂采购锡。" in signed.text_snapshot
    assert signed.text_hash == hashlib.sha256(signed.text_snapshot.encode()).hexdigest()
    assert (signed.signer_name, signed.signer_title) == ("Wang Fang", "General Manager")
    assert signed.signed_by_user == supplier_a_user
    assert AuditEvent.objects.filter(action="agreement.signed", supplier=supplier_a).exists()
    page = client.get(reverse("portal:agreements")).text
    assert "Signed by Wang Fang (General Manager)" in page


def test_a_stale_accepted_hash_is_refused_and_the_new_text_is_shown(supplier_a_user, a_agreement, client_for):
    stale = a_agreement.text_hash
    a_agreement.body = "The supplier sources tin, tantalum and tungsten only from conformant smelters."
    a_agreement.save()
    response = client_for(supplier_a_user).post(reverse("portal:sign_agreement", args=[a_agreement.pk]),
                                                _sign_data(a_agreement, accepted_hash=stale))
    assert response.status_code == 400
    assert "The agreement text changed while you were reading it" in response.text
    assert "tin, tantalum and tungsten" in response.text
    assert f'value="{a_agreement.text_hash}"' in response.text
    assert not SignedAgreement.objects.exists()


def test_signing_without_confirming_authority_is_refused(supplier_a_user, a_agreement, client_for):
    data = _sign_data(a_agreement)
    del data["authorised"]
    response = client_for(supplier_a_user).post(reverse("portal:sign_agreement", args=[a_agreement.pk]), data)
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not SignedAgreement.objects.exists()


def test_signing_without_a_title_names_the_field(supplier_a_user, a_agreement, client_for):
    response = client_for(supplier_a_user).post(reverse("portal:sign_agreement", args=[a_agreement.pk]),
                                                _sign_data(a_agreement, signer_title=""))
    assert response.status_code == 400
    assert "Signer title: This field is required." in response.text
    assert not SignedAgreement.objects.exists()


def test_an_old_signature_asks_for_the_new_version(supplier_a_user, a_agreement, client_for):
    client = client_for(supplier_a_user)
    client.post(reverse("portal:sign_agreement", args=[a_agreement.pk]), _sign_data(a_agreement))
    a_agreement.version = "3.0"
    a_agreement.save()
    text = client.get(reverse("portal:agreements")).text
    assert "You signed version 2.1" in text
    assert "to sign" in text


# ---------------------------------------------------------------- qualification evidence


def test_attaching_a_file_as_qualification_evidence(a_in_qualification, supplier_a_user, client_for):
    item = _item(a_in_qualification)
    response = client_for(supplier_a_user).post(
        reverse("portal:qualification_evidence", args=[item.pk]),
        {f"item-{item.pk}-file": pdf_upload("licence-scan.pdf"),
         f"item-{item.pk}-note": "Scan of the licence"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.evidence.read() == PDF_BYTES
    assert item.evidence_note == "Scan of the licence"
    assert AuditEvent.objects.filter(action="qualification.evidence", supplier=a_in_qualification).exists()


def test_a_note_alone_is_enough_evidence(a_in_qualification, supplier_a_user, client_for):
    item = _item(a_in_qualification, QualificationItem.Kind.LEGAL_DISPUTES)
    note = "No legal disputes in the last five years."
    response = client_for(supplier_a_user).post(reverse("portal:qualification_evidence", args=[item.pk]),
                                                {f"item-{item.pk}-note": note})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.evidence_note == note
    assert not item.evidence


def test_empty_evidence_is_refused(a_in_qualification, supplier_a_user, client_for):
    item = _item(a_in_qualification)
    response = client_for(supplier_a_user).post(reverse("portal:qualification_evidence", args=[item.pk]), {})
    assert response.status_code == 400
    assert "Attach a file or write a note." in response.text
    assert not AuditEvent.objects.filter(action="qualification.evidence").exists()


def test_a_fake_evidence_file_is_refused_naming_the_field(a_in_qualification, supplier_a_user, client_for):
    item = _item(a_in_qualification)
    fake = SimpleUploadedFile("licence.png", b"not really a png", content_type="image/png")
    data = {f"item-{item.pk}-file": fake, f"item-{item.pk}-note": "see scan"}
    url = reverse("portal:qualification_evidence", args=[item.pk])
    response = client_for(supplier_a_user).post(url, data)
    assert response.status_code == 400
    assert "Evidence file: the content of licence.png is not a .png file." in response.text
    item.refresh_from_db()
    assert not item.evidence
    assert item.evidence_note == ""


def test_evidence_is_refused_outside_the_qualification_review(supplier_a, supplier_a_user, compliance,
                                                               client_for):
    lifecycle.start_qualification_review(supplier_a, actor=compliance)
    item = _item(supplier_a)
    Supplier.objects.filter(pk=supplier_a.pk).update(status=Supplier.Status.CERTIFICATION)
    response = client_for(supplier_a_user).post(reverse("portal:qualification_evidence", args=[item.pk]),
                                                {f"item-{item.pk}-note": "late evidence"})
    assert response.status_code == 400
    assert "accepted only while the qualification review is in progress" in response.text
    item.refresh_from_db()
    assert item.evidence_note == ""


def test_evidence_cannot_be_changed_after_the_item_passed(a_in_qualification, supplier_a_user, compliance,
                                                          client_for):
    item = _item(a_in_qualification)
    lifecycle.attach_qualification_evidence(item, actor=supplier_a_user, note="Licence number 123")
    lifecycle.review_qualification_item(item, actor=compliance, verdict="pass")
    response = client_for(supplier_a_user).post(reverse("portal:qualification_evidence", args=[item.pk]),
                                                {f"item-{item.pk}-note": "something else"})
    assert response.status_code == 400
    assert "has already been reviewed" in response.text
    item.refresh_from_db()
    assert item.evidence_note == "Licence number 123"


def test_evidence_page_only_accepts_posts(a_in_qualification, supplier_a_user, client_for):
    item = _item(a_in_qualification)
    response = client_for(supplier_a_user).get(reverse("portal:qualification_evidence", args=[item.pk]))
    assert response.status_code == 405
