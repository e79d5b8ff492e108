"""Grievances as an input of the risk assessment (registered in GrievancesConfig.ready).

Per supplier: the open cases linked to it (received up to the end of the year assessed) and, of the cases closed as
substantiated or partly substantiated in that year, plus open cases marked severe, the severe count. Two queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Count, Q

from supplyesg.assessments.risk.rules import GrievanceInput
from supplyesg.core.ids import IdList
from supplyesg.grievances.models import Report


def grievance_inputs(supplier_ids: Sequence[int], year: int) -> dict[int, GrievanceInput]:
    ids = IdList(dict.fromkeys(supplier_ids))
    if not ids:
        return {}
    end = date(year, 12, 31)
    rows = (
        Report.objects.filter(supplier_id__in=ids, received_on__lte=end)
        .values("supplier_id")
        .annotate(
            open_count=Count("pk", filter=~Q(status=Report.Status.CLOSED)),
            severe_open=Count("pk", filter=~Q(status=Report.Status.CLOSED) & Q(severe=True)),
            substantiated=Count("pk", filter=Q(closure_reason__in=Report.SUBSTANTIATED, closed_on__year=year)),
        )
        .order_by()
    )
    out = {}
    for row in rows:
        if row["open_count"] or row["substantiated"]:
            out[row["supplier_id"]] = GrievanceInput(
                open_count=row["open_count"], severe_count=row["severe_open"] + row["substantiated"]
            )
    return out
