"""Putting a supplier on the blacklist, the blacklist page, and lifting a ban."""

import os
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import BlacklistEntry, Supplier
from supplyesg.suppliers.services import compliance as compliance_service
from tests.factories import make_blacklist_entry, make_supplier, pdf_upload

pytestmark = pytest.mark.django_db

S = Supplier.Status


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def stored_files() -> set[str]:
    found = set()
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(root, name) for name in files)
    return found


def blacklist_url(supplier):
    return reverse("suppliers:blacklist_supplier", args=[supplier.pk])


def ban_form(**kwargs):
    data = {"reason": BlacklistEntry.Reason.COUNTERFEIT, "details": "Counterfeit MOSFETs in lot 7.",
            "permanent": "on"}
    data.update(kwargs)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def banned(compliance):
    supplier = make_supplier(legal_name="Kappa Components", status=S.ACTIVE)
    entry = compliance_service.blacklist_supplier(supplier, actor=compliance, reason=BlacklistEntry.Reason.BRIBERY,
                                                  details="Paid the buyer.", permanent=True)
    return entry


# ---------------------------------------------------------------- who may reach what


def test_anonymous_visitors_are_sent_to_log_in(client_for, supplier_a, banned):
    for method, url in [("get", blacklist_url(supplier_a)), ("post", blacklist_url(supplier_a)),
                        ("get", reverse("suppliers:blacklist")),
                        ("post", reverse("suppliers:lift_blacklist", args=[banned.pk]))]:
        response = getattr(client_for(None), method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login")), url


def test_supplier_users_get_404_on_every_blacklist_page(client_for, supplier_a, supplier_a_user, supplier_b_user,
                                                        banned):
    for user in (supplier_a_user, supplier_b_user):
        client = client_for(user)
        assert client.get(blacklist_url(supplier_a)).status_code == 404
        assert client.post(blacklist_url(supplier_a), ban_form()).status_code == 404
        assert client.get(reverse("suppliers:blacklist")).status_code == 404
        assert client.post(reverse("suppliers:lift_blacklist", args=[banned.pk]), {"reason": "x"}).status_code == 404
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.PROSPECT


@pytest.mark.parametrize("persona", ["viewer", "procurement", "auditor"])
def test_roles_without_the_blacklist_capability_get_403_on_writes(request, client_for, supplier_a, banned, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(blacklist_url(supplier_a)).status_code == 403
    assert client.post(blacklist_url(supplier_a), ban_form()).status_code == 403
    assert client.post(reverse("suppliers:lift_blacklist", args=[banned.pk]), {"reason": "x"}).status_code == 403
    assert not BlacklistEntry.objects.filter(supplier=supplier_a).exists()
    banned.refresh_from_db()
    assert banned.lifted_at is None


def test_the_blacklist_page_is_readable_by_every_internal_role(client_for, viewer, banned):
    response = client_for(viewer).get(reverse("suppliers:blacklist"))
    assert response.status_code == 200
    assert "Kappa Components" in response.content.decode()
    assert reverse("suppliers:lift_blacklist", args=[banned.pk]) not in response.content.decode()


def test_an_unknown_supplier_is_404(client_for, compliance):
    assert client_for(compliance).get(reverse("suppliers:blacklist_supplier", args=[999999])).status_code == 404


def test_an_unknown_entry_cannot_be_lifted(client_for, compliance):
    assert client_for(compliance).post(reverse("suppliers:lift_blacklist", args=[999999]),
                                       {"reason": "x"}).status_code == 404


# ---------------------------------------------------------------- blacklisting


def test_the_blacklist_form_is_shown(client_for, compliance, supplier_a):
    response = client_for(compliance).get(blacklist_url(supplier_a))
    assert response.status_code == 200
    for name in ("reason", "details", "permanent", "until", "evidence"):
        assert f'name="{name}"'.encode() in response.content


def test_a_blacklisted_supplier_can_no_longer_be_ordered_from_and_the_answer_says_why(client_for, compliance):
    supplier = make_supplier(status=S.ACTIVE)
    assert compliance_service.can_order(supplier).can_order is True
    response = client_for(compliance).post(blacklist_url(supplier), ban_form(evidence=pdf_upload("lab-report.pdf")))
    assert response.status_code == 302 and response["Location"] == reverse("suppliers:detail", args=[supplier.pk])
    supplier.refresh_from_db()
    assert supplier.status == S.BLACKLISTED
    entry = supplier.blacklist_entries.get()
    assert entry.permanent and entry.decided_by == compliance and entry.status_before == S.ACTIVE
    assert entry.evidence.read().startswith(b"%PDF-")
    answer = compliance_service.can_order(supplier)
    assert answer.can_order is False
    assert answer.reasons == ["Blacklisted: Counterfeit products (permanent)."]
    assert AuditEvent.objects.get(action="supplier.blacklisted").reason == "Counterfeit MOSFETs in lot 7."


def test_a_temporary_ban_is_recorded_with_its_end_date(client_for, admin_user, supplier_a):
    until = date.today() + timedelta(days=180)
    client_for(admin_user).post(blacklist_url(supplier_a), ban_form(permanent=None, until=until.isoformat(),
                                                                    reason=BlacklistEntry.Reason.SAFETY))
    entry = supplier_a.blacklist_entries.get()
    assert (entry.permanent, entry.until, entry.reason) == (False, until, BlacklistEntry.Reason.SAFETY)


def test_a_temporary_ban_without_an_end_date_is_refused_under_until(client_for, compliance, supplier_a):
    response = client_for(compliance).post(blacklist_url(supplier_a), ban_form(permanent=None))
    assert response.status_code == 400
    assert response.context["form"].errors["until"] == ["a temporary ban needs an end date."]
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.PROSPECT and not BlacklistEntry.objects.exists()


def test_a_permanent_ban_with_an_end_date_is_refused_under_until(client_for, compliance, supplier_a):
    response = client_for(compliance).post(blacklist_url(supplier_a),
                                           ban_form(until=(date.today() + timedelta(days=9)).isoformat()))
    assert response.status_code == 400
    assert response.context["form"].errors["until"] == ["a permanent ban has no end date."]


def test_a_ban_without_details_is_refused_under_details(client_for, compliance, supplier_a):
    response = client_for(compliance).post(blacklist_url(supplier_a), ban_form(details="   "))
    assert response.status_code == 400
    assert "details" in response.context["form"].errors
    assert not BlacklistEntry.objects.exists()


def test_evidence_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(client_for, compliance, supplier_a):
    before = stored_files()
    fake = SimpleUploadedFile("photo.png", b"not really a png", content_type="image/png")
    response = client_for(compliance).post(blacklist_url(supplier_a), ban_form(evidence=fake))
    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == ["the content of photo.png is not a .png file."]
    assert not BlacklistEntry.objects.exists() and stored_files() == before


def test_a_supplier_already_blacklisted_cannot_be_blacklisted_again(client_for, compliance, banned):
    response = client_for(compliance).post(blacklist_url(banned.supplier), ban_form())
    assert response.status_code == 400
    assert "This supplier is already blacklisted." in response.content.decode()
    assert BlacklistEntry.objects.count() == 1


# ---------------------------------------------------------------- the blacklist page


def test_the_blacklist_page_shows_bans_in_force_unless_all_are_asked_for(client_for, compliance, banned):
    lifted = make_blacklist_entry(make_supplier(legal_name="Lambda Plating"))
    compliance_service.lift_blacklist(lifted, actor=compliance, reason="Appeal won.")
    client = client_for(compliance)
    html = client.get(reverse("suppliers:blacklist")).content.decode()
    assert "Kappa Components" in html and "Lambda Plating" not in html
    html = client.get(reverse("suppliers:blacklist"), {"state": "all"}).content.decode()
    assert "Kappa Components" in html and "Lambda Plating" in html and "Appeal won." in html


def test_the_blacklist_page_filters_by_reason(client_for, viewer, banned):
    make_blacklist_entry(make_supplier(legal_name="Mu Recycling"), reason=BlacklistEntry.Reason.ENVIRONMENT)
    html = client_for(viewer).get(reverse("suppliers:blacklist"), {"reason": "environmental_incident"}).content.decode()
    assert "Mu Recycling" in html and "Kappa Components" not in html


def test_a_ban_that_has_ended_is_shown_as_ended_without_a_lift_form(client_for, compliance):
    ended = make_blacklist_entry(make_supplier(legal_name="Nu Mining"), permanent=False,
                                 until=date.today() - timedelta(days=1))
    html = client_for(compliance).get(reverse("suppliers:blacklist"), {"state": "all"}).content.decode()
    assert "Nu Mining" in html and "Ended" in html
    assert reverse("suppliers:lift_blacklist", args=[ended.pk]) not in html


def test_a_bad_filter_value_falls_back_to_bans_in_force(client_for, viewer, banned):
    response = client_for(viewer).get(reverse("suppliers:blacklist"), {"state": "everything", "reason": "x"})
    assert response.status_code == 200 and "Kappa Components" in response.content.decode()


def test_the_blacklist_page_offers_a_lift_form_to_compliance(client_for, compliance, banned):
    html = client_for(compliance).get(reverse("suppliers:blacklist")).content.decode()
    assert reverse("suppliers:lift_blacklist", args=[banned.pk]) in html
    assert reverse("suppliers:detail", args=[banned.supplier_id]) in html


# ---------------------------------------------------------------- lifting


def test_lifting_a_ban_leaves_the_supplier_exited_and_orderable_again_only_after_readmission(client_for, compliance,
                                                                                           banned):
    response = client_for(compliance).post(reverse("suppliers:lift_blacklist", args=[banned.pk]),
                                           {"reason": "Investigation cleared the company."})
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:blacklist") + "?state=all"
    banned.refresh_from_db()
    supplier = banned.supplier
    supplier.refresh_from_db()
    assert banned.lifted_by == compliance and banned.lift_reason == "Investigation cleared the company."
    assert supplier.status == S.EXITED
    answer = compliance_service.can_order(supplier)
    assert answer.can_order is False and answer.reasons[0].startswith("Status is Exited")
    assert AuditEvent.objects.filter(action="supplier.blacklist_lifted", actor=compliance).exists()


def test_a_ban_is_not_lifted_without_a_reason(client_for, compliance, banned):
    response = client_for(compliance).post(reverse("suppliers:lift_blacklist", args=[banned.pk]), {"reason": ""})
    assert flashed(response) == ["Reason: This field is required."]
    banned.refresh_from_db()
    assert banned.lifted_at is None


def test_a_ban_cannot_be_lifted_twice(client_for, compliance, banned):
    client_for(compliance).post(reverse("suppliers:lift_blacklist", args=[banned.pk]), {"reason": "Cleared."})
    response = client_for(compliance).post(reverse("suppliers:lift_blacklist", args=[banned.pk]), {"reason": "Again."})
    assert flashed(response) == ["This blacklist entry was already lifted."]


def test_lifting_only_answers_post(client_for, compliance, banned):
    assert client_for(compliance).get(reverse("suppliers:lift_blacklist", args=[banned.pk])).status_code == 405
