"""Reporting JSON API: the inputs part."""

from ninja import Router

router = Router(tags=["reporting"])
