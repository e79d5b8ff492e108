"""The work of the day: the home dashboard, global search, the inbox and notifications.

Each of these gathers what the apps registered in core (`dashboard`, `search`, `inbox`, `notifications`).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core import dashboard, inbox, notifications, search
from supplyesg.core.access import require_internal
from supplyesg.core.models import Notification

SEARCH_PAGE_LIMIT = 20  # hits per kind on the full page; the drop-down shows 5
NOTIFICATIONS_PER_PAGE = 50


def home(request):
    """The dashboard's frame: each app's panel is fetched on its own once the page has loaded (`home_panel`), so
    the page answers at once and the panels come in side by side. Built in one request, their counts over 100,000
    suppliers made the home page 420 ms on PostgreSQL (bench/every_page.py)."""
    if request.user.is_supplier_user:
        return redirect("portal:home")
    require_internal(request.user)
    return render(request, "core/home.html", {"panels": dashboard.panels_for(request.user), "today": timezone.localdate()})


@require_http_methods(["GET"])
def home_panel(request, panel):
    """One panel of the dashboard (an htmx fragment replacing its placeholder)."""
    require_internal(request.user)
    found = dashboard.panel_for(request.user, panel)
    if found is None:
        raise Http404
    context = {"template": found.template, **found.context(request, timezone.localdate())}
    return render(request, found.template, {"panel": context})


@require_http_methods(["GET"])
def search_page(request):
    """Internal users only: a supplier's portal is small enough to need none, and must never list others."""
    require_internal(request.user)
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    partial = bool(request.headers.get("HX-Request"))
    groups = search.search(request.user, query, limit=5 if partial else SEARCH_PAGE_LIMIT, kind=kind)
    context = {
        "query": query,
        "groups": groups,
        "kind": kind,
        "kinds": [p for p in search.registered()],
    }
    return render(request, "core/_search_results.html" if partial else "core/search.html", context)


@require_http_methods(["GET"])
def inbox_page(request):
    require_internal(request.user)
    today = timezone.localdate()
    only = request.GET.get("kind", "")
    groups = inbox.collect(request.user, today)
    shown = [g for g in groups if not only or g.kind.key == only]
    sections = [
        {"key": key, "label": label, "groups": [g for g in groups if g.kind.section == key]}
        for key, label in inbox.Section.LABELS.items()
    ]
    return render(
        request,
        "core/inbox.html",
        {
            "sections": sections,
            "rows": inbox.newest_first(shown),
            "only": only,
            "total": sum(g.count for g in groups),
            "shown_count": sum(g.count for g in shown),
        },
    )


@require_http_methods(["GET"])
def header_counts(request):
    """The inbox and bell counts, loaded by htmx after the page so no page pays for them up front."""
    today = timezone.localdate()
    inbox_total = inbox.total(request.user, today) if request.user.is_internal else None
    unread = Notification.objects.for_user(request.user).unread().count()
    return render(request, "core/_header_counts.html", {"inbox_total": inbox_total, "unread": unread})


@require_http_methods(["GET"])
def notification_list(request):
    mine = Notification.objects.for_user(request.user).select_related("event")
    if request.GET.get("show") == "unread":
        mine = mine.unread()
    rows = [
        {"notification": n, "message": notifications.message_for(n.event.action), "event": n.event}
        for n in mine[:NOTIFICATIONS_PER_PAGE]
    ]
    return render(
        request,
        "core/notifications.html",
        {
            "rows": rows,
            "unread": Notification.objects.for_user(request.user).unread().count(),
            "show": request.GET.get("show", ""),
        },
    )


@require_http_methods(["POST"])
def mark_notifications_read(request):
    everything = request.POST.get("all") == "1"
    ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()]
    if not everything and not ids:
        messages.error(request, _("notification: choose a notification to mark as read."))
        return redirect("core:notifications")
    notifications.mark_read(request.user, notification_ids=ids, everything=everything)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("core:notifications")
