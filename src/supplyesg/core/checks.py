"""System checks: configuration gaps an administrator must hear about at start-up, not at the first download."""

from django.core.checks import Warning, register


@register()
def pdf_font_installed(app_configs, **kwargs):
    from supplyesg.core.pdf import font_path

    if font_path() is None:
        return [
            Warning(
                "No TrueType font with Chinese glyphs was found, so PDF reports cannot embed their font.",
                hint="Install Debian's fonts-wqy-microhei or set PDF_FONT_PATH to a .ttf/.ttc file.",
                id="supplyesg.W010",
            )
        ]
    return []


@register()
def site_url_set(app_configs, **kwargs):
    from django.conf import settings

    if settings.PRODUCTION and not settings.SITE_URL:
        return [
            Warning(
                "SITE_URL is not set, so the links in e-mails (invitations, reminders, digests) have no address.",
                hint="Set SITE_URL to the address users open SupplyESG at, e.g. https://esg.example.com.",
                id="supplyesg.W020",
            )
        ]
    if settings.SITE_URL and not settings.SITE_URL.startswith(("http://", "https://")):
        return [Warning("SITE_URL must start with http:// or https://.", id="supplyesg.W021")]
    return []
