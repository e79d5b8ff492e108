"""The demo reporting data (`supplyesg load_demo_reporting`): loaded through the product's own services, once."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from supplyesg.reporting.models import AnnualFigures, ManagementReview, PaymentRecord, ReviewAction, Snapshot
from supplyesg.reporting.services.snapshots import verify_snapshot


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_it_asks_for_the_demo_registry_first(db, settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="load_demo"):
        run("load_demo_reporting")
    assert not Snapshot.objects.exists() and not PaymentRecord.objects.exists()


def test_the_demo_loads_figures_invoices_a_snapshot_and_a_review_once(db, settings, client_for, compliance):
    settings.DEMO_MODE = True
    run("load_demo")
    output = run("load_demo_reporting")
    assert "Demo reporting data loaded" in output
    year = timezone.localdate().year

    # AIKO's own-workforce figures: 128,790.46 h over 9,252 employees = 13.92 h per capita
    figures = AnnualFigures.objects.get(year=year)
    assert (figures.headcount, figures.training_hours, figures.satisfaction_score) == (9252, Decimal("128790.46"), 90)
    snapshot = Snapshot.objects.get(period__year=year)
    assert verify_snapshot(snapshot)
    assert snapshot.figures.get(code="KPI-WF-2").value == "13.92"
    # 12 approved demo suppliers x 3 invoices, one still unpaid: G1-6 counts the paid ones
    assert PaymentRecord.objects.count() == 36 and PaymentRecord.objects.filter(paid_date__isnull=True).count() == 1
    assert snapshot.figures.get(code="ESRS G1-6 a").value is not None
    review = ManagementReview.objects.get(period__year=year)
    assert review.snapshot == snapshot and ReviewAction.objects.filter(review=review).count() == 2

    page = client_for(compliance).get(reverse("reporting:snapshot", kwargs={"snapshot_pk": snapshot.pk}))
    assert page.status_code == 200
    assert "already loaded" in run("load_demo_reporting")
    assert Snapshot.objects.count() == 1 and PaymentRecord.objects.count() == 36
