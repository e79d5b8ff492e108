"""Administrators set up channels, their texts and rules, and designate handlers and custodians. Reports are not in the
admin site: their content is only readable through the handlers' pages."""

from django.contrib import admin

from supplyesg.grievances.models import Channel, ChannelText, DeletionLog, Designation, RulesOfProcedure


class ChannelTextInline(admin.StackedInline):
    model = ChannelText
    extra = 0


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("key", "audience", "active", "auto_acknowledge", "retention_years", "extra_languages")
    inlines = [ChannelTextInline]


@admin.register(RulesOfProcedure)
class RulesOfProcedureAdmin(admin.ModelAdmin):
    """A published version is never edited: publish a new version instead."""

    list_display = ("channel", "version", "language", "published_on")
    list_filter = ("channel", "language")

    def get_readonly_fields(self, request, obj=None):
        return ("channel", "version", "language", "text", "published_on") if obj else ()


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "channel")
    list_filter = ("kind", "channel")
    autocomplete_fields = ()


@admin.register(DeletionLog)
class DeletionLogAdmin(admin.ModelAdmin):
    list_display = ("reference", "channel_key", "received_on", "closed_on", "closure_reason", "deleted_on", "why")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
