"""Sanctions screening: loading lists from files, hits with evidence, decisions, and the can-order answer."""

import pytest
from django.core.management import CommandError, call_command

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import SanctionsEntry, SanctionsHit, SanctionsList, SanctionsListVersion, Supplier
from supplyesg.suppliers.sanctions import services
from supplyesg.suppliers.services import compliance as compliance_service
from supplyesg.suppliers.services import registry
from tests.factories import make_site, make_supplier
from tests.minerals.factories_minerals import make_smelter
from tests.suppliers.sanctions_files import GOLDEN, GOLDEN_STAR, KOMID, csv_list, ftm_lines, standard_un_xml, un_xml

pytestmark = pytest.mark.django_db
UN = services.UN_LIST_NAME
H = SanctionsHit.Status


def load_un(data=None, actor=None, **kwargs):
    return services.load_sanctions_list(
        data or standard_un_xml(), fmt="un-xml", list_name=UN, file_name="consolidated.xml", actor=actor, **kwargs
    )


@pytest.fixture
def golden_star(db):
    return make_supplier(legal_name="Golden Star Metals Trading (Yunnan) Co., Ltd.", country="CN", status=Supplier.Status.ACTIVE)


# ---------------------------------------------------------------- loading


def test_the_un_list_loads_entities_and_individuals_with_aliases_countries_and_its_date(admin_user):
    version = load_un(actor=admin_user)
    assert (version.version, version.entry_count, version.is_current) == ("2026-11-30T10:00:01.123-05:00", 3, True)
    assert version.sanctions_list.source == services.UN_SOURCE
    komid = SanctionsEntry.objects.get(reference="KPe.001")
    assert komid.kind == "entity" and komid.name == KOMID["name"]
    assert komid.aliases == ["KOMID", "CHANGGWANG SINYONG CORPORATION"]
    assert komid.countries == ["KP", "IR"]
    person = SanctionsEntry.objects.get(reference="KPi.001")
    assert (person.kind, person.name, person.countries, person.listed_on) == ("person", "Kim Example", ["KP"], "2016-03-02")
    event = AuditEvent.objects.get(action="sanctions_list.loaded")
    assert event.actor == admin_user and event.changes["entries"] == [None, 3]


def test_a_csv_list_loads_with_aliases_split_on_semicolons(admin_user):
    version = services.load_sanctions_list(
        csv_list(), fmt="csv", list_name="EU consolidated", file_name="eu.csv", actor=admin_user, version="2026-11"
    )
    assert (version.version, version.entry_count) == ("2026-11", 2)
    entry = version.entries.get(reference="EU-001")
    assert entry.aliases == ["FETSW", "远东锡冶炼厂"] and entry.countries == ["CN"]
    assert version.entries.get(reference="EU-002").kind == "person"


def test_a_followthemoney_file_loads_parties_and_skips_the_other_schemata(admin_user):
    version = services.load_sanctions_list(ftm_lines(), fmt="ftm", list_name="OpenSanctions", file_name="e.json")
    assert sorted(version.entries.values_list("reference", "kind")) == [("os-abc123", "entity"), ("os-person-1", "person")]
    company = version.entries.get(reference="os-abc123")
    assert company.aliases == ["NCR"] and company.countries == ["CD"]


@pytest.mark.parametrize(
    "fmt,data,where",
    [
        ("un-xml", b"<CONSOLIDATED_LIST><ENTITIES><ENTITY>", "not well-formed XML (line 1)"),
        ("un-xml", b"<sdnList><sdnEntry/></sdnList>", "not <CONSOLIDATED_LIST>"),
        ("un-xml", un_xml(entities=[{"name": "No Reference Ltd"}]), "ENTITIES/ENTITY[1]: REFERENCE_NUMBER is missing"),
        (
            "un-xml",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<CONSOLIDATED_LIST>&b;</CONSOLIDATED_LIST>",
            "forbidden construct",
        ),
        ("csv", b"Reference,Country\nX1,CN\n", "the header needs the column(s) name"),
        ("csv", b"Reference,Name\nX1,Acme\nX2,\n", "row 3: name is empty"),
        ("csv", b"Reference,Name\nX1,Acme\nX1,Other\n", "X1: the reference appears twice"),
        ("ftm", b'{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n{not json', "line 2: not valid JSON"),
        ("ftm", b'{"id": "a", "schema": "Company", "properties": {"name": []}}', "line 1: properties.name is empty"),
    ],
)
def test_a_bad_file_is_refused_with_where_and_nothing_is_stored(admin_user, fmt, data, where):
    load_un(actor=admin_user)
    with pytest.raises(RuleViolation) as refused:
        services.load_sanctions_list(data, fmt=fmt, list_name=UN, file_name="bad", actor=admin_user)
    assert where in refused.value.messages[0] and "Nothing was stored" in refused.value.messages[0]
    assert SanctionsListVersion.objects.count() == 1 and SanctionsListVersion.objects.get().is_current
    assert SanctionsEntry.objects.count() == 3


def test_reloading_replaces_the_current_version_and_keeps_the_history(admin_user, golden_star):
    load_un(actor=admin_user)
    services.screen_subjects()
    hit = SanctionsHit.objects.get(subject_id=golden_star.pk)
    load_un(un_xml(entities=[KOMID], generated="2026-12-05T10:00:00"), actor=admin_user)
    the_list = SanctionsList.objects.get(name=UN)
    assert [v.version for v in the_list.versions.all()] == ["2026-12-05T10:00:00", "2026-11-30T10:00:01.123-05:00"]
    assert the_list.current_version.entry_count == 1
    hit.refresh_from_db()
    assert hit.status == H.DELISTED
    assert AuditEvent.objects.filter(action="sanctions_hit.delisted", target_id=str(hit.pk)).exists()


# ---------------------------------------------------------------- screening


def test_a_supplier_whose_name_is_a_listed_entity_becomes_a_hit_with_the_evidence(golden_star):
    make_supplier(legal_name="Alpha Cable Co., Ltd.")
    load_un()
    result = services.screen_subjects()
    assert len(result.new_hits) == 1
    hit = result.new_hits[0]
    assert (hit.subject_kind, hit.supplier, hit.status) == ("supplier", golden_star, H.PENDING)
    assert (hit.reference, hit.entry_name, hit.sanctions_list.name) == ("KPe.099", GOLDEN_STAR, UN)
    assert hit.entry_names == [GOLDEN_STAR, "Golden Star Trading"]
    assert hit.score >= 85 and any("yunnan" in r for r in hit.reasons)
    assert "listed countries: CN" in hit.reasons


def test_screening_again_does_not_ask_twice():
    make_supplier(legal_name="KOMID")
    load_un()
    assert len(services.screen_subjects().new_hits) == 1
    assert services.screen_subjects().new_hits == []
    assert SanctionsHit.objects.count() == 1


def test_a_name_from_another_place_is_not_a_hit():
    make_supplier(legal_name="Guangxi Golden Star Metals Trading Co., Ltd.")
    load_un(un_xml(entities=[KOMID, {**GOLDEN, "aliases": []}]))
    assert services.screen_subjects().new_hits == []


def test_renaming_a_supplier_or_adding_a_site_screens_that_name(compliance):
    load_un()
    supplier = make_supplier(legal_name="Alpha Cable Co., Ltd.")
    registry.update_supplier(supplier, actor=compliance, aliases="Korea Mining Development Trading Corp.")
    assert SanctionsHit.objects.get().screened_name == "Korea Mining Development Trading Corp."
    registry.add_site(supplier, actor=compliance, name="Golden Star Trading", country="CN")
    site_hit = SanctionsHit.objects.get(subject_kind="site")
    assert site_hit.supplier == supplier and site_hit.reference == "KPe.099"


def test_creating_a_supplier_screens_it(compliance):
    load_un()
    supplier = registry.create_supplier(actor=compliance, legal_name="KOMID", country="KP")
    assert SanctionsHit.objects.get().supplier == supplier


def test_smelters_are_screened_too():
    services.load_sanctions_list(csv_list(), fmt="csv", list_name="EU consolidated", file_name="eu.csv")
    smelter = make_smelter("CID009999", "Tin", "Far East Tin Smelting Works")
    services.screen_subjects()
    hit = SanctionsHit.objects.get()
    assert (hit.subject_kind, hit.subject_id, hit.supplier) == ("smelter", smelter.pk, None)


# ---------------------------------------------------------------- decisions and can-order


def test_a_dismissal_needs_a_reason_and_is_audited(golden_star, compliance):
    load_un()
    hit = services.screen_subjects().new_hits[0]
    with pytest.raises(RuleViolation, match="reason"):
        services.dismiss_hit(hit, actor=compliance, reason=" ")
    services.dismiss_hit(hit, actor=compliance, reason="Different company: registration 91530000X, founded 1998")
    hit.refresh_from_db()
    assert (hit.status, hit.decided_by) == (H.DISMISSED, compliance)
    event = AuditEvent.objects.get(action="sanctions_hit.dismissed")
    assert event.supplier_id == golden_star.pk and event.reason.startswith("Different company")
    assert compliance_service.can_order(golden_star).can_order is True
    with pytest.raises(RuleViolation, match="already decided"):
        services.confirm_hit(hit, actor=compliance)


def test_a_confirmed_hit_blocks_ordering_with_the_list_as_the_reason(golden_star, compliance):
    load_un()
    assert compliance_service.can_order(golden_star).can_order is True
    hit = services.screen_subjects().new_hits[0]
    hit = services.confirm_hit(hit, actor=compliance, reason="Same address and owner")
    answer = compliance_service.can_order(golden_star)
    assert answer.can_order is False
    assert answer.reasons == [
        f"On the sanctions list {UN}: {GOLDEN_STAR} (KPe.099), confirmed on {hit.decided_at.date().isoformat()}."
    ]
    assert AuditEvent.objects.get(action="sanctions_hit.confirmed").reason == "Same address and owner"


def test_a_confirmed_hit_on_a_site_blocks_its_supplier(compliance):
    load_un()
    supplier = make_supplier(legal_name="Alpha Cable Co., Ltd.", status=Supplier.Status.ACTIVE)
    make_site(supplier, name="Korea Mining Development Trading Corporation")
    services.screen_subjects()
    services.confirm_hit(SanctionsHit.objects.get(), actor=compliance)
    assert compliance_service.can_order(supplier).can_order is False


# ---------------------------------------------------------------- commands


def test_the_load_command_reads_each_format_and_screens(tmp_path, golden_star, capsys):
    path = tmp_path / "consolidated.xml"
    path.write_bytes(standard_un_xml())
    call_command("sanctions_load", str(path))
    out = capsys.readouterr().out
    assert f"{UN}: version 2026-11-30T10:00:01.123-05:00, 3 entries loaded" in out
    assert "1 new hits to review" in out
    (tmp_path / "os.json").write_bytes(ftm_lines())
    call_command("sanctions_load", str(tmp_path / "os.json"), "--format", "ftm", "--list", "OpenSanctions", "--no-screen")
    assert SanctionsListVersion.objects.current().count() == 2


def test_the_load_command_refuses_a_bad_file_and_a_missing_list_name(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<CONSOLIDATED_LIST>")
    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("sanctions_load", str(bad))
    with pytest.raises(CommandError, match="--list"):
        call_command("sanctions_load", str(bad), "--format", "csv")
    assert SanctionsListVersion.objects.count() == 0


def test_screen_sanctions_for_cron_finds_new_hits(golden_star, capsys):
    load_un()
    call_command("screen_sanctions")
    assert "1 new hits to review" in capsys.readouterr().out
    call_command("screen_sanctions", "--background")
    assert "queued as job" in capsys.readouterr().out
    assert SanctionsHit.objects.count() == 1
