"""Minerals reference pages: the smelter list, and loading templates and RMAP statuses (administrators)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.errors import RuleViolation
from supplyesg.minerals import queries, services
from supplyesg.minerals.forms.smelters import RmapUploadForm, SmelterFilterForm, TemplateUploadForm
from supplyesg.minerals.models import RiskCountry, RmapStatusUpload, SmelterListLoad


def smelter_list(request):
    require_internal(request.user)
    form = SmelterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(queries.smelter_rows(q=filters.get("q", ""), metal=filters.get("metal", "")), 50).get_page(
        request.GET.get("page")
    )
    queries.decorate(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "minerals/smelter_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "loads": SmelterListLoad.objects.all()[:5],
            "uploads": RmapStatusUpload.objects.all()[:5],
            "risk_countries": RiskCountry.objects.all(),
        },
    )


@require_http_methods(["GET", "POST"])
def load_template(request):
    require_internal(request.user, Cap.ADMINISTER)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            load = services.load_smelter_list(upload.read(), actor=request.user, file_name=upload.name)
        except RuleViolation as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(
                request,
                _(
                    "%(template)s %(version)s loaded: %(created)s smelters created, %(updated)s updated, "
                    "%(aliases)s aliases added."
                )
                % {
                    "template": load.template,
                    "version": load.version,
                    "created": load.smelters_created,
                    "updated": load.smelters_updated,
                    "aliases": load.aliases_added,
                },
            )
            return redirect("minerals:smelters")
    return render(
        request,
        "minerals/upload_form.html",
        {"form": form, "title": _("Load an RMI template's smelter list")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def load_rmap(request):
    require_internal(request.user, Cap.ADMINISTER)
    form = RmapUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.load_rmap_statuses(upload.read(), file_name=upload.name, actor=request.user)
        except RuleViolation as exc:
            form.add_error("file", exc.messages)
        else:
            if result.upload:
                messages.success(request, _("%(count)s RMAP statuses loaded.") % {"count": result.upload.rows})
                return redirect("minerals:smelters")
            errors = result.errors
    return render(
        request,
        "minerals/upload_form.html",
        {"form": form, "errors": errors, "title": _("Load RMAP statuses")},
        status=400 if (form.errors or errors) else 200,
    )
