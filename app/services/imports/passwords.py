"""Jurors' passwords in an import: the rule a given one must meet, and generated ones."""

from __future__ import annotations

import secrets

from app.credentials import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, password_problem

__all__ = [
    "ALPHABET",
    "PASSWORD_MAX_LENGTH",
    "PASSWORD_MIN_LENGTH",
    "generate_password",
    "password_problem",
]

# Read aloud or copied from paper: no 0/o, 1/l/i look-alikes.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 3, 4


def generate_password() -> str:
    """Twelve random characters of a readable alphabet in groups, ``k7mp-x3qa-9fde``
    (about 59 bits)."""
    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )
