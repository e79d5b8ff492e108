"""The reporting JSON API (internal roles read; Cap.REVIEW changes): one router made of each part's."""

from ninja import Router

from supplyesg.reporting.api import dashboard, inputs, minerals, snapshots

router = Router()
for part in (snapshots, dashboard, inputs, minerals):
    router.add_router("/", part.router)
