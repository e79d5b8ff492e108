"""Factories for campaigns, requests, submissions and smelter rows, written straight through the ORM.

They build the state the submission services would leave behind (a request's status, a versioned
submission with its check result and identified smelter rows) without going through those services.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from supplyesg.minerals.models import (
    Campaign,
    DashboardSnapshot,
    RiskCountry,
    RmapStatus,
    RmapStatusUpload,
    Smelter,
    Submission,
    SubmissionRequest,
    SubmissionSmelter,
)
from tests.factories import make_supplier

_seq = itertools.count(1)

CMRT_METALS = ("Tantalum", "Tin", "Gold", "Tungsten")


def make_campaign(**kwargs) -> Campaign:
    kwargs.setdefault("name", f"Minerals campaign {next(_seq)}")
    kwargs.setdefault("reporting_year", 2025)
    kwargs.setdefault("template", "CMRT")
    kwargs.setdefault("minerals", ["Tin", "Gold"])
    kwargs.setdefault("due_date", dt.date(2025, 6, 30))
    kwargs.setdefault("status", Campaign.Status.OPEN)
    return Campaign.objects.create(**kwargs)


def make_request(campaign: Campaign, supplier=None, **kwargs) -> SubmissionRequest:
    kwargs.setdefault("status", SubmissionRequest.Status.REQUESTED)
    return SubmissionRequest.objects.create(campaign=campaign, supplier=supplier or make_supplier(), **kwargs)


def cmrt_answers(yes=("Tin", "Gold"), **overrides) -> dict[str, dict[str, str]]:
    """Per-metal answers as the checker's JSON holds them: metals in ``yes`` answered in full, others No.

    ``overrides`` like ``Tin={"q3": "Yes"}`` change single answers.
    """
    out = {}
    for metal in CMRT_METALS:
        if metal in yes:
            out[metal] = {
                "q1": "Yes",
                "q2": "Yes",
                "q3": "No",
                "q4": "No",
                "q5": "No",
                "q6": "100%",
                "q7": "Yes",
                "q8": "Yes",
            }
        else:
            out[metal] = {"q1": "No"}
        out[metal].update(overrides.get(metal, {}))
    return out


def make_submission(
    request: SubmissionRequest,
    *,
    status: str = Submission.Status.ACCEPTED,
    valid: bool | None = None,
    smelters=(),
    minerals: dict | None = None,
    version: int | None = None,
    **kwargs,
) -> Submission:
    """A stored submission; ``smelters`` are (metal, cid, name, country), cid "" when unidentified."""
    if version is None:
        version = request.submissions.count() + 1
    if valid is None:
        valid = status != Submission.Status.INVALID
    minerals = cmrt_answers() if minerals is None else minerals
    kwargs.setdefault("template", request.campaign.template)
    kwargs.setdefault("template_version", "6.5" if request.campaign.template == "CMRT" else "2.1")
    submission = Submission.objects.create(
        request=request,
        version=version,
        file=f"minerals/{request.supplier_id}/test-{next(_seq)}.xlsx",
        original_name="declaration.xlsx",
        sha256="0" * 64,
        channel=Submission.Channel.STAFF,
        status=status,
        valid=valid,
        error_count=0 if valid else 1,
        result={"valid": valid, "minerals": minerals, "company_questions": {}, "findings": []},
        **kwargs,
    )
    SubmissionSmelter.objects.bulk_create(
        SubmissionSmelter(
            submission=submission,
            row=5 + index,
            metal=metal,
            cid=cid,
            name=name,
            country=country,
            matched_by="cid" if cid else "",
        )
        for index, (metal, cid, name, country) in enumerate(smelters)
    )
    if status == Submission.Status.ACCEPTED:
        SubmissionRequest.objects.filter(pk=request.pk).update(
            status=SubmissionRequest.Status.ACCEPTED, accepted_submission=submission
        )
    elif status == Submission.Status.INVALID:
        SubmissionRequest.objects.filter(pk=request.pk).update(status=SubmissionRequest.Status.RECEIVED_ERRORS)
    elif status == Submission.Status.VALID:
        SubmissionRequest.objects.filter(pk=request.pk).update(status=SubmissionRequest.Status.RECEIVED_VALID)
    request.refresh_from_db()
    return submission


def make_smelter(cid: str, metal: str, name: str, country: str = "CHINA", code: str = "CN") -> Smelter:
    return Smelter.objects.create(cid=cid, metal=metal, standard_name=name, country=country, country_code=code)


def load_statuses(statuses: dict[str, str], **kwargs) -> RmapStatusUpload:
    upload = RmapStatusUpload.objects.create(file_name="rmap.csv", rows=len(statuses), **kwargs)
    RmapStatus.objects.bulk_create(RmapStatus(upload=upload, cid=cid, status=s) for cid, s in statuses.items())
    return upload


def make_risk_country(code: str, kind: str = RiskCountry.Kind.COVERED) -> RiskCountry:
    return RiskCountry.objects.create(kind=kind, country=code, source="test list", as_of=dt.date(2025, 1, 1))


def make_dashboard_snapshot(year: int, rmap_statuses: list[str]) -> DashboardSnapshot:
    """The minerals dashboard's stored figures for `year` (all templates) with one tin smelter per RMAP status
    ("" for not engaged), as the reporting dashboard reads them."""
    smelter = {
        "metal": "tin", "cid": "", "name": "", "country": "", "country_code": "", "suppliers": 1, "rows": 1,
        "in_reference": True, "covered": False, "cahra": False, "rmap_checked": True,
    }  # fmt: skip
    return DashboardSnapshot.objects.create(
        year=year,
        template="",
        computed_at=timezone.now(),
        figures={
            "rmap_loaded": True,
            "counts": {},
            "smelters": [{**smelter, "cid": f"CID{i:06d}", "rmap_status": s} for i, s in enumerate(rmap_statuses)],
        },
    )
