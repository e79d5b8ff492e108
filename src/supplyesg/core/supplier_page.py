"""What the apps above suppliers add to the supplier page: panels on its profile tab and tabs of their own.

Each app registers them from `AppConfig.ready` (its `supplier_page.register()`); the suppliers app lays them out
between its own tabs and imports nothing above it (the `apps` import-linter contract). A panel is either a template
included with the page's context plus what `context(request, supplier)` returns, or a fragment the page loads with
htmx from `url_name` (reversed with the supplier's pk); a tab is always such a fragment. The fragment's own view
checks access, as every view does; `capability` only decides whether the page offers it.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
