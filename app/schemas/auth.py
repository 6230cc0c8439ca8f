"""Logging in and who am I."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.enums import Role


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    role: Role


class MeOut(BaseModel):
    id: int
    username: str
    full_name: str
    role: Role
    convention_id: int | None = Field(None, description="The convention a juror judges.")
    panel_id: int | None = Field(None, description="A juror's panel.")
    convention_ids: list[int] | None = Field(
        None, description="The conventions a `secretariat` manages (null for other roles)."
    )
