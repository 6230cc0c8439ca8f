"""Jurors' accounts."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, StrictBool

from app.schemas.accounts import NewAccount
from app.schemas.common import Id, Name, Output, Password, Patch, UniqueIds, Username, with_examples


class JurorCreate(NewAccount):
    panel_id: Id
    conflict_opd_ids: UniqueIds = Field(default_factory=list)

    model_config = with_examples(
        {
            "username": "juri.lan.1",
            "password": "rahasia-panjang",
            "full_name": "Dr. Juri LAN",
            "panel_id": 2,
            "conflict_opd_ids": [],
        }
    )


class JurorUpdate(Patch):
    username: Username | None = None
    password: Password | None = None
    full_name: Name | None = None
    panel_id: Id | None = None
    conflict_opd_ids: UniqueIds | None = None
    active: StrictBool | None = Field(
        None,
        description="`false` keeps the juror out: every token ends and logins are refused as "
        "a wrong password; sheets already sent still count. `true` lets the juror in again.",
    )


class JurorOut(Output):
    id: int
    convention_id: int
    username: str
    full_name: str
    panel_id: int
    conflict_opd_ids: list[int]
    active: bool = True
    created_at: datetime
    updated_at: datetime
