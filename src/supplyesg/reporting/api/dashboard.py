"""Reporting JSON API: the dashboard part."""

from ninja import Router

router = Router(tags=["reporting"])
