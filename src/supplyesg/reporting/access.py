"""The one way views and the API fetch reporting objects. Every internal role reads reports (Cap.VIEW); changing
anything (periods, definitions, snapshots, reviews, entered figures, imports) needs Cap.REVIEW, 403 otherwise.
Supplier users and everyone else get 404: reports aggregate every supplier."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.reporting.models import ManagementReview, ReportingPeriod, ReviewAction, Snapshot, SnapshotFigure


def _get(qs, **lookup):
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def require_reporting(user, *, write: bool = False) -> None:
    require_internal(user)
    if write and not can(user, Cap.REVIEW):
        raise PermissionDenied


def get_period_for_user(user, year, *, write: bool = False) -> ReportingPeriod:
    require_reporting(user, write=write)
    return _get(ReportingPeriod.objects.all(), year=year)


def get_snapshot_for_user(user, pk, *, write: bool = False) -> Snapshot:
    require_reporting(user, write=write)
    return _get(Snapshot.objects.select_related("period", "catalogue", "created_by", "published_by"), pk=pk)


def get_figure_for_user(user, snapshot_pk, code) -> SnapshotFigure:
    require_reporting(user)
    # Its rows are SnapshotRow: a page reads the ones it shows (services.snapshots.FrozenRows).
    return _get(SnapshotFigure.objects.select_related("snapshot__period"), snapshot_id=snapshot_pk, code=code)


def get_review_for_user(user, pk, *, write: bool = False) -> ManagementReview:
    require_reporting(user, write=write)
    return _get(ManagementReview.objects.select_related("period", "snapshot"), pk=pk)


def get_review_action_for_user(user, pk, *, write: bool = False) -> ReviewAction:
    require_reporting(user, write=write)
    return _get(ReviewAction.objects.select_related("review__period", "owner"), pk=pk)
