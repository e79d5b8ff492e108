"""The supplier page's portal users: invite, send the invitation again, disable; and the invitee's
set-password page (public: the link in the invitation is the credential)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import Role, User
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.forms.lifecycle import ReasonForm
from supplyesg.suppliers.forms.onboarding import InviteForm
from supplyesg.suppliers.services import portal_users as service


def portal_users_context(request, supplier) -> dict:
    users = supplier.portal_users.order_by("email")
    return {
        "portal_user_rows": [
            {"user": u, "status": service.portal_user_status(u),
             "status_label": service.PortalUserStatus.LABELS[service.portal_user_status(u)]}
            for u in users
        ],
        "can_invite": can(request.user, Cap.EDIT_SUPPLIERS),
        "invite_form": InviteForm(prefix="invite"),
    }


def _tab(supplier) -> str:
    return reverse("suppliers:detail", args=[supplier.pk]) + "?tab=portal_users"


def _writable(request, pk):
    require_internal(request.user)
    return get_supplier_for_user(request.user, pk, write=True, capability=Cap.EDIT_SUPPLIERS)


@require_http_methods(["GET", "POST"])
def invite(request, pk):
    supplier = _writable(request, pk)
    form = InviteForm(request.POST or None, prefix="invite")
    if request.method == "POST" and form.is_valid():
        try:
            user = service.invite_portal_user(supplier, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(email)s was invited; the set-password link is on its way.") % {"email": user.email})
            return redirect(_tab(supplier))
    status = 400 if request.method == "POST" else 200
    return render(request, "suppliers/portal_user_invite.html", {"supplier": supplier, "form": form}, status=status)


def _act(request, pk, user_pk, do, success):
    supplier = _writable(request, pk)
    user = get_object_or_404(supplier.portal_users, pk=user_pk)
    try:
        do(user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success % {"email": user.email})
    return redirect(_tab(supplier))


@require_http_methods(["POST"])
def reinvite(request, pk, user_pk):
    return _act(request, pk, user_pk, lambda u: service.reinvite_portal_user(u, actor=request.user),
                _("A new set-password link was sent to %(email)s."))


@require_http_methods(["POST"])
def disable(request, pk, user_pk):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, pk, user_pk, lambda u: service.disable_portal_user(u, actor=request.user, reason=reason),
                _("%(email)s can no longer log in."))


def _invited_user(uidb64):
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        return User.objects.select_related("supplier").get(pk=pk, role=Role.SUPPLIER)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None


@require_http_methods(["GET", "POST"])
def accept_invitation(request, uidb64, token):
    user = _invited_user(uidb64)
    valid = user is not None and user.is_active and service.invitation_tokens.check_token(user, token)
    form = SetPasswordForm(user, request.POST or None) if valid else None
    if valid and request.method == "POST" and form.is_valid():
        try:
            user = service.accept_invitation(user, token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if user.language:
                request.session["user_language"] = user.language
            messages.success(request, _("Welcome, your password is set."))
            return redirect("portal:home")
    status = 400 if form is not None and form.errors else 200
    context = {"form": form, "validlink": valid, "invited": user if valid else None}
    return render(request, "suppliers/invitation_accept.html", context, status=status)
