"""Reporting JSON API: the minerals part: a snapshot's draft Form SD and Conflict Minerals Report."""

from ninja import Router, Schema

from supplyesg.core.access import Cap
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.reporting import formsd
from supplyesg.reporting.access import get_snapshot_for_user

router = Router(tags=["reporting"])


class TableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list]


class FormSdOut(Schema):
    snapshot_id: int
    text: str
    tables: list[TableOut]
    notes: list[str]


@router.get(
    "/reporting/snapshots/{snapshot_pk}/form-sd",
    response={200: FormSdOut, **_errors(401, 403, 404)},
    summary="A snapshot's draft Form SD and Conflict Minerals Report (English text and tables, from frozen figures)",
    url_name="reporting_formsd",
    auth=needs(Cap.VIEW),
)
def get_formsd(request, snapshot_pk: int):
    snapshot = get_snapshot_for_user(request.user, snapshot_pk)
    draft = formsd.draft_for(snapshot)
    return {
        "snapshot_id": snapshot.pk,
        "text": draft.text(),
        "tables": [{"title": t.title, "columns": t.columns, "rows": t.rows} for t in draft.tables],
        "notes": draft.notes,
    }
