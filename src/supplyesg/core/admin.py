from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from supplyesg.core import second_factor, services
from supplyesg.core.models import ApiToken, AuditEvent, Job, PolicySettings, User
from supplyesg.core.policy_sources import SETTING_SOURCES

# Second-factor secrets are never shown or edited in the admin; an administrator can only reset a user's
# factors, through the audited action below.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("SupplyESG"), {"fields": ("role", "supplier", "language")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("SupplyESG"), {"fields": ("role", "supplier", "email")}),)
    list_display = ("username", "email", "role", "supplier", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("supplier",)
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset second factor (lost phone or passkey)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor.reset_second_factor(user, actor=request.user)
        self.message_user(request, _("Their second factors were removed; they log in with the password and enrol again."))


@admin.register(PolicySettings)
class PolicySettingsAdmin(admin.ModelAdmin):
    """Each field says where its default comes from (core/policy_sources.py); the conformance page compares them."""

    change_form_template = "admin/core/policysettings/change_form.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        source = SETTING_SOURCES.get(db_field.name)
        if formfield is not None and source is not None:
            default = db_field.default if db_field.has_default() else ""
            note = _("Default %(default)s. Source: %(source)s") % {"default": default, "source": source.label()}
            if source.quote:
                note = f"{note} — “{source.quote}”"
            formfield.help_text = note
        return formfield

    def has_add_permission(self, request):
        return not PolicySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "target_label", "supplier")
    list_filter = ("action",)
    search_fields = ("target_label", "actor_label", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created on the Account page or with `supplyesg create_token`, both audited. Here an
    administrator can only look and revoke (audited): never un-revoke, re-assign or edit a token."""

    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke selected tokens"), permissions=["view"])
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_token(token, actor=request.user)
        self.message_user(request, _("The selected tokens were revoked."))


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "status", "done", "total", "created_at")
