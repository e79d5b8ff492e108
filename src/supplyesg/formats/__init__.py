"""Date and time formats per language (settings.FORMAT_MODULE_PATH), in front of Django's own.

Every date a page, PDF, export or e-mail shows goes through the active language's formats (`|date:"SHORT_DATE_FORMAT"`,
`django.utils.formats.date_format`), and both languages show ISO 8601 dates (2026-12-07): unambiguous for a
team that reads suppliers' documents from many countries. Django's English default (12/07/2026) reads as
July in most of the world, and its Chinese input format (2026/12/07) is not what `<input type="date">` takes.

The first DATE_INPUT_FORMATS entry is also how a date input renders its value, so it is ISO in every language;
the others are what people type in either language (2026/12/07, 2026.12.07, 2026年12月7日). Anything not set here (numbers,
separators) comes from Django's module for the language.
"""

# The parts both languages share; each language module spells its own out (Django reads module attributes).
ISO_DATE = "Y-m-d"
ISO_DATETIME = "Y-m-d H:i"
TIME = "H:i"
DATE_INPUTS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
DATETIME_INPUTS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
]
