"""Global search: one box over suppliers, smelters, audits, campaigns and documents, for internal users only."""

import pytest

from supplyesg.core import search
from tests.audits.factories_audits import make_audit
from tests.factories import make_document, make_supplier
from tests.minerals.factories_minerals import make_campaign, make_smelter


@pytest.fixture
def fuchang(db):
    return make_supplier(
        legal_name="Shenzhen Fuchang Electronics Co., Ltd.",
        local_name="深圳富昌电子有限公司",
        aliases="FCE\nFuchang Group",
        registration_id="91440300MA5FUCH001",
        country="CN",
    )


def _titles(groups, key):
    return [hit.title for g in groups if g.key == key for hit in g.hits]


@pytest.mark.parametrize(
    "query", ["Fuchang Ltd", "ltd fuchang", "富昌", "fuchang", "szfc", "91440300MA5FUCH001", "Fuchang Group"]
)
def test_a_supplier_is_found_by_words_in_any_order_chinese_pinyin_and_registration_id(compliance, fuchang, query):
    assert any("Fuchang" in t for t in _titles(search.search(compliance, query), "suppliers"))


def test_a_supplier_is_found_by_its_code(compliance, fuchang):
    assert _titles(search.search(compliance, fuchang.code), "suppliers") == [f"{fuchang.code} · {fuchang.legal_name}"]


def test_the_closest_supplier_comes_first(compliance, fuchang):
    make_supplier(legal_name="Fuchang Trading Ltd.")
    make_supplier(legal_name="Dongguan Precision Ltd.")
    titles = _titles(search.search(compliance, "Fuchang Trading"), "suppliers")
    assert len(titles) == 1 and "Fuchang Trading Ltd." in titles[0]
    titles = _titles(search.search(compliance, "fuchang"), "suppliers")
    assert len(titles) == 2


def test_smelters_are_found_by_name_alias_and_cid(compliance):
    smelter = make_smelter("CID001234", "Tin", "Yunnan Tin Company Limited")
    smelter.aliases.create(name="云南锡业股份有限公司")
    for query in ["yunnan tin", "CID001234", "云南锡业", "yunnanxiye"]:
        assert _titles(search.search(compliance, query), "smelters") == ["Yunnan Tin Company Limited (CID001234)"], query


def test_audits_campaigns_and_documents_are_found(compliance, fuchang):
    make_audit(fuchang, audit_firm="SGS Shenzhen")
    make_campaign(name="CMRT 2025 conflict minerals")
    make_document(fuchang, title="ISO 14001 certificate")
    groups = {g.key for g in search.search(compliance, "Fuchang")}
    assert {"suppliers", "audits", "documents"} <= groups
    assert _titles(search.search(compliance, "conflict cmrt"), "mineral_campaigns") == ["CMRT 2025 conflict minerals"]
    assert _titles(search.search(compliance, "14001 certificate"), "documents") == ["ISO 14001 certificate"]


def test_the_search_page_groups_results_by_kind_with_links(client_for, viewer, fuchang):
    response = client_for(viewer).get("/search/", {"q": "fuchang ltd"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/suppliers/{fuchang.pk}/"' in html
    assert 'data-kind="suppliers"' in html


def test_typing_in_the_box_returns_only_the_results_fragment(client_for, compliance, fuchang):
    response = client_for(compliance).get("/search/", {"q": "富昌"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Shenzhen Fuchang Electronics" in html and "All results" in html


def test_nothing_found_says_so(client_for, compliance, fuchang):
    response = client_for(compliance).get("/search/", {"q": "zzqx nothing"})
    assert "Nothing matches" in response.content.decode()


def test_supplier_portal_users_have_no_global_search(client_for, supplier_a_user, supplier_b):
    assert client_for(supplier_a_user).get("/search/", {"q": "Beta"}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    response = client_for(None).get("/search/", {"q": "Alpha"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_search_box_is_in_the_header_for_internal_users_only(client_for, compliance, supplier_a_user):
    assert 'id="global-search-q"' in client_for(compliance).get("/suppliers/").content.decode()
    assert 'id="global-search-q"' not in client_for(supplier_a_user).get("/portal/").content.decode()


def test_a_search_costs_a_bounded_number_of_queries(client_for, compliance, fuchang, django_assert_max_num_queries):
    for i in range(30):
        supplier = make_supplier(legal_name=f"Fuchang Branch {i} Ltd.", local_name=f"富昌分公司{i}")
        make_document(supplier, title=f"Fuchang licence {i}")
        make_audit(supplier)
    client = client_for(compliance)
    with django_assert_max_num_queries(20):
        response = client.get("/search/", {"q": "fuchang"})
    assert response.status_code == 200


def test_on_postgresql_a_misspelt_name_is_still_found(compliance, fuchang):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm finds candidates for misspelt words on PostgreSQL only; SQLite matches substrings")
    assert any("Fuchang" in t for t in _titles(search.search(compliance, "Fuchnag Electronics"), "suppliers"))


def test_on_postgresql_near_misses_are_looked_for_only_when_nothing_holds_the_words_as_typed(compliance):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm near misses exist on PostgreSQL only")
    make_supplier(legal_name="Fuchang Electronics Co., Ltd.")
    make_supplier(legal_name="Fuchong Electronics Co., Ltd.")  # one letter off

    exact = _titles(search.search(compliance, "Fuchang Electronics"), "suppliers")
    assert any("Fuchang" in t for t in exact) and not any("Fuchong" in t for t in exact)
    misspelt = _titles(search.search(compliance, "Fuchzng Electronics"), "suppliers")
    assert any("Fuchang" in t for t in misspelt) and any("Fuchong" in t for t in misspelt)
