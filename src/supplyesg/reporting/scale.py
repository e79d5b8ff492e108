"""Reporting's part of `supplyesg generate_scale_data` (core/scale.py): the data set is loaded in bulk without audit
events, so the dashboard's stored figures of the year are computed at the end, as the worker would after a change."""

from collections.abc import Callable

from supplyesg.core.scale import ScaleOptions


def generate_reporting(options: ScaleOptions, progress: Callable[[str], None]) -> None:
    from supplyesg.reporting.services.dashboard import refresh_stored

    refresh_stored(options.year)
    progress("reporting dashboard figures stored")


def register() -> None:
    from supplyesg.core.scale import register_scale_generator

    register_scale_generator("reporting", generate_reporting, order=90)
