from django.contrib import admin

from supplyesg.minerals.models import MineralTerm, RiskCountry, RmapStatusUpload, Smelter, SmelterAlias, SmelterListLoad


class SmelterAliasInline(admin.TabularInline):
    model = SmelterAlias
    extra = 0
    readonly_fields = ("added_at", "added_by")


@admin.register(Smelter)
class SmelterAdmin(admin.ModelAdmin):
    list_display = ("cid", "metal", "standard_name", "country", "city")
    list_filter = ("metal",)
    search_fields = ("cid", "standard_name", "aliases__name")
    inlines = [SmelterAliasInline]


@admin.register(SmelterListLoad)
class SmelterListLoadAdmin(admin.ModelAdmin):
    list_display = ("loaded_at", "template", "version", "file_name", "smelters_created", "smelters_updated", "aliases_added")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RmapStatusUpload)
class RmapStatusUploadAdmin(admin.ModelAdmin):
    list_display = ("uploaded_at", "file_name", "rows", "is_demo", "uploaded_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RiskCountry)
class RiskCountryAdmin(admin.ModelAdmin):
    """The CAHRA list is edited here, each entry with its source and date."""

    list_display = ("kind", "country", "source", "as_of")
    list_filter = ("kind",)


@admin.register(MineralTerm)
class MineralTermAdmin(admin.ModelAdmin):
    """Words in supplier categories that mean a template mineral (aluminium -> Aluminum, 稀土 -> rare earths)."""

    list_display = ("term", "mineral", "source")
    list_filter = ("mineral",)
    search_fields = ("term",)
