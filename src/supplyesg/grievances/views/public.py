"""The public intake and follow-up pages: no log-in, no cookies beyond CSRF, no third-party assets, strict CSP,
no-store. Nothing here reads the client's address or user agent except the in-memory rate limiter (privacy.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from supplyesg.core.forms_errors import attach_errors
from supplyesg.grievances import crypto, privacy
from supplyesg.grievances.forms import ReceiptForm, ReporterMessageForm, ReportForm
from supplyesg.grievances.models import Channel, ChannelText, RulesOfProcedure
from supplyesg.grievances.services import intake

GETTEXT_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _language(request) -> tuple[str, str]:
    """(UI language from the catalogue, content language): ?lang= may name an administrator-enabled language, whose
    channel texts are shown while the rest of the page stays in the browser's language."""
    asked = (request.GET.get("lang") or request.POST.get("lang") or "").lower()[:10]
    if asked in GETTEXT_LANGUAGES:
        return asked, asked
    ui = translation.get_language() or "en"
    if asked and ChannelText.objects.filter(language=asked).exists():
        return ui, asked
    return ui, ui


def _channels(content_language: str) -> list[dict]:
    out = []
    for channel in Channel.objects.filter(active=True):
        text = channel.texts.filter(language=content_language).first()
        rules = RulesOfProcedure.objects.current(channel, content_language)
        out.append({"channel": channel, "text": text, "rules": rules})
    return out


def _extra_languages() -> list[tuple[str, str]]:
    return sorted(set(ChannelText.objects.filter(channel__active=True).values_list("language", "language_name")))


def _render(request, template, context, ui_language, status=200):
    with translation.override(ui_language):
        context = {**context, "extra_languages": _extra_languages(), "ui_language": ui_language}
        return render(request, template, context, status=status)


# No CSRF token: the pages set no cookie at all (nothing to ride on: there is no session), and with
# `Referrer-Policy: no-referrer` browsers send `Origin: null`, which Django's origin check refuses. Forged submissions
# are an anonymous report like any other, bounded by the rate limit.
@csrf_exempt
@privacy.private_page
@require_http_methods(["GET", "POST"])
def report_form(request):
    ui, content = _language(request)
    channels = _channels(content)
    chosen_key = request.POST.get("channel") or request.GET.get("channel") or (channels[0]["channel"].key if channels else "")
    chosen = next((c for c in channels if c["channel"].key == chosen_key), channels[0] if channels else None)
    label = chosen["text"].description_label if chosen and chosen["text"] else ""
    with translation.override(ui):
        form = ReportForm(request.POST or None, request.FILES or None, description_label=label)
        if request.method == "POST":
            if not privacy.intake_limit.hit(request):
                form.add_error(None, _("Too many reports from this connection in the last hour. Please try again later."))
                return _render(
                    request,
                    "grievances/public_form.html",
                    {"form": form, "channels": channels, "chosen": chosen, "content_language": content},
                    ui,
                    429,
                )
            if chosen is None:
                form.add_error(None, _("Choose a channel."))
            elif form.is_valid():
                data = form.cleaned_data
                try:
                    submitted = intake.submit_report(
                        channel=chosen["channel"],
                        topic=data["topic"],
                        subject=data["subject"],
                        description=data["description"],
                        country=data["country"],
                        language=content,
                        name=data["name"],
                        contact=data["contact"],
                        files=data["files"],
                    )
                except ValidationError as exc:
                    attach_errors(form, exc)
                else:
                    return _render(
                        request,
                        "grievances/public_receipt.html",
                        {
                            "receipt": crypto.format_receipt(submitted.receipt),
                            "report": submitted.report,
                            "acknowledge_due": submitted.report.acknowledge_due,
                            "feedback_due": submitted.report.feedback_due,
                        },
                        ui,
                    )
    return _render(
        request,
        "grievances/public_form.html",
        {"form": form, "channels": channels, "chosen": chosen, "content_language": content},
        ui,
    )


@csrf_exempt
@privacy.private_page
@require_http_methods(["GET", "POST"])
def follow(request):
    """POST with the receipt: the thread. The receipt travels in the form body only: never in a URL, cookie or session."""
    ui, _content = _language(request)
    with translation.override(ui):
        if request.method == "GET":
            return _render(request, "grievances/public_follow.html", {"form": ReceiptForm()}, ui)
        if not privacy.receipt_limit.hit(request):
            form = ReceiptForm(request.POST)
            form.add_error(None, _("Too many tries from this connection in the last hour. Please try again later."))
            return _render(request, "grievances/public_follow.html", {"form": form}, ui, 429)
        replying = "text" in request.POST or bool(request.FILES)
        form = ReporterMessageForm(request.POST, request.FILES) if replying else ReceiptForm(request.POST)
        report = intake.find_by_receipt(request.POST.get("receipt", ""))
        if report is None:
            form = ReceiptForm(request.POST)
            form.is_valid()
            form.add_error(
                "receipt" if "receipt" in form.fields else None, _("No report has this receipt number. Check the 16 digits.")
            )
            return _render(request, "grievances/public_follow.html", {"form": form}, ui, 404 if replying else 200)
        sent = False
        if replying and form.is_valid():
            try:
                intake.add_reporter_message(report=report, text=form.cleaned_data["text"], files=form.cleaned_data["files"])
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                sent = True
        receipt = crypto.normalise_receipt(request.POST.get("receipt", ""))
        reply_form = ReporterMessageForm(initial={"receipt": receipt}) if (sent or not replying) else form
        return _render(
            request,
            "grievances/public_thread.html",
            {
                "report": report,
                "thread": intake.public_thread(report),
                "reply_form": reply_form,
                "sent": sent,
            },
            ui,
        )


@privacy.private_page
@require_http_methods(["GET"])
def rules(request, key):
    ui, content = _language(request)
    channel = get_object_or_404(Channel, key=key)
    versions = RulesOfProcedure.objects.filter(channel=channel).order_by("-version", "language")
    wanted = request.GET.get("version", "")
    current = RulesOfProcedure.objects.current(channel, content)
    if wanted.isdigit():
        current = versions.filter(version=int(wanted), language=content).first() or versions.filter(version=int(wanted)).first()
        if current is None:
            raise Http404
    return _render(
        request,
        "grievances/public_rules.html",
        {
            "channel": channel,
            "current": current,
            "versions": sorted({v.version for v in versions}, reverse=True),
            "text": channel.texts.filter(language=content).first(),
        },
        ui,
    )
