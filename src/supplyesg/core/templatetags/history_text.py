"""{{ item.reason|system_reason }}: a stored system reason in the reader's language (core.history.reason_text)."""

from django import template

from supplyesg.core.history import reason_text

register = template.Library()


@register.filter
def system_reason(value) -> str:
    return reason_text(str(value or ""))
