"""Sanctions screening pages: the review queue of hits, one hit with its evidence, the loaded lists."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.services import start_job
from supplyesg.suppliers.sanctions import services
from supplyesg.suppliers.sanctions.access import get_hit_for_user
from supplyesg.suppliers.sanctions.forms import DecisionForm, HitFilterForm, ListUploadForm
from supplyesg.suppliers.sanctions.models import SanctionsHit, SanctionsList
from supplyesg.suppliers.sanctions.tasks import JOB_KIND, screen_all


def hit_list(request):
    require_internal(request.user)
    form = HitFilterForm(request.GET or {"status": SanctionsHit.Status.PENDING})
    hits = SanctionsHit.objects.select_related("sanctions_list", "supplier", "decided_by")
    status = form.cleaned_data["status"] if form.is_valid() else SanctionsHit.Status.PENDING
    if status:
        hits = hits.filter(status=status)
    page = Paginator(hits, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sanctions/hit_list.html",
        {"form": form, "page": page, "pending": SanctionsHit.objects.pending().count(), "status": status},
    )


def hit_detail(request, hit_pk):
    hit = get_hit_for_user(request.user, hit_pk)
    return render(
        request,
        "sanctions/hit_detail.html",
        {"hit": hit, "form": DecisionForm(), "can_decide": can(request.user, Cap.BLACKLIST)},
    )


def _decide(request, hit_pk, decide, done_message):
    hit = get_hit_for_user(request.user, hit_pk, write=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decide(hit, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done_message % {"name": hit.subject_label})
    return redirect("sanctions:hit_detail", hit_pk=hit.pk)


@require_POST
def confirm_hit(request, hit_pk):
    return _decide(request, hit_pk, services.confirm_hit, _("%(name)s is confirmed as sanctioned; ordering is blocked."))


@require_POST
def dismiss_hit(request, hit_pk):
    return _decide(request, hit_pk, services.dismiss_hit, _("The hit on %(name)s was dismissed."))


def list_versions(request):
    require_internal(request.user)
    lists = SanctionsList.objects.prefetch_related("versions__loaded_by")
    return render(request, "sanctions/list_versions.html", {"lists": lists, "can_load": can(request.user, Cap.ADMINISTER)})


@require_http_methods(["GET", "POST"])
def load_list(request):
    require_internal(request.user, Cap.ADMINISTER)
    form = ListUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                version = services.load_sanctions_list(
                    upload.read(),
                    fmt=form.cleaned_data["format"],
                    list_name=form.cleaned_data["list_name"],
                    file_name=upload.name,
                    source=form.cleaned_data["source"],
                    version=form.cleaned_data["version"],
                    actor=request.user,
                )
                job = start_job(kind=JOB_KIND, actor=request.user)
                transaction.on_commit(lambda: screen_all.enqueue(job.pk))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request,
                _("%(list)s version %(version)s: %(count)d entries loaded. Screening runs in the background.")
                % {"list": version.sanctions_list.name, "version": version.version, "count": version.entry_count},
            )
            return redirect("sanctions:lists")
    return render(request, "sanctions/list_load.html", {"form": form}, status=400 if form.errors else 200)
