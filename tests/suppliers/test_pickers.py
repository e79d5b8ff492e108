"""Naming approved suppliers by code (suppliers/forms/pickers.py) instead of a select of every approved supplier, and
the training pages that use it: their size no longer grows with the registry."""

import pytest
from django import forms

from supplyesg.engagement.models import Attendance
from supplyesg.suppliers.forms.pickers import MAX_CODES, SupplierCodeField, SupplierCodesField
from tests.engagement.factories_engagement import make_session
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


class Pick(forms.Form):
    suppliers = SupplierCodesField(required=False)
    supplier = SupplierCodeField(required=False)


def picked(**data) -> forms.Form:
    form = Pick(data)
    form.is_valid()
    return form


def test_codes_are_read_in_order_once_each_whatever_the_separators_and_case():
    a = make_supplier(code="ACME-01", status="active")
    b = make_supplier(code="BETA-02", status="qualified")
    c = make_supplier(code="GAMMA-03", status="conditional")
    form = picked(suppliers="beta-02, ACME-01；GAMMA-03\n ACME-01 ，")
    assert form.errors == {} and form.cleaned_data["suppliers"] == [b, a, c]
    assert picked(suppliers="  ").cleaned_data["suppliers"] == []


def test_codes_that_are_not_approved_suppliers_are_named_and_nothing_is_picked():
    make_supplier(code="ACME-01", status="active")
    make_supplier(code="PROS-01", status="prospect")
    make_supplier(code="BAN-01", status="blacklisted")
    form = picked(suppliers="ACME-01 PROS-01 NOPE-9 BAN-01")
    assert form.errors == {"suppliers": ["Not the code of an approved supplier: PROS-01, NOPE-9, BAN-01"]}


def test_too_many_codes_are_refused(monkeypatch):
    from supplyesg.suppliers.forms import pickers

    monkeypatch.setattr(pickers, "MAX_CODES", 3)
    assert MAX_CODES == 5000
    assert picked(suppliers="A B C D").errors == {"suppliers": ["At most 3 codes at a time."]}


def test_one_code_picks_one_approved_supplier():
    a = make_supplier(code="ACME-01", status="active")
    assert picked(supplier=" acme-01 ").cleaned_data["supplier"] == a
    assert picked(supplier="").cleaned_data["supplier"] is None
    assert picked(supplier="NOPE").errors == {"supplier": ["Not the code of an approved supplier: NOPE"]}


def test_a_training_sessions_page_lists_no_supplier_and_a_participant_is_added_by_code(client_for, compliance):
    session = make_session()
    suppliers = [make_supplier(code=f"TR-{n:03d}", legal_name=f"Trainee {n:03d} Ltd.", status="active") for n in range(40)]
    client = client_for(compliance)
    for url in (f"/training/sessions/{session.pk}/", f"/training/sessions/{session.pk}/invite/"):
        page = client.get(url).content.decode()
        assert "Trainee 0" not in page and page.count("<option") < 10, url
    added = client.post(
        f"/training/sessions/{session.pk}/participants/", {"supplier": "tr-007", "person_name": "Li Wei", "role": "EHS"}
    )
    assert added.status_code == 302
    assert Attendance.objects.get(session=session).supplier == suppliers[7]
