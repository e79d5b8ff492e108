"""Every policy number says where it comes from, every default is what its policy says, and administrators see
where the current settings depart from the five seed policies."""

from decimal import Decimal

import pytest

from supplyesg.core.models import PolicySettings
from supplyesg.core.policy_sources import RULES, SETTING_SOURCES, Source

SETTING_FIELDS = [f for f in PolicySettings._meta.concrete_fields if f.name not in ("id", "updated_at")]


def test_every_policy_setting_names_its_source_or_says_it_is_a_product_default():
    missing = [f.name for f in SETTING_FIELDS if f.name not in SETTING_SOURCES]

    assert missing == []
    assert set(SETTING_SOURCES) <= {f.name for f in SETTING_FIELDS}  # no source for a setting that is gone


@pytest.mark.parametrize("field", SETTING_FIELDS, ids=lambda f: f.name)
def test_every_default_conforms_to_the_policy_it_comes_from(field):
    source = SETTING_SOURCES[field.name]

    assert source.conforms(field.default) in (True, None)
    if not source.is_product_default:
        assert source.clause and source.quote  # a seed source quotes its clause


def test_every_rule_setting_exists_on_the_policy_settings():
    names = {f.name for f in SETTING_FIELDS}

    assert [s for rule in RULES for s in rule.settings if s not in names] == []
    assert len({rule.key for rule in RULES}) == len(RULES)


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        (Source("ESG manual", "§3", "not less than 1%", 1, "min"), Decimal("0.5"), False),
        (Source("ESG manual", "§3", "not less than 1%", 1, "min"), Decimal("10"), True),
        (Source("ESG manual", "§7", "at least once every three years", 3, "max"), 4, False),
        (Source("ESG manual", "§7", "at least once every three years", 3, "max"), 2, True),
        (Source("ESG manual", "§9", "within 6 months", 6), 4, False),
        (Source("ESG manual", "§3", "annual", True), False, False),
        (Source(), 42, None),
    ],
)
def test_a_setting_conforms_when_it_says_what_the_policy_says(source, value, expected):
    assert source.conforms(value) is expected


def test_esg_manual_3_the_esg_weight_of_at_least_1_percent_is_labelled_with_its_clause():
    source = SETTING_SOURCES["esg_weight_percent"]

    assert "ESG manual" in source.label() and "1 %" in source.label()
    assert SETTING_SOURCES["grade_a_from"].label().startswith("product default")


def test_the_admin_form_shows_each_settings_source_under_it(client_for, admin_user):
    PolicySettings.current()

    page = client_for(admin_user).get(f"/admin/core/policysettings/{PolicySettings.current().pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Source: ESG manual (Supply Chain ESG Management System), §9 audit scoring, high risk" in html
    assert "Source: product default (no seed policy gives a number)" in html
    assert "/policy/conformance/" in html


def test_the_conformance_page_shows_every_rule_as_written_on_the_defaults(client_for, admin_user):
    page = client_for(admin_user).get("/policy/conformance/")

    html = page.content.decode()
    assert page.status_code == 200
    for rule in RULES:
        assert f'id="rule-{rule.key}"' in html
    assert "Every rule is set as its policy says." in html
    assert 'class="departs"' not in html


def test_the_conformance_page_flags_a_setting_that_departs_from_its_policy(client_for, admin_user):
    PolicySettings.objects.update_or_create(pk=1, defaults={"improvement_plan_months_high": 4, "onsite_audit_cycle_years": 5})

    html = client_for(admin_user).get("/policy/conformance/").content.decode()

    assert "2 rules depart from their policies" in html
    assert '<tr id="rule-esg-high-plan" class="departs">' in html
    assert '<tr id="rule-esg-onsite-high-risk" class="departs">' in html
    assert '<tr id="rule-esg-medium-plan">' in html


@pytest.mark.parametrize("persona", ["compliance", "procurement", "auditor", "viewer"])
def test_only_administrators_open_the_conformance_page(client_for, persona, request):
    assert client_for(request.getfixturevalue(persona)).get("/policy/conformance/").status_code == 403


def test_supplier_users_and_strangers_do_not_find_the_conformance_page(client_for, supplier_a_user):
    assert client_for(supplier_a_user).get("/policy/conformance/").status_code == 404
    assert client_for(None).get("/policy/conformance/").status_code == 302
