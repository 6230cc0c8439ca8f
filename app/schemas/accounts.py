"""Admin and secretariat accounts, and one's own password."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, StrictBool

from app.enums import Role
from app.schemas.common import (
    Input,
    Name,
    Output,
    Password,
    Patch,
    UniqueIds,
    Username,
    with_examples,
)

# The roles /accounts makes: jurors are made by …/{cid}/jurors, in their convention.
AccountRole = Literal[Role.ADMIN, Role.SECRETARIAT]


class NewAccount(Input):
    """What every account is created with, a juror's too: its login and the name it shows."""

    username: Username
    password: Password
    full_name: Name


class AccountCreate(NewAccount):
    role: AccountRole
    convention_ids: UniqueIds = Field(
        default_factory=list,
        description="The conventions a `secretariat` manages; an `admin` manages every one "
        "(leave it empty).",
    )

    model_config = with_examples(
        {
            "username": "sekretariat.solok",
            "password": "rahasia-panjang-sekali",
            "full_name": "Sekretariat Kota Solok",
            "role": "secretariat",
            "convention_ids": [1],
        }
    )


class AccountUpdate(Patch):
    password: Password | None = None
    full_name: Name | None = None
    active: StrictBool | None = Field(
        None, description="`false` ends every token of the account and refuses its logins."
    )
    convention_ids: UniqueIds | None = Field(
        None, description="A `secretariat`'s conventions: the list replaces the one it had."
    )


class AccountOut(Output):
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    convention_ids: list[int]
    created_at: datetime
    updated_at: datetime


class PasswordChange(Input):
    current_password: str = Field(max_length=1024)
    new_password: Password
