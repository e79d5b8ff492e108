"""The supplier page lays out what the apps above suppliers contribute through core/supplier_page.py: the risk and
rating panels on the profile tab, the Audits and Minerals risk cases tabs, in a fixed order, without suppliers
importing any of those apps."""

import datetime as dt

import pytest
from django.urls import reverse

from supplyesg.assessments.models import RiskAssessment
from supplyesg.assessments.risk.services import refresh_supplier_levels
from supplyesg.core import supplier_page
from supplyesg.core.access import Cap

pytestmark = pytest.mark.django_db


def detail(supplier, tab=None) -> str:
    url = reverse("suppliers:detail", args=[supplier.pk])
    return f"{url}?tab={tab}" if tab else url


def tab_labels(html: str) -> list[str]:
    nav = html.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    return [part.split("</a>", 1)[0].split(">")[-1] for part in nav.split("<a href=")[1:]]


def test_the_tabs_of_the_other_apps_come_after_the_registry_tabs_and_before_the_history(client_for, viewer, supplier_a):
    html = client_for(viewer).get(detail(supplier_a)).content.decode()
    assert tab_labels(html) == [
        "Profile", "Sites", "Supply chain", "Documents", "Agreements", "Admission", "Portal users", "Audits",
        "Minerals risk cases", "Training", "History",
    ]


@pytest.mark.parametrize(
    "tab, fragment", [("audits", "audits:supplier_panel"), ("minerals_risk", "risk_cases:supplier_panel")]
)
def test_an_added_tab_loads_its_apps_fragment_for_this_supplier(client_for, viewer, supplier_a, tab, fragment):
    html = client_for(viewer).get(detail(supplier_a, tab)).content.decode()
    assert f'id="tab-{tab}"' in html
    assert f'hx-get="{reverse(fragment, args=[supplier_a.pk])}"' in html


def test_an_unknown_tab_shows_the_profile(client_for, viewer, supplier_a):
    html = client_for(viewer).get(detail(supplier_a, "reporting")).content.decode()
    assert 'id="tab-profile"' in html


def test_the_profile_shows_the_current_risk_and_loads_the_latest_grade(client_for, viewer, supplier_a):
    RiskAssessment.objects.create(supplier=supplier_a, year=2026, overall_score=72, computed_level="high")
    html = client_for(viewer).get(detail(supplier_a)).content.decode()
    assert 'id="risk-panel"' in html
    assert "72.00 / 100" in html
    assert html.index('id="risk-panel"') < html.index(reverse("ratings:supplier_panel", args=[supplier_a.pk]))


def test_other_tabs_do_not_draw_the_profile_panels(client_for, viewer, supplier_a):
    html = client_for(viewer).get(detail(supplier_a, "sites")).content.decode()
    assert 'id="risk-panel"' not in html
    assert reverse("ratings:supplier_panel", args=[supplier_a.pk]) not in html


def test_a_tab_needing_a_capability_the_user_lacks_is_not_offered(client_for, viewer, compliance, supplier_a, monkeypatch):
    monkeypatch.setitem(
        supplier_page._tabs, "ratings_only", supplier_page.SupplierTab("ratings_only", "Rating work", "ratings:supplier_panel",
                                                                      order=30, capability=Cap.RATE)
    )
    assert "Rating work" not in tab_labels(client_for(viewer).get(detail(supplier_a)).content.decode())
    assert "Rating work" in tab_labels(client_for(compliance).get(detail(supplier_a)).content.decode())
    assert client_for(viewer).get(detail(supplier_a, "ratings_only")).content.decode().count('id="tab-profile"') == 1


def test_a_panel_is_either_a_template_or_a_fragment_url():
    with pytest.raises(ValueError, match="either a template or a url_name"):
        supplier_page.register_panel(supplier_page.SupplierPanel("both", template="x.html", url_name="ratings:supplier_panel"))
    with pytest.raises(ValueError, match="either a template or a url_name"):
        supplier_page.register_panel(supplier_page.SupplierPanel("neither"))
    assert "both" not in supplier_page._panels and "neither" not in supplier_page._panels


def test_the_risk_panel_shows_no_assessment_for_a_supplier_never_assessed(client_for, viewer, supplier_a, supplier_b):
    RiskAssessment.objects.create(supplier=supplier_b, year=dt.date.today().year, overall_score=91, computed_level="high")
    html = client_for(viewer).get(detail(supplier_a)).content.decode()
    assert 'id="risk-panel"' in html
    assert "91.00 / 100" not in html


def test_an_annotation_no_app_registers_is_a_configuration_error_naming_it():
    from django.core.exceptions import ImproperlyConfigured

    from supplyesg.suppliers.models import Supplier

    with pytest.raises(ImproperlyConfigured, match="'esg_score'"):
        supplier_page.annotate(Supplier.objects.all(), "esg_score")


def test_the_list_filters_and_sorts_on_the_risk_level_assessments_computes(client_for, viewer, supplier_a, supplier_b):
    RiskAssessment.objects.create(supplier=supplier_a, year=2026, overall_score=30, computed_level="low")
    RiskAssessment.objects.create(supplier=supplier_b, year=2026, overall_score=80, computed_level="low", override_level="high")
    refresh_supplier_levels([supplier_a.pk, supplier_b.pk])  # what every risk service does after writing
    client = client_for(viewer)
    high = client.get(reverse("suppliers:list"), {"risk": "high"}).content.decode()
    assert supplier_b.legal_name in high and supplier_a.legal_name not in high
    ordered = client.get(reverse("suppliers:list"), {"sort": "-risk"}).content.decode()
    assert ordered.index(supplier_b.legal_name) < ordered.index(supplier_a.legal_name)
