"""Admin: material definitions and outside parties are reference data edited here; lots, events and origin
documents change only through the services (events are append-only), so they are read-only here."""

from django.contrib import admin

from supplyesg.traceability.models import Lot, MaterialDefinition, OriginDocument, Party, TraceEvent


@admin.register(MaterialDefinition)
class MaterialDefinitionAdmin(admin.ModelAdmin):
    list_display = ("code", "chain", "stage", "name", "unit", "conversion_factor", "tolerance_percent", "is_origin", "is_smelter")
    list_filter = ("chain",)
    search_fields = ("code", "name", "name_zh")


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "gln", "supplier", "smelter")
    list_filter = ("kind", "country")
    search_fields = ("name", "gln")
    raw_id_fields = ("supplier", "smelter")


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lot)
class LotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("identifier", "material", "supplier", "country", "quantity", "unit", "assurance", "made_at")
    list_filter = ("material__chain", "assurance")
    search_fields = ("identifier",)
    list_select_related = ("material", "supplier")


@admin.register(TraceEvent)
class TraceEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("event_id", "type", "biz_step", "event_time", "supplier", "declares_error_on")
    list_filter = ("type", "biz_step")
    search_fields = ("event_id",)
    list_select_related = ("supplier",)


@admin.register(OriginDocument)
class OriginDocumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("original_name", "kind", "supplier", "lot", "status", "uploaded_at")
    list_filter = ("kind", "status")
    list_select_related = ("supplier", "lot")
