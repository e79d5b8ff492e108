"""Reporting JSON API: the minerals part."""

from ninja import Router

router = Router(tags=["reporting"])
