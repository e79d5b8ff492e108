"""Admin: audits and what hangs off them are read-only here. Their states change through the services
(programme, conduct, corrective actions), which check the rules and write the audit trail."""

from django.contrib import admin

from supplyesg.audits.models import Audit, AuditFile, ChecklistItem, CorrectiveAction, Finding


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FindingInline(ReadOnlyMixin, admin.TabularInline):
    model = Finding
    fields = ("severity", "area", "requirement", "description")
    show_change_link = True


@admin.register(Audit)
class AuditAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("supplier", "year", "kind", "scheme", "reason", "status", "planned_start", "report_date", "result_level")
    list_filter = ("year", "kind", "scheme", "reason", "status", "result_level")
    search_fields = ("supplier__legal_name", "supplier__code", "audit_firm")
    list_select_related = ("supplier",)
    date_hierarchy = "planned_start"
    inlines = [FindingInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("audit", "requirement", "risk_category", "verdict", "checked_at")
    list_filter = ("verdict", "risk_category")
    list_select_related = ("audit", "audit__supplier", "requirement")


@admin.register(Finding)
class FindingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("audit", "severity", "area", "requirement", "created_at")
    list_filter = ("severity", "area")
    search_fields = ("description", "audit__supplier__legal_name")
    list_select_related = ("audit", "audit__supplier", "requirement")


@admin.register(AuditFile)
class AuditFileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("original_name", "audit", "uploaded_by", "uploaded_at")
    list_select_related = ("audit", "audit__supplier", "uploaded_by")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "audit", "status", "plan_due", "remediation_due", "closed_at")
    list_filter = ("status",)
    search_fields = ("audit__supplier__legal_name", "finding__description")
    list_select_related = ("audit", "audit__supplier")
