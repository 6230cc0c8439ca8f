"""The password rule of every password set from 1.1 on (docs/api.md, "Accounts"): accounts,
jurors, imports, ``KONVENSI_ADMIN_PASSWORD`` and ``konvensi create-admin``. Passwords set
before keep working: the rule is checked when a password is set, never at login."""

from __future__ import annotations

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256


def password_problem(password: str) -> str | None:
    """Why ``password`` may not be set, or None: at least 10 characters, not only whitespace."""
    if not password.strip():
        return "must not be only whitespace"
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"must have at least {PASSWORD_MIN_LENGTH} characters"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"must have at most {PASSWORD_MAX_LENGTH} characters"
    return None
