"""Showing a service's refusal on a form, and checking uploads as form-field errors.

Services and validate_upload say "field: sentence"; beside the field its label already says which one,
so the prefix is dropped there. Messages naming no field of the form go on top of it.
"""

from django import forms
from django.core.exceptions import ValidationError

from supplyesg.core.files import validate_upload


def strip_field_prefix(message: str, field: str) -> str:
    prefix = f"{field}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
        return
    for message in error.messages:
        name, sep, _rest = message.partition(": ")
        if sep and name in form.fields:
            form.add_error(name, strip_field_prefix(message, name))
        else:
            form.add_error(None, message)


def checked_upload(upload, field: str, allowed=None):
    """core.files.validate_upload on an optional upload, raised as the field's own error."""
    if not upload:
        return upload
    try:
        if allowed:
            validate_upload(upload, allowed=allowed, field=field)
        else:
            validate_upload(upload, field=field)
    except ValidationError as exc:
        raise forms.ValidationError([strip_field_prefix(m, field) for m in exc.messages]) from None
    return upload
