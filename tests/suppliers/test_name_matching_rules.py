"""The blacklist and duplicate detection catch every form of a known company's name, and only those."""

import pytest
from django.urls import reverse

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import Supplier
from supplyesg.suppliers.services import compliance as compliance_service
from supplyesg.suppliers.services import registry
from tests.factories import make_blacklist_entry, make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def tongli():
    banned = make_supplier(
        legal_name="Changzhou Tongli Wire Harness Co., Ltd.",
        local_name="常州通力线束有限公司",
        country="CN",
        registration_id="91320400MA1TONGLI",
    )
    return make_blacklist_entry(banned)


@pytest.mark.parametrize(
    "name",
    [
        "Tongli Wire Harness (Changzhou) Co., Ltd.",  # place moved into brackets
        "CHANGZHOU TONGLI WIRE HARNESS COMPANY LIMITED",  # case and legal form
        "Changzhou Tongli Wire Harness Co",  # legal form abbreviated
        "Changzhou Tongli Wire Harnes Co., Ltd.",  # typo
        "常州通力线束有限公司",  # Chinese characters
    ],
)
def test_every_form_of_a_banned_name_is_refused(tongli, name):
    with pytest.raises(RuleViolation, match="is blacklisted"):
        compliance_service.ensure_not_blacklisted(legal_name=name, country="CN")


def test_a_registration_id_with_spaces_dashes_and_lower_case_is_the_same_id(tongli):
    with pytest.raises(RuleViolation, match="is blacklisted"):
        compliance_service.ensure_not_blacklisted(legal_name="Anything", country="CN", registration_id="91320400-ma1 tongli")


def test_the_same_name_in_another_country_needs_a_blacklist_decider_with_a_reason(tongli, procurement, compliance):
    identity = {"legal_name": "Changzhou Tongli Wire Harness Co., Ltd.", "country": "VN"}
    with pytest.raises(RuleViolation, match="may be the blacklisted"):
        compliance_service.ensure_not_blacklisted(**identity)
    with pytest.raises(RuleViolation, match="may be the blacklisted"):  # procurement may not decide the blacklist
        compliance_service.ensure_not_blacklisted(**identity, override_reason="Vietnamese namesake", actor=procurement)
    compliance_service.ensure_not_blacklisted(**identity, override_reason="Vietnamese namesake", actor=compliance)
    event = AuditEvent.objects.get(action="blacklist.possible_match_cleared")
    assert event.reason == "Vietnamese namesake"


@pytest.mark.parametrize(
    "name",
    [
        "Changzhou Huali Wire Harness Co., Ltd.",  # another trade name in the same city
        "Suzhou Tongli Wire Harness Co., Ltd.",  # the same trade name in another city
        "Changzhou Tongli Precision Castings Co., Ltd.",  # ... making something else
    ],
)
def test_a_different_company_is_not_taken_for_the_banned_one(tongli, name):
    compliance_service.ensure_not_blacklisted(legal_name=name, country="CN")


def test_a_possible_duplicate_is_found_in_any_form_with_its_reasons():
    existing = make_supplier(legal_name="Dongguan Everwin Plastics Co., Ltd.", country="CN", registration_id="9144-1900 EW")
    for name, country in [("Everwin Plastics (Dongguan) Co Ltd", "CN"), ("Dongguan Everwin Plastics Co., Ltd.", "HK")]:
        [candidate] = registry.find_duplicates(legal_name=name, country=country)
        assert candidate.supplier == existing and candidate.reason == "name"
        assert "words matched: everwin, plastics, dongguan" in candidate.reasons[0] or "everwin" in candidate.reasons[0]
    [by_id] = registry.find_duplicates(legal_name="Other", country="CN", registration_id="91441900ew")
    assert by_id.reason == "registration_id"
    assert registry.find_duplicates(legal_name="Dongguan Everbright Plastics Co., Ltd.", country="CN") == []


def test_the_create_page_asks_a_blacklist_decider_for_a_reason(tongli, client_for, compliance):
    client = client_for(compliance)
    data = {"legal_name": "Changzhou Tongli Wire Harness Co., Ltd.", "country": "VN", "tier": 1}
    first = client.post(reverse("suppliers:create"), data)
    page = first.content.decode()
    assert first.status_code == 400 and "may be the blacklisted" in page and "blacklist_override_reason" in page
    cleared = {**data, "blacklist_doubt_shown": "1", "blacklist_override_reason": "Vietnamese namesake, other owner"}
    second = client.post(reverse("suppliers:create"), cleared).content.decode()
    assert "Possible duplicates" in second and "country differs: Vietnam / China" in second  # the banned record itself
    done = client.post(reverse("suppliers:create"), {**cleared, "duplicates_shown": "1", "confirmed_not_duplicate": "on"})
    assert done.status_code == 302
    assert Supplier.objects.filter(country="VN", legal_name=data["legal_name"]).exists()


def test_the_create_page_refuses_a_doubtful_name_for_users_who_do_not_decide_the_blacklist(tongli, client_for, procurement):
    data = {"legal_name": "Changzhou Tongli Wire Harness Co., Ltd.", "country": "VN", "tier": 1}
    page = client_for(procurement).post(reverse("suppliers:create"), data).content.decode()
    assert "may be the blacklisted" in page and "blacklist_override_reason" not in page
    assert not Supplier.objects.filter(country="VN").exists()


def test_a_duplicate_sharing_a_rare_word_is_found_when_a_common_word_matches_more_suppliers_than_are_read(monkeypatch):
    """The pre-filter reads at most ROWS_PER_WORD suppliers per word on PostgreSQL (and ranks all on SQLite): a word
    every supplier shares must not crowd out the one that shares the deciding word."""
    monkeypatch.setattr(registry, "ROWS_PER_WORD", 3)
    monkeypatch.setattr(registry, "NAME_CANDIDATES", 4)
    for n in range(12):
        make_supplier(legal_name=f"Shenzhen Electronics Number{n:02d} Co., Ltd.")
    twin = make_supplier(legal_name="Shenzhen Qiaoxing Electronics Co., Ltd.")
    found = registry.find_duplicates(legal_name="Shenzhen Qiaoxing Electronic Co., Ltd", country="CN")
    assert found and found[0].supplier == twin
