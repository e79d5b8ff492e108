"""The smelter review queue explains its candidates, pre-fills only a confident one, searches the whole
list, and confirmed aliases can be withdrawn."""

import pytest
from django.urls import reverse

from supplyesg.core.models import AuditEvent, PolicySettings
from supplyesg.minerals import services
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import Smelter, SmelterAlias, SmelterReview, SubmissionSmelter
from tests.minerals.test_submissions import UNKNOWN_SMELTER, cmrt_file, open_campaign_with, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def smelters():
    rows = [
        ("CID001622", "Gold", "Shandong Zhaojin Gold & Silver Refinery Co., Ltd.", "Zhaoyuan", "Shandong"),
        ("CID001916", "Gold", "Shandong Gold Smelting Co., Ltd.", "Laizhou", "Shandong"),
        ("CID001070", "Tin", "China Tin Group Co., Ltd.", "Laibin", "Guangxi"),
        ("CID002180", "Tin", "Yunnan Tin Company Limited", "Gejiu", "Yunnan"),
    ]
    return {
        cid: Smelter.objects.create(cid=cid, metal=metal, standard_name=name, country="CHINA", city=city, state=state)
        for cid, metal, name, city, state in rows
    }


def test_the_queue_shows_the_candidates_with_their_reasons(smelters, client_for, compliance):
    SmelterReview.objects.create(metal="Gold", name="Zhaojin Gold & Silver Refinery (Zhaoyuan)", country="PRC")
    page = client_for(compliance).get(reverse("minerals:review_queue")).content.decode()
    assert "CID001622" in page and "words matched: zhaojin" in page
    assert "is the site&#x27;s city, province or country" in page
    assert 'value="CID001622"' in page  # confident: pre-filled


def test_no_candidate_is_pre_filled_below_the_policy_confidence(smelters, client_for, compliance):
    SmelterReview.objects.create(metal="Gold", name="Shandong Refinery", country="CN")
    page = client_for(compliance).get(reverse("minerals:review_queue")).content.decode()
    assert "CID001916" in page  # shown as a candidate ...
    assert 'value="CID001916"' not in page and 'value="CID001622"' not in page  # ... but never pre-filled
    assert "No candidate is certain enough" in page


def test_raising_the_policy_confidence_stops_the_pre_fill(smelters, client_for, compliance):
    SmelterReview.objects.create(metal="Gold", name="Zhaojin Gold Silver Refinery", country="PRC")
    policy = PolicySettings.current()
    policy.smelter_prefill_score = 100
    policy.save()
    page = client_for(compliance).get(reverse("minerals:review_queue")).content.decode()
    assert "CID001622" in page and 'value="CID001622"' not in page


def test_the_queue_searches_the_whole_reference_list(smelters, client_for, compliance):
    client = client_for(compliance)
    page = client.get(reverse("minerals:review_queue"), {"q": "yunnan tin co"}).content.decode()
    assert "CID002180" in page and "Yunnan Tin Company Limited" in page
    by_cid = client.get(reverse("minerals:review_queue"), {"q": "cid1622"}).content.decode()
    assert "Shandong Zhaojin Gold &amp; Silver Refinery Co., Ltd." in by_cid
    nothing = client.get(reverse("minerals:review_queue"), {"q": "Bluewater Precision", "metal": "Tin"}).content.decode()
    assert "No smelter of the reference list comes close." in nothing


@pytest.fixture
def confirmed(compliance, supplier_a, cmrt65):
    china_tin = Smelter.objects.create(cid="CID001070", metal="Tin", standard_name="China Tin Group Co., Ltd.")
    campaign = open_campaign_with(compliance, supplier_a)
    submit(campaign.requests.get(supplier=supplier_a), cmrt_file(cmrt65, "valid"), compliance)
    review = SmelterReview.objects.get(name=UNKNOWN_SMELTER)
    campaigns.confirm_smelter_review(review, cid="CID001070", actor=compliance)
    return SmelterAlias.objects.get(smelter=china_tin, name=UNKNOWN_SMELTER)


def test_a_confirmed_alias_is_scoped_to_its_metal_and_shows_who_confirmed_it(confirmed, client_for, compliance):
    reference = services.reference_list()
    assert reference.match("Tin", name=UNKNOWN_SMELTER).cid == "CID001070"
    assert reference.match("Gold", name=UNKNOWN_SMELTER) is None
    page = client_for(compliance).get(reverse("minerals:alias_list")).content.decode()
    assert UNKNOWN_SMELTER in page and "CID001070" in page and compliance.get_username() in page


def test_withdrawing_an_alias_unidentifies_its_rows_and_requeues_the_name(confirmed, client_for, compliance):
    response = client_for(compliance).post(
        reverse("minerals:alias_withdraw", args=[confirmed.pk]), {"reason": "Wrong smelter"}, follow=True
    )
    assert "is no longer an alias of CID001070; 1 stored row(s) wait for review again." in response.content.decode()
    assert not SmelterAlias.objects.filter(pk=confirmed.pk).exists()
    assert SubmissionSmelter.objects.get(name=UNKNOWN_SMELTER).cid == ""
    assert SmelterReview.objects.get(name=UNKNOWN_SMELTER).status == SmelterReview.Status.PENDING
    event = AuditEvent.objects.get(action="smelter.alias_withdrawn")
    assert event.reason == "Wrong smelter" and event.changes["alias"] == [UNKNOWN_SMELTER, None]
    assert services.reference_list().match("Tin", name=UNKNOWN_SMELTER) is None


def test_an_alias_is_not_withdrawn_without_a_reason(confirmed, client_for, compliance):
    response = client_for(compliance).post(reverse("minerals:alias_withdraw", args=[confirmed.pk]), {"reason": " "}, follow=True)
    assert "Reason: say why the alias is withdrawn." in response.content.decode()
    assert SmelterAlias.objects.filter(pk=confirmed.pk).exists()


def test_a_read_only_viewer_cannot_withdraw_an_alias(confirmed, client_for, viewer):
    response = client_for(viewer).post(reverse("minerals:alias_withdraw", args=[confirmed.pk]), {"reason": "no"})
    assert response.status_code == 403
    assert SmelterAlias.objects.filter(pk=confirmed.pk).exists()
