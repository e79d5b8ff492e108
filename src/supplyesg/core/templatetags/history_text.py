"""{{ item.reason|system_reason }}: a stored system reason in the reader's language (core.history.reason_text)."""

from django import template

from supplyesg.core.history import reason_text, reference

register = template.Library()


@register.filter
def system_reason(value) -> str:
    return reason_text(str(value or ""))


@register.filter
def reference_text(value) -> str:
    """ "audit:171" -> "audit 171" in the reader's language; anything else as written."""
    found = reference(str(value or ""))
    return found[0] if found else str(value or "")
