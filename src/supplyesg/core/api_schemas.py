"""The one error shape every API endpoint answers with: {"detail": ..., "errors": [{"field", "message"}]}."""

from ninja import Schema


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


def error_responses(*codes) -> dict:
    """`response=` entries documenting the error shape for these status codes."""
    return {code: ErrorOut for code in codes}
