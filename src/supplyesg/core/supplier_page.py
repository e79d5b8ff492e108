"""What the apps above suppliers add to the supplier page and list: panels on the page's profile tab, tabs of their
own, and the figures the list shows, filters and sorts on (annotations of a Supplier QuerySet, by name).

Each app registers them from `AppConfig.ready` (its `supplier_page.register()`); the suppliers app lays them out
between its own tabs and imports nothing above it (the `apps` import-linter contract). A panel is either a template
included with the page's context plus what `context(request, supplier)` returns, or a fragment the page loads with
htmx from `url_name` (reversed with the supplier's pk); a tab is always such a fragment. The fragment's own view
checks access, as every view does; `capability` only decides whether the page offers it.

An annotation is the way an app computes named fields on a Supplier QuerySet in one query whatever its size, e.g.
"conditional_acceptance" (audits) adds `conditionally_accepted` and `conditional_plan_due`; suppliers filters on
those names. A figure the list must sort or filter on fast at 100,000 suppliers is an indexed column of the
supplier's SupplierSummary instead, kept by the owning app's services (risk_level by assessments, latest_grade by
ratings).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from supplyesg.core.access import Cap, can


@dataclass(frozen=True)
class SupplierPanel:
    key: str
    order: int = 100
    template: str = ""
    context: Callable | None = None  # (request, supplier) -> dict, for `template`
    url_name: str = ""
    capability: str = Cap.VIEW


@dataclass(frozen=True)
class SupplierTab:
    key: str  # the ?tab= value
    label: str
    url_name: str
    order: int = 100
    capability: str = Cap.VIEW


_panels: dict[str, SupplierPanel] = {}
_tabs: dict[str, SupplierTab] = {}
_annotations: dict[str, Callable] = {}


def register_panel(panel: SupplierPanel) -> None:
    if bool(panel.template) == bool(panel.url_name):
        raise ValueError(f"Supplier panel {panel.key!r}: give either a template or a url_name.")
    _panels[panel.key] = panel


def register_tab(tab: SupplierTab) -> None:
    _tabs[tab.key] = tab


def tabs_for(user) -> list[SupplierTab]:
    return sorted((t for t in _tabs.values() if can(user, t.capability)), key=lambda t: (t.order, t.key))


def panels_context(request, supplier) -> dict:
    """The profile tab's panels, in order, as `supplier_panels` ({"key", "template", "url"}), plus their contexts."""
    context, shown = {}, []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if not can(request.user, panel.capability):
            continue
        if panel.context is not None:
            context.update(panel.context(request, supplier))
        url = reverse(panel.url_name, args=[supplier.pk]) if panel.url_name else ""
        shown.append({"key": panel.key, "template": panel.template, "url": url})
    context["supplier_panels"] = shown
    return context


def tab_url(tab: SupplierTab, supplier) -> str:
    return reverse(tab.url_name, args=[supplier.pk])


def register_annotation(name: str, annotate: Callable) -> None:
    """`annotate(queryset) -> queryset` adds the fields `name` stands for to a Supplier QuerySet."""
    _annotations[name] = annotate


def annotate(queryset, name: str):
    try:
        add = _annotations[name]
    except KeyError:
        raise ImproperlyConfigured(f"No app registers the supplier annotation {name!r} (see core/supplier_page.py).") from None
    return add(queryset)
