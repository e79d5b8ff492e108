"""The one error shape every API endpoint answers with: {"detail": ..., "errors": [{"field", "message"}]}."""

import enum
import functools
from typing import Annotated

from ninja import Schema
from ninja.responses import Response
from pydantic import Field as PydanticField


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


def error_responses(*codes) -> dict:
    """`response=` entries documenting the error shape for these status codes."""
    return {code: ErrorOut for code in codes}


def field_choices(model, field: str) -> type[enum.StrEnum]:
    """The choices of `model.field` as an enum named `<Model><Field>` (SupplierStatus, AuditKind, ...).

    OpenAPI names an enum schema after its class, so the nested `Status` classes of two models would overwrite
    each other in the document (supplier filters typed with corrective-action statuses): every enum used in a
    schema gets its own name from here."""
    choices = model._meta.get_field(field).choices
    values = {value: value for value, _label in choices}
    name = model.__name__ + "".join(part.capitalize() for part in field.split("_"))
    return _enum_from_values(name, tuple(values))


@functools.cache
def _enum_from_values(name: str, values: tuple[str, ...]) -> type[enum.StrEnum]:
    return enum.StrEnum(name, [(value.upper(), value) for value in values])


def for_role(request, internal_schema, portal_schema, data, status: int = 200) -> Response:
    """`data` in the staff shape for internal users, in the portal's shape for a supplier's own user.

    The operation declares both (`response={200: A | B}`); the answer is built here because a union would let
    pydantic pick the richer staff shape for a supplier's user whenever the data fit both."""
    schema = internal_schema if request.user.is_internal else portal_schema
    return Response(schema.model_validate(data, context={"request": request}).model_dump(), status=status)


# Bounded numbers for what clients send: a value the database cannot hold is a 422 naming the field, not a 500.
DbId = Annotated[int, PydanticField(ge=1, le=2**63 - 1)]
Year = Annotated[int, PydanticField(ge=1900, le=2200)]
Offset = Annotated[int, PydanticField(ge=0, le=10**9)]
