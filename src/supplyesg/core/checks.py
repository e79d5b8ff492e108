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
