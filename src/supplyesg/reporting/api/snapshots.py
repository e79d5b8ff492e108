"""Reporting JSON API: the snapshots part."""

from ninja import Router

router = Router(tags=["reporting"])
