"""The internal registry pages: list, create/edit, detail tabs, sites, contacts, links, duplicates, files."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import (
    Certification,
    Contact,
    DuplicateDecision,
    QualificationItem,
    Site,
    Supplier,
    SupplyLink,
)
from supplyesg.suppliers.services import registry
from tests.factories import (
    PDF_BYTES,
    make_blacklist_entry,
    make_category,
    make_contact,
    make_document,
    make_site,
    make_supplier,
)

pytestmark = pytest.mark.django_db

LIST = reverse("suppliers:list")
CREATE = reverse("suppliers:create")


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def new_supplier_data(**overrides) -> dict:
    data = {
        "legal_name": "Gamma Wafer Technology Co., Ltd.",
        "local_name": "伽马晶圆科技有限公司",
        "aliases": "Gamma Wafer",
        "registration_id": "91320500GAMMA0001X",
        "registration_authority": "Suzhou AMR",
        "country": "CN",
        "address": "1 Wafer Road, Suzhou",
        "website": "https://gamma.example.com",
        "tier": "2",
        "is_key": "on",
        "spend_share": "12.5",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- who may open what


@pytest.mark.parametrize("name", ["list", "create"])
def test_anonymous_visitors_are_sent_to_log_in(client_for, name):
    response = client_for(None).get(reverse(f"suppliers:{name}"))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_anonymous_visitors_cannot_open_a_supplier(client_for, supplier_a):
    response = client_for(None).get(reverse("suppliers:detail", args=[supplier_a.pk]))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


@pytest.mark.parametrize("name", ["detail", "edit"])
def test_a_supplier_user_cannot_open_internal_pages_even_for_their_own_supplier(client_for, supplier_a_user,
                                                                                  supplier_a, name):
    response = client_for(supplier_a_user).get(reverse(f"suppliers:{name}", args=[supplier_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("url", [LIST, CREATE])
def test_a_supplier_user_cannot_open_the_registry(client_for, supplier_a_user, url):
    assert client_for(supplier_a_user).get(url).status_code == 404


def test_a_viewer_may_read_but_not_open_the_edit_forms(client_for, viewer, supplier_a):
    c = client_for(viewer)
    assert c.get(LIST).status_code == 200
    assert c.get(reverse("suppliers:detail", args=[supplier_a.pk])).status_code == 200
    assert c.get(CREATE).status_code == 403
    assert c.get(reverse("suppliers:edit", args=[supplier_a.pk])).status_code == 403


def test_a_viewer_sees_no_new_supplier_or_import_link(client_for, viewer, compliance):
    assert reverse("suppliers:create") not in client_for(viewer).get(LIST).content.decode()
    page = client_for(compliance).get(LIST).content.decode()
    assert reverse("suppliers:create") in page
    assert reverse("suppliers:import") in page


# ---------------------------------------------------------------- list


def test_the_list_shows_code_names_country_tier_categories_status_and_key_flag(client_for, compliance):
    wafers = make_category(name="Silicon wafers")
    make_supplier(code="S000777", legal_name="Delta Silicon Ltd.", local_name="德尔塔硅业", country="DE",
                  tier=2, is_key=True, status=Supplier.Status.ACTIVE, categories=[wafers])
    page = client_for(compliance).get(LIST).content.decode()
    for text in ("S000777", "Delta Silicon Ltd.", "德尔塔硅业", "Germany", "Tier 2", "Silicon wafers", "Active", "★"):
        assert text in page


def test_the_list_filters_by_status_tier_country_category_and_key_flag(client_for, compliance):
    solder = make_category(code="solder", name="Solder")
    make_supplier(code="S000001", status=Supplier.Status.ACTIVE, tier=1, country="CN", is_key=True, categories=[solder])
    make_supplier(code="S000002", status=Supplier.Status.PROSPECT, tier=2, country="MY")
    make_supplier(code="S000003", status=Supplier.Status.ACTIVE, tier=3, country="MY")
    c = client_for(compliance)

    def codes(query):
        page = c.get(LIST, query).content.decode()
        return {code for code in ("S000001", "S000002", "S000003") if code in page}

    assert codes({"status": "active"}) == {"S000001", "S000003"}
    assert codes({"tier": "2"}) == {"S000002"}
    assert codes({"country": "MY"}) == {"S000002", "S000003"}
    assert codes({"category": "solder"}) == {"S000001"}
    assert codes({"key": "yes"}) == {"S000001"}
    assert codes({"key": "no"}) == {"S000002", "S000003"}
    assert codes({"status": "active", "country": "MY"}) == {"S000003"}


def test_the_country_filter_offers_each_country_in_use_once_in_code_order(client_for, compliance):
    from supplyesg.suppliers import queries

    for country in ("MY", "CN", "DE", "MY", "VN", "CN", "AE"):
        make_supplier(country=country)
    assert queries.countries_in_use() == ["AE", "CN", "DE", "MY", "VN"]
    choices = client_for(compliance).get(LIST).context["form"].fields["country"].choices
    assert [value for value, _label in choices if value] == ["AE", "CN", "DE", "MY", "VN"]
    Supplier.objects.filter(country="AE").delete()
    assert queries.countries_in_use() == ["CN", "DE", "MY", "VN"]


def test_no_supplier_means_no_country_to_offer():
    from supplyesg.suppliers import queries

    assert queries.countries_in_use() == []


def test_a_bad_filter_value_is_ignored_instead_of_failing(client_for, compliance, supplier_a):
    response = client_for(compliance).get(LIST, {"status": "nonsense", "tier": "x", "page": "zz", "sort": "password"})
    assert response.status_code == 200
    assert supplier_a.legal_name in response.content.decode()


@pytest.mark.parametrize("query", ["Alpha Cable", "alpha-trading", "阿尔法", "MA5ALPHA01"])
def test_search_finds_a_supplier_by_name_alias_local_name_or_registration_id(client_for, compliance, query):
    make_supplier(legal_name="Alpha Cable Co., Ltd.", local_name="阿尔法电缆", aliases="Alpha-Trading\nACL",
                  registration_id="91440300MA5ALPHA01")
    make_supplier(legal_name="Unrelated Glass Ltd.")
    page = client_for(compliance).get(LIST, {"q": query}).content.decode()
    assert "Alpha Cable Co., Ltd." in page
    assert "Unrelated Glass Ltd." not in page


def test_the_list_sorts_by_a_whitelisted_column_both_ways(client_for, compliance):
    make_supplier(code="S000010", legal_name="Bravo", country="US")
    make_supplier(code="S000020", legal_name="Alpha", country="DE")
    c = client_for(compliance)
    page = c.get(LIST, {"sort": "code"}).content.decode()
    assert page.index("S000010") < page.index("S000020")
    page = c.get(LIST, {"sort": "-code"}).content.decode()
    assert page.index("S000020") < page.index("S000010")
    page = c.get(LIST, {"sort": "country"}).content.decode()
    assert page.index("Germany") < page.index("United States")


def test_the_list_pages_by_fifty(client_for, compliance):
    for n in range(60):
        make_supplier(code=f"P{n:06d}", legal_name=f"Paged Supplier {n:03d}")
    c = client_for(compliance)
    first = c.get(LIST, {"sort": "code"}).content.decode()
    second = c.get(LIST, {"sort": "code", "page": "2"}).content.decode()
    assert "P000049" in first and "P000050" not in first
    assert "P000050" in second and "P000059" in second and "P000049" not in second
    assert "Page 2 of 2" in second
    assert "60 suppliers" in first


def test_an_htmx_request_gets_only_the_rows_fragment(client_for, compliance, supplier_a):
    response = client_for(compliance).get(LIST, {"q": "Alpha"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="supplier-filters"' not in page
    assert supplier_a.legal_name in page
    assert "HX-Request" in response["Vary"]


def test_the_full_page_wires_the_filter_form_to_the_rows_with_htmx(client_for, compliance):
    page = client_for(compliance).get(LIST).content.decode()
    assert 'hx-target="#supplier-rows"' in page and 'hx-push-url="true"' in page
    assert 'id="supplier-rows"' in page


def test_the_export_links_carry_the_current_filters(client_for, compliance, supplier_a):
    page = client_for(compliance).get(LIST, {"status": "active", "country": "CN", "page": "1"}).content.decode()
    export = reverse("suppliers:export")
    assert f"{export}?status=active&amp;country=CN&amp;format=xlsx" in page
    assert f"{export}?status=active&amp;country=CN&amp;format=csv" in page


def _list_queries(client, count: int) -> int:
    categories = [make_category(), make_category()]
    for _n in range(count - Supplier.objects.count()):
        make_supplier(categories=categories)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_page_size(client_for, compliance,
                                                                 django_assert_max_num_queries):
    c = client_for(compliance)
    with_ten = _list_queries(c, 10)
    assert with_ten <= 10
    categories = [make_category(), make_category()]
    for _n in range(50):
        make_supplier(categories=categories)
    assert Supplier.objects.count() == 60
    with django_assert_max_num_queries(with_ten):
        assert c.get(LIST).status_code == 200


# ---------------------------------------------------------------- create


def test_compliance_creates_a_supplier_as_a_prospect_with_its_categories(client_for, compliance):
    wafers = make_category(name="Silicon wafers")
    response = client_for(compliance).post(CREATE, new_supplier_data(categories=[wafers.pk]))
    supplier = Supplier.objects.get(registration_id="91320500GAMMA0001X")
    assert response.status_code == 302 and response["Location"] == reverse("suppliers:detail", args=[supplier.pk])
    assert supplier.status == Supplier.Status.PROSPECT
    assert supplier.tier == 2 and supplier.is_key and str(supplier.spend_share) == "12.500"
    assert list(supplier.categories.all()) == [wafers]
    assert supplier.created_by == compliance
    event = AuditEvent.objects.get(action="supplier.created", supplier=supplier)
    assert event.actor == compliance


def test_an_incomplete_supplier_form_names_the_field_and_stores_nothing(client_for, compliance):
    response = client_for(compliance).post(CREATE, new_supplier_data(legal_name="", spend_share="150"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Legal name: This field is required." in page
    assert "Spend share (%):" in page
    assert not Supplier.objects.exists()


def test_a_viewer_cannot_create_a_supplier(client_for, viewer):
    response = client_for(viewer).post(CREATE, new_supplier_data())
    assert response.status_code == 403
    assert not Supplier.objects.exists()


def test_a_supplier_user_cannot_create_a_supplier(client_for, supplier_a_user):
    assert client_for(supplier_a_user).post(CREATE, new_supplier_data()).status_code == 404
    assert Supplier.objects.count() == 1


def test_a_known_registration_id_asks_for_confirmation_before_creating(client_for, compliance, supplier_a):
    response = client_for(compliance).post(
        CREATE, new_supplier_data(legal_name="Alpha Cable Shenzhen", registration_id=supplier_a.registration_id)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Possible duplicates" in page and supplier_a.code in page and "Same registration id" in page
    assert reverse("suppliers:detail", args=[supplier_a.pk]) in page
    assert 'name="confirmed_not_duplicate"' in page and 'name="duplicates_shown"' in page
    assert Supplier.objects.count() == 1


def test_resubmitting_without_ticking_the_box_still_asks(client_for, compliance, supplier_a):
    data = new_supplier_data(legal_name="Alpha Cable Shenzhen", registration_id=supplier_a.registration_id,
                             duplicates_shown="1")
    response = client_for(compliance).post(CREATE, data)
    assert response.status_code == 200 and "Possible duplicates" in response.content.decode()
    assert Supplier.objects.count() == 1


def test_confirming_a_different_company_creates_it_and_remembers_the_answer(client_for, compliance, supplier_a):
    # A near-identical name is a question a person answers (the same registration id is not: see the API tests).
    data = new_supplier_data(legal_name="Alpha Cable Company Limited", registration_id="",
                             duplicates_shown="1", confirmed_not_duplicate="on")
    c = client_for(compliance)
    response = c.post(CREATE, data)
    created = Supplier.objects.get(legal_name="Alpha Cable Company Limited")
    assert response.status_code == 302
    decision = DuplicateDecision.objects.get()
    assert {decision.supplier_a_id, decision.supplier_b_id} == {supplier_a.pk, created.pk}
    assert decision.verdict == DuplicateDecision.Verdict.DIFFERENT and decision.decided_by == compliance
    # The question is not asked again on either record.
    assert "Possible duplicates" not in c.get(reverse("suppliers:detail", args=[created.pk])).content.decode()
    assert "Possible duplicates" not in c.get(reverse("suppliers:detail", args=[supplier_a.pk])).content.decode()


def test_a_blacklisted_identity_cannot_be_created(client_for, compliance, supplier_b):
    make_blacklist_entry(supplier_b)
    response = client_for(compliance).post(CREATE, new_supplier_data(
        legal_name="Beta Solder Trading", country="MY", registration_id=supplier_b.registration_id,
        duplicates_shown="1", confirmed_not_duplicate="on",
    ))
    assert response.status_code == 400
    assert "is blacklisted" in response.content.decode()
    assert not Supplier.objects.filter(legal_name="Beta Solder Trading").exists()


def test_a_blacklisted_identity_is_refused_before_any_duplicate_question(client_for, compliance, supplier_b):
    make_blacklist_entry(supplier_b)
    response = client_for(compliance).post(CREATE, new_supplier_data(
        legal_name="Beta Solder Sdn. Bhd.", country="MY", registration_id=supplier_b.registration_id,
    ))
    page = response.content.decode()
    assert response.status_code == 400
    assert "is blacklisted" in page and 'name="confirmed_not_duplicate"' not in page
    assert Supplier.objects.count() == 1


# ---------------------------------------------------------------- edit


def test_compliance_edits_registry_data_with_a_reason_kept_in_the_history(client_for, compliance, supplier_a):
    url = reverse("suppliers:edit", args=[supplier_a.pk])
    c = client_for(compliance)
    assert supplier_a.legal_name in c.get(url).content.decode()
    data = new_supplier_data(legal_name="Alpha Cable Group Co., Ltd.", registration_id=supplier_a.registration_id,
                             reason="Renamed after merger")
    response = c.post(url, data)
    assert response.status_code == 302
    supplier_a.refresh_from_db()
    assert supplier_a.legal_name == "Alpha Cable Group Co., Ltd."
    event = AuditEvent.objects.get(action="supplier.updated", supplier=supplier_a)
    assert event.reason == "Renamed after merger"
    assert event.changes["legal_name"] == ["Alpha Cable Co., Ltd.", "Alpha Cable Group Co., Ltd."]


def test_an_edit_without_a_reason_changes_nothing(client_for, compliance, supplier_a):
    response = client_for(compliance).post(reverse("suppliers:edit", args=[supplier_a.pk]),
                                           new_supplier_data(legal_name="Renamed"))
    assert response.status_code == 400
    assert "Reason for the change: This field is required." in response.content.decode()
    supplier_a.refresh_from_db()
    assert supplier_a.legal_name == "Alpha Cable Co., Ltd."
    assert not AuditEvent.objects.filter(action="supplier.updated").exists()


def test_a_rejected_edit_does_not_show_the_rejected_name_as_the_suppliers_name(client_for, compliance, supplier_a):
    response = client_for(compliance).post(reverse("suppliers:edit", args=[supplier_a.pk]),
                                           new_supplier_data(legal_name="Typo Name", spend_share="-1", reason="x"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Edit Alpha Cable Co., Ltd." in page


def test_a_viewer_cannot_edit_a_supplier(client_for, viewer, supplier_a):
    response = client_for(viewer).post(reverse("suppliers:edit", args=[supplier_a.pk]),
                                       new_supplier_data(legal_name="Renamed", reason="x"))
    assert response.status_code == 403
    supplier_a.refresh_from_db()
    assert supplier_a.legal_name == "Alpha Cable Co., Ltd."


def test_a_supplier_user_cannot_edit_through_the_internal_form(client_for, supplier_a_user, supplier_a):
    response = client_for(supplier_a_user).post(reverse("suppliers:edit", args=[supplier_a.pk]),
                                                new_supplier_data(legal_name="Renamed", reason="x"))
    assert response.status_code == 404
    supplier_a.refresh_from_db()
    assert supplier_a.legal_name == "Alpha Cable Co., Ltd."


# ---------------------------------------------------------------- detail


def detail(client, supplier, tab=None, **params):
    query = {"tab": tab, **params} if tab else params
    return client.get(reverse("suppliers:detail", args=[supplier.pk]), query)


def test_the_profile_tab_shows_the_registry_data_and_contacts(client_for, compliance, supplier_a):
    make_contact(supplier_a, name="Wang Fang", email="wang.fang@alpha.example.com", is_primary=True)
    page = detail(client_for(compliance), supplier_a).content.decode()
    for text in (supplier_a.code, "Alpha Cable Co., Ltd.", "91440300MA5ALPHA01", "China", "Prospect",
                 "Wang Fang", "wang.fang@alpha.example.com", "Primary"):
        assert text in page
    assert reverse("suppliers:add_contact", args=[supplier_a.pk]) in page


def test_a_viewer_sees_no_edit_or_remove_controls(client_for, viewer, supplier_a):
    contact = make_contact(supplier_a)
    page = detail(client_for(viewer), supplier_a).content.decode()
    assert reverse("suppliers:edit", args=[supplier_a.pk]) not in page
    assert reverse("suppliers:remove_contact", args=[supplier_a.pk, contact.pk]) not in page


def test_an_unknown_tab_shows_the_profile(client_for, compliance, supplier_a):
    response = detail(client_for(compliance), supplier_a, tab="../../secret")
    assert response.status_code == 200
    assert 'id="tab-profile"' in response.content.decode()


def test_the_can_order_badge_says_whether_orders_are_allowed(client_for, compliance, supplier_a, supplier_b):
    Supplier.objects.filter(pk=supplier_b.pk).update(status=Supplier.Status.ACTIVE)
    c = client_for(compliance)
    assert "Purchase orders blocked" in detail(c, supplier_a).content.decode()
    assert "Purchase orders allowed" in detail(c, supplier_b).content.decode()


def test_the_sites_tab_lists_sites(client_for, compliance, supplier_a):
    make_site(supplier_a, name="Dongguan plant", country="CN")
    page = detail(client_for(compliance), supplier_a, "sites").content.decode()
    assert "Dongguan plant" in page and reverse("suppliers:add_site", args=[supplier_a.pk]) in page


def test_the_chain_tab_shows_the_tier_n_chain_nested_and_the_customers(client_for, compliance, supplier_a,
                                                                       supplier_b):
    smelter = make_supplier(legal_name="Gamma Tin Smelter", country="ID", tier=3)
    customer = make_supplier(legal_name="Omega Charger Assembly")
    registry.link_suppliers(upstream=supplier_b, downstream=supplier_a, actor=compliance, material="solder")
    registry.link_suppliers(upstream=smelter, downstream=supplier_b, actor=compliance, material="tin")
    registry.link_suppliers(upstream=supplier_a, downstream=customer, actor=compliance)
    page = detail(client_for(compliance), supplier_a, "chain").content.decode()
    upstream = page[page.index('id="upstream"'):page.index('id="links"')]
    # Beta is a direct supplier; the smelter sits in a list nested inside Beta's item.
    beta_item = upstream[upstream.index("Beta Solder"):]
    assert "<ul>" in beta_item[:beta_item.index("Gamma Tin Smelter")]
    assert "solder" in upstream and "tin" in upstream
    links = page[page.index('id="links"'):]
    assert "Omega Charger Assembly" in links


def test_the_history_tab_shows_who_changed_what_from_what_to_what_and_why(client_for, compliance, supplier_a):
    registry.update_supplier(supplier_a, actor=compliance, reason="Typo in the licence", tier=2)
    page = detail(client_for(compliance), supplier_a, "history").content.decode()
    assert "carla-compliance" in page and "Registry data changed" in page
    assert "Tier 1 (direct) → Tier 2" in page and "Typo in the licence" in page


def test_the_history_is_paginated(client_for, compliance, supplier_a):
    for n in range(30):
        registry.add_contact(supplier_a, actor=compliance, name=f"Contact {n:02d}")
    c = client_for(compliance)
    first = detail(c, supplier_a, "history").content.decode()
    second = detail(c, supplier_a, "history", page="2").content.decode()
    assert "Contact 29" in first and "Contact 00" not in first
    assert "Contact 00" in second and "Page 2 of 2" in second


def test_possible_duplicates_are_shown_with_same_and_different_buttons(client_for, compliance, supplier_a):
    twin = make_supplier(legal_name="Alpha Cable Co Ltd", country="CN")
    page = detail(client_for(compliance), supplier_a).content.decode()
    assert "Possible duplicates" in page and twin.code in page
    assert reverse("suppliers:decide_duplicate", args=[supplier_a.pk, twin.pk]) in page


def test_no_duplicates_panel_when_there_is_no_candidate(client_for, compliance, supplier_a):
    assert 'id="duplicates"' not in detail(client_for(compliance), supplier_a).content.decode()


def test_a_supplier_user_of_b_cannot_open_a(client_for, supplier_b_user, supplier_a):
    assert detail(client_for(supplier_b_user), supplier_a).status_code == 404


# ---------------------------------------------------------------- sites, contacts, links, duplicates


def test_compliance_adds_a_site(client_for, compliance, supplier_a):
    url = reverse("suppliers:add_site", args=[supplier_a.pk])
    response = client_for(compliance).post(url, {"site-name": "Huizhou plant", "site-kind": "factory",
                                                 "site-country": "CN", "site-address": "Zhongkai"})
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=sites")
    assert Site.objects.get(supplier=supplier_a).name == "Huizhou plant"
    assert AuditEvent.objects.filter(action="site.added", supplier=supplier_a, actor=compliance).exists()
    assert "Site Huizhou plant was added." in flashed(response)


def test_an_invalid_site_names_the_field_and_stores_nothing(client_for, compliance, supplier_a):
    url = reverse("suppliers:add_site", args=[supplier_a.pk])
    response = client_for(compliance).post(url, {"site-name": "", "site-kind": "castle", "site-country": "XX"})
    assert response.status_code == 302
    errors = " ".join(flashed(response))
    assert "Name:" in errors and "Kind:" in errors and "Country:" in errors
    assert not Site.objects.exists()


def test_compliance_removes_a_site(client_for, compliance, supplier_a):
    site = make_site(supplier_a)
    response = client_for(compliance).post(reverse("suppliers:remove_site", args=[supplier_a.pk, site.pk]))
    assert response.status_code == 302
    assert not Site.objects.exists()
    assert AuditEvent.objects.filter(action="site.removed", supplier=supplier_a).exists()


def test_a_site_of_another_supplier_cannot_be_removed_through_this_one(client_for, compliance, supplier_a,
                                                                       supplier_b):
    site = make_site(supplier_b)
    response = client_for(compliance).post(reverse("suppliers:remove_site", args=[supplier_a.pk, site.pk]))
    assert response.status_code == 404
    assert Site.objects.filter(pk=site.pk).exists()


def test_compliance_adds_and_removes_a_contact(client_for, compliance, supplier_a):
    c = client_for(compliance)
    response = c.post(reverse("suppliers:add_contact", args=[supplier_a.pk]),
                      {"contact-name": "Zhao Lei", "contact-email": "zhao@alpha.example.com",
                       "contact-is_authorised_signatory": "on"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=profile")
    contact = Contact.objects.get(supplier=supplier_a)
    assert contact.is_authorised_signatory
    assert AuditEvent.objects.filter(action="contact.added", supplier=supplier_a).exists()
    c.post(reverse("suppliers:remove_contact", args=[supplier_a.pk, contact.pk]))
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(action="contact.removed", supplier=supplier_a).exists()


def test_a_contact_with_a_bad_email_is_refused_naming_the_field(client_for, compliance, supplier_a):
    response = client_for(compliance).post(reverse("suppliers:add_contact", args=[supplier_a.pk]),
                                           {"contact-name": "Zhao Lei", "contact-email": "not-an-address"})
    assert any(m.startswith("E-mail:") for m in flashed(response))
    assert not Contact.objects.exists()


def test_compliance_links_an_upstream_supplier_by_code(client_for, compliance, supplier_a, supplier_b):
    response = client_for(compliance).post(reverse("suppliers:add_link", args=[supplier_a.pk]),
                                           {"link-upstream_code": supplier_b.code.lower(), "link-material": "solder"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=chain")
    link = SupplyLink.objects.get()
    assert (link.upstream, link.downstream, link.material) == (supplier_b, supplier_a, "solder")
    assert AuditEvent.objects.filter(action="link.added", supplier=supplier_a).exists()


def test_an_unknown_upstream_code_is_refused(client_for, compliance, supplier_a):
    response = client_for(compliance).post(reverse("suppliers:add_link", args=[supplier_a.pk]),
                                           {"link-upstream_code": "NOPE"})
    assert any(m.startswith("Upstream supplier code:") for m in flashed(response))
    assert not SupplyLink.objects.exists()


def test_a_link_that_would_make_a_cycle_is_refused(client_for, compliance, supplier_a, supplier_b):
    registry.link_suppliers(upstream=supplier_b, downstream=supplier_a, actor=compliance)
    response = client_for(compliance).post(reverse("suppliers:add_link", args=[supplier_b.pk]),
                                           {"link-upstream_code": supplier_a.code})
    assert response.status_code == 302
    assert any("cycle" in m for m in flashed(response))
    assert SupplyLink.objects.count() == 1


def test_compliance_removes_a_link_from_either_end(client_for, compliance, supplier_a, supplier_b):
    link = registry.link_suppliers(upstream=supplier_b, downstream=supplier_a, actor=compliance)
    response = client_for(compliance).post(reverse("suppliers:remove_link", args=[supplier_b.pk, link.pk]))
    assert response.status_code == 302
    assert not SupplyLink.objects.exists()
    assert AuditEvent.objects.filter(action="link.removed", supplier=supplier_a).exists()


def test_a_link_between_other_suppliers_cannot_be_removed_through_this_one(client_for, compliance, supplier_a,
                                                                            supplier_b):
    other = make_supplier()
    link = registry.link_suppliers(upstream=supplier_b, downstream=other, actor=compliance)
    response = client_for(compliance).post(reverse("suppliers:remove_link", args=[supplier_a.pk, link.pk]))
    assert response.status_code == 404
    assert SupplyLink.objects.exists()


def test_marking_two_records_the_same_company_is_remembered(client_for, compliance, supplier_a):
    twin = make_supplier(legal_name="Alpha Cable Co Ltd", country="CN")
    c = client_for(compliance)
    response = c.post(reverse("suppliers:decide_duplicate", args=[supplier_a.pk, twin.pk]), {"verdict": "same"})
    assert response.status_code == 302
    assert DuplicateDecision.objects.get().verdict == DuplicateDecision.Verdict.SAME
    assert AuditEvent.objects.filter(action="duplicate.decided", supplier=supplier_a).exists()
    page = detail(c, supplier_a).content.decode()
    assert "Recorded as the same company" in page and "Possible duplicates" not in page


def test_a_bad_duplicate_verdict_is_refused(client_for, compliance, supplier_a, supplier_b):
    response = client_for(compliance).post(reverse("suppliers:decide_duplicate", args=[supplier_a.pk, supplier_b.pk]),
                                           {"verdict": "maybe"})
    assert any(m.startswith("Verdict:") for m in flashed(response))
    assert not DuplicateDecision.objects.exists()


def test_a_supplier_cannot_be_compared_with_itself(client_for, compliance, supplier_a):
    response = client_for(compliance).post(reverse("suppliers:decide_duplicate", args=[supplier_a.pk, supplier_a.pk]),
                                           {"verdict": "different"})
    assert response.status_code == 302
    assert any("itself" in m for m in flashed(response))
    assert not DuplicateDecision.objects.exists()


def _write_requests(supplier_a, supplier_b):
    site = make_site(supplier_a)
    contact = make_contact(supplier_a)
    link = SupplyLink.objects.create(upstream=supplier_b, downstream=supplier_a)
    return [
        (reverse("suppliers:edit", args=[supplier_a.pk]), new_supplier_data(reason="x")),
        (reverse("suppliers:add_site", args=[supplier_a.pk]), {"site-name": "X", "site-kind": "factory",
                                                               "site-country": "CN"}),
        (reverse("suppliers:remove_site", args=[supplier_a.pk, site.pk]), {}),
        (reverse("suppliers:add_contact", args=[supplier_a.pk]), {"contact-name": "X"}),
        (reverse("suppliers:remove_contact", args=[supplier_a.pk, contact.pk]), {}),
        (reverse("suppliers:add_link", args=[supplier_a.pk]), {"link-upstream_code": supplier_b.code}),
        (reverse("suppliers:remove_link", args=[supplier_a.pk, link.pk]), {}),
        (reverse("suppliers:decide_duplicate", args=[supplier_a.pk, supplier_b.pk]), {"verdict": "same"}),
    ]


def test_a_viewer_gets_403_on_every_registry_write_and_nothing_changes(client_for, viewer, supplier_a, supplier_b):
    requests = _write_requests(supplier_a, supplier_b)
    before = AuditEvent.objects.count()
    c = client_for(viewer)
    for url, data in requests:
        assert c.post(url, data).status_code == 403, url
    assert AuditEvent.objects.count() == before
    assert Site.objects.count() == 1 and Contact.objects.count() == 1 and SupplyLink.objects.count() == 1


def test_a_supplier_user_gets_404_on_every_registry_write(client_for, supplier_a_user, supplier_a, supplier_b):
    requests = _write_requests(supplier_a, supplier_b)
    c = client_for(supplier_a_user)
    for url, data in requests:
        assert c.post(url, data).status_code == 404, url
    assert not DuplicateDecision.objects.exists()


def test_anonymous_writes_are_sent_to_log_in(client_for, supplier_a, supplier_b):
    for url, data in _write_requests(supplier_a, supplier_b):
        response = client_for(None).post(url, data)
        assert response.status_code == 302 and reverse("core:login") in response["Location"], url


def test_the_write_endpoints_refuse_get(client_for, compliance, supplier_a):
    assert client_for(compliance).get(reverse("suppliers:add_site", args=[supplier_a.pk])).status_code == 405


# ---------------------------------------------------------------- files


def file_url(kind, pk):
    return reverse("suppliers:file", args=[kind, pk])


def test_a_supplier_user_downloads_their_own_document(client_for, supplier_a_user, supplier_a):
    document = make_document(supplier_a)
    response = client_for(supplier_a_user).get(file_url("document", document.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'attachment; filename="licence.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_supplier_b_cannot_download_supplier_as_document(client_for, supplier_b_user, supplier_a):
    document = make_document(supplier_a)
    assert client_for(supplier_b_user).get(file_url("document", document.pk)).status_code == 404


def test_internal_users_download_any_suppliers_files(client_for, viewer, supplier_a):
    item = QualificationItem.objects.create(supplier=supplier_a, kind=QualificationItem.Kind.LABOUR)
    item.evidence.save("labour.pdf", ContentFile(PDF_BYTES))
    response = client_for(viewer).get(file_url("evidence", item.pk))
    assert response.status_code == 200
    assert f'filename="evidence-{item.pk}.pdf"' in response["Content-Disposition"]


def test_a_supplier_user_downloads_their_own_certification_evidence(client_for, supplier_a_user, supplier_a):
    cert = Certification.objects.create(supplier=supplier_a, kind=Certification.Kind.SYSTEM, verdict="pass")
    cert.evidence.save("cert.pdf", ContentFile(PDF_BYTES))
    assert client_for(supplier_a_user).get(file_url("certification", cert.pk)).status_code == 200


def test_blacklist_evidence_is_for_internal_eyes_only(client_for, compliance, supplier_a, supplier_a_user):
    entry = make_blacklist_entry(supplier_a)
    entry.evidence.save("photos.pdf", ContentFile(PDF_BYTES))
    assert client_for(supplier_a_user).get(file_url("blacklist", entry.pk)).status_code == 404
    assert client_for(compliance).get(file_url("blacklist", entry.pk)).status_code == 200


def test_unknown_kinds_empty_fields_and_missing_objects_are_404(client_for, compliance, supplier_a):
    item = QualificationItem.objects.create(supplier=supplier_a, kind=QualificationItem.Kind.LABOUR)
    c = client_for(compliance)
    assert c.get(file_url("password", 1)).status_code == 404
    assert c.get(file_url("evidence", item.pk)).status_code == 404
    assert c.get(file_url("document", 999999)).status_code == 404


def test_a_file_gone_from_storage_is_404_not_500(client_for, compliance, supplier_a):
    document = make_document(supplier_a)
    document.file.storage.delete(document.file.name)
    assert client_for(compliance).get(file_url("document", document.pk)).status_code == 404


def test_anonymous_visitors_cannot_download(client_for, supplier_a):
    document = make_document(supplier_a)
    response = client_for(None).get(file_url("document", document.pk))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]
