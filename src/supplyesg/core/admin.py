from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from supplyesg.core.models import ApiToken, AuditEvent, Job, PolicySettings, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("SupplyESG"), {"fields": ("role", "supplier", "language")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("SupplyESG"), {"fields": ("role", "supplier", "email")}),)
    list_display = ("username", "email", "role", "supplier", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("supplier",)


@admin.register(PolicySettings)
class PolicySettingsAdmin(admin.ModelAdmin):
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
    """Read-only: tokens are created and revoked through the audited services (Account page, create_token), so
    an administrator can neither un-revoke a token nor move it to another user here."""

    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "status", "done", "total", "created_at")
