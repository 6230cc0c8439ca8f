"""Building blocks of every request and response model.

Numbers are strict (a string or a boolean where a number belongs is a 422, never coerced) and
finite; strings are trimmed and length-bounded; unknown fields are refused by name.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    Strict,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app import printable
from app.credentials import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    USERNAME_MAX_LENGTH,
    USERNAME_MIN_LENGTH,
    USERNAME_PATTERN,
    password_problem,
)

Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]

PositiveNumber = Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False, le=1e9)]

Score = Annotated[float, Strict(), Field(allow_inf_nan=False, ge=-1e9, le=1e9)]

Id = Annotated[int, Strict(), Field(ge=1, le=2**31 - 1)]


def _printable(value: str) -> str:
    why = printable.problem(value)
    if why is not None:
        raise PydanticCustomError("printable", "{why}", {"why": why})
    return value


def _visible(value: str) -> str:
    why = printable.hidden_problem(value)
    if why is not None:
        raise PydanticCustomError("visible", "{why}", {"why": why})
    return value


_PRINTABLE = AfterValidator(_printable)
_NAME_RULE = Field(
    description="Trimmed; no control or invisible characters, and only characters the piagam "
    "fonts print (no CJK, Arabic script or emoji): else 422 naming the field."
)

# One rule for every name and title (app/printable.py): what a piagam or /verify may show.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    _PRINTABLE,
    _NAME_RULE,
]

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    _PRINTABLE,
    _NAME_RULE,
]

ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100), _PRINTABLE, _NAME_RULE
]

ShortName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    _PRINTABLE,
    _NAME_RULE,
]

PanelName = ShortName

AwardName = ShortName

City = ShortText

VisibleName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_visible),
]
"""A name never printed on a piagam (an objector's, a contact): only the invisible-character
rule."""

LongText = Annotated[str, StringConstraints(max_length=20_000)]

Note = Annotated[str, StringConstraints(max_length=2000)]
"""Free text kept as written (a reward's description, a recusal's reason)."""

Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
"""A reason or resolution the secretariat writes, trimmed."""

RequiredReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]
"""A ``Reason`` that may not be empty."""

Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
    ),
]

LetterCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$"
    ),
]

Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=USERNAME_MIN_LENGTH,
        max_length=USERNAME_MAX_LENGTH,
        pattern=USERNAME_PATTERN,
    ),
]


def _password_rule(value: str) -> str:
    why = password_problem(value)
    if why is not None:
        raise PydanticCustomError("password", why)
    return value


# Every password set from 1.1 on: at least 10 characters, not only whitespace (422 naming it).
Password = Annotated[
    str,
    AfterValidator(_password_rule),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": PASSWORD_MIN_LENGTH,
            "maxLength": PASSWORD_MAX_LENGTH,
            "description": "At least 10 characters, not only whitespace.",
        }
    ),
]

Nip = Annotated[str, StringConstraints(pattern=r"^[0-9]{18}$")]


def _iso_text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("a date or time is ISO 8601 text (2018-05-20), not a number")
    return value


# Dates and moments as the ISO 8601 strings the OpenAPI schema promises: a JSON number is
# not read as a Unix timestamp.
Day = Annotated[date, BeforeValidator(_iso_text)]

Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


def _unique_ids(values: list[int]) -> list[int]:
    if len(set(values)) != len(values):
        raise ValueError("ids must not repeat")
    return values


UniqueIds = Annotated[list[Id], Field(max_length=10_000), AfterValidator(_unique_ids)]


def _reject_nul(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
    elif isinstance(value, list):
        for item in value:
            _reject_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _reject_nul(key)
            _reject_nul(item)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL: refuse it here, naming the field, not at the database.
        _reject_nul(value)
        return value


def with_examples(*examples: JsonValue) -> ConfigDict:
    """A request body's config: unknown fields refused (as ``Input``'s), and ``examples``
    shown in its OpenAPI schema."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


class Patch(Input):
    """A partial update: only the fields sent change; ``null`` is allowed only where the
    field itself may be empty."""

    _nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Patch:
        for name in self.model_fields_set:
            if getattr(self, name) is None and name not in self._nullable:
                raise ValueError(f"{name} may not be null")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ConventionRow(Output):
    """A response for something that belongs to one convention (an OPD, an entry, a stage, a
    juror...): it starts with its own id, then its convention's."""

    id: int
    convention_id: int


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ProblemErrorOut(BaseModel):
    loc: list[str | int]
    msg: str


class ProblemOut(BaseModel):
    """RFC 9457 problem details: every error the API answers, as `application/problem+json`.
    Some problems carry more members (a sheet's `current_version`, say)."""

    type: str = Field(description="`/problems/<name>`, e.g. `/problems/not-found`.")
    title: str
    status: int
    detail: str
    errors: list[ProblemErrorOut] | None = Field(
        None, description="Validation problems only: one per faulty field."
    )
