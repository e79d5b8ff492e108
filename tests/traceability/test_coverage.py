"""The four coverage figures on a small hand-computed world (refined tin, 2026 Q2):

- S1 receives 1,000 kg ore from a mine (document-backed), smelts 700 kg at smelter A (third-party verified,
  RMAP conformant) and refines 693 kg (document-backed), all in April.
- S2 receives a 500 kg smelter lot of smelter B (not conformant, self-declared, no ore upstream) and refines 495 kg.
- S3 received 300 kg refined tin in January and recorded nothing in Q2.

Suppliers responding: S1 and S2 of 3 (66.7 %). Smelters: A and B identified, A conformant (1 / 2, 50 %).
Volume made in Q2: 693 kg traced (document-backed, weakest of its trace) + 495 kg untraced = 1,188 kg: 58.3 % / 41.7 %.
Mass balance: S1 700 in, 693 out at 0.99 (693 expected); S2 500 in, 495 out: no deficit at 0.99; after the factor
is corrected to 0.9, 450 are expected and 495 - 450 x 1.02 = 36 kg is a deficit.
"""

from datetime import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from supplyesg.minerals.models import RmapStatus, RmapStatusUpload, Smelter
from supplyesg.traceability import queries, services
from supplyesg.traceability.models import MaterialDefinition, Party
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(month, day):
    return datetime(2026, month, day, 9, 0, tzinfo=TZ)


@pytest.fixture
def world():
    services.load_material_definitions()
    m = {d.code: d for d in MaterialDefinition.objects.all()}
    actor = make_user()
    s1, s2, s3 = (
        make_supplier(legal_name="S1 Solder"),
        make_supplier(legal_name="S2 Solder"),
        make_supplier(legal_name="S3 Trading"),
    )
    a = Smelter.objects.create(cid="CID000001", metal="Tin", standard_name="Smelter A")
    b = Smelter.objects.create(cid="CID000002", metal="Tin", standard_name="Smelter B")
    upload = RmapStatusUpload.objects.create(file_name="rmap.xlsx")
    RmapStatus.objects.create(upload=upload, cid=a.cid, status=RmapStatus.Status.CONFORMANT)
    RmapStatus.objects.create(upload=upload, cid=b.cid, status=RmapStatus.Status.NON_CONFORMANT)
    mine = Party.objects.create(kind=Party.Kind.MINE, name="Mine", country="CD")

    ore = services.record_receipt(
        actor=actor,
        supplier=s1,
        identifier="O1",
        material=m["tin-ore"],
        quantity=D("1000"),
        party=mine,
        assurance="document_backed",
        when=at(4, 2),
    ).lot
    sl1 = services.record_transformation(
        actor=actor,
        supplier=s1,
        inputs=[(ore, D("1000"))],
        material=m["tin-smelter-lot"],
        identifier="SL1",
        quantity=D("700"),
        smelter=a,
        assurance="third_party_verified",
        when=at(4, 3),
    ).lot
    services.record_transformation(
        actor=actor,
        supplier=s1,
        inputs=[(sl1, D("700"))],
        material=m["refined-tin"],
        identifier="R1",
        quantity=D("693"),
        assurance="document_backed",
        when=at(4, 4),
    )
    sl2 = services.record_receipt(
        actor=actor, supplier=s2, identifier="SL2", material=m["tin-smelter-lot"], quantity=D("500"), smelter=b, when=at(4, 10)
    ).lot
    services.record_transformation(
        actor=actor,
        supplier=s2,
        inputs=[(sl2, D("500"))],
        material=m["refined-tin"],
        identifier="R2",
        quantity=D("495"),
        when=at(4, 11),
    )
    services.record_receipt(
        actor=actor, supplier=s3, identifier="R3", material=m["refined-tin"], quantity=D("300"), when=at(1, 15)
    )
    return m["refined-tin"]


def figures(material):
    return queries.coverage(material, 2026, 2, D("2"))


def test_suppliers_responding_are_those_holding_the_material_who_recorded_in_the_period(world):
    f = figures(world)
    assert (f.suppliers_responding, f.suppliers_in_scope, f.responding_share) == (2, 3, D("66.7"))


def test_smelters_identified_in_the_traces_and_conformant_on_the_current_rmap_list(world):
    f = figures(world)
    assert (f.smelters_conformant, f.smelters_identified, f.conformant_share) == (1, 2, D("50.0"))


def test_volume_traced_to_origin_by_evidence_level_in_kg_and_percent(world):
    f = figures(world)
    assert f.total_quantity == D("1188")
    assert {r.level: (r.quantity, r.share) for r in f.volume} == {
        "third_party_verified": (D("0"), D("0.0")),
        "document_backed": (D("693"), D("58.3")),
        "self_declared": (D("0"), D("0.0")),
        "untraced": (D("495"), D("41.7")),
    }


def test_the_mass_balance_per_account_shows_inputs_outputs_and_no_deficit(world):
    balances = {b.account: b for b in figures(world).balances}
    s1 = balances["S1 Solder · Refined tin (ingot)"]
    assert (s1.inputs, s1.outputs, s1.factor, s1.expected, s1.alert) == (D("700"), D("693"), D("0.99"), D("693.000"), False)
    assert "S3 Trading · Refined tin (ingot)" not in balances  # it made nothing in the period


def test_a_corrected_conversion_factor_raises_a_deficit_alert(world):
    MaterialDefinition.objects.filter(pk=world.pk).update(conversion_factor=D("0.9"))
    world.refresh_from_db()
    s2 = {b.account: b for b in figures(world).balances}["S2 Solder · Refined tin (ingot)"]
    assert (s2.expected, s2.deficit, s2.alert) == (D("450.000"), D("36.000"), True)


def test_another_quarter_has_none_of_the_april_volume(world):
    f = queries.coverage(world, 2026, 1, D("2"))
    assert f.total_quantity == D("300") and f.suppliers_responding == 1  # S3's January receipt
