"""Jurors' passwords in an import: the rule a given one must meet, and generated ones."""

from __future__ import annotations

import secrets

# The rule for every password set from 1.1 on (docs/api.md, "Accounts").
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256

# Read aloud or copied from paper: no 0/o, 1/l/i look-alikes.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 3, 4


def password_problem(password: str) -> str | None:
    """Why ``password`` may not be set, or None: at least 10 characters, not only whitespace."""
    if not password.strip():
        return "must not be only whitespace"
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"must have at least {PASSWORD_MIN_LENGTH} characters"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"must have at most {PASSWORD_MAX_LENGTH} characters"
    return None


def generate_password() -> str:
    """Twelve random characters of a readable alphabet in groups, ``k7mp-x3qa-9fde``
    (about 59 bits)."""
    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )
