"""Sections other capabilities add to the supplier portal (listed in settings.SUPPLYESG_PORTAL_SECTIONS)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class PortalSection:
    key: str  # the tab's `section` name, e.g. "minerals"
    title: str  # tab and panel title
    url: str  # the section's own page
    todo: list[str] = field(default_factory=list)  # sentences shown on the portal home as things to do


def portal_sections(request, supplier) -> list[PortalSection]:
    sections = []
    for path in getattr(settings, "SUPPLYESG_PORTAL_SECTIONS", []):
        section = import_string(path)(request, supplier)
        if section is not None:
            sections.append(section)
    return sections
