"""The rules of usernames and passwords (docs/api.md, "Accounts").

Every password set from 1.1 on (accounts, jurors, imports, ``KONVENSI_ADMIN_PASSWORD``,
``konvensi create-admin``) has at least 10 characters and is not only whitespace. Passwords set
before keep working: the rule is checked when a password is set, never at login.
"""

from __future__ import annotations

import re

USERNAME_PATTERN = r"^[A-Za-z0-9_.@\-]+$"
USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH = 3, 64

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


def username_problem(username: str) -> str | None:
    """Why ``username`` may not be given to a new account, or None (the API's rule)."""
    if not USERNAME_MIN_LENGTH <= len(username) <= USERNAME_MAX_LENGTH:
        return f"must have {USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} characters"
    if re.fullmatch(USERNAME_PATTERN, username) is None:
        return "may hold letters, digits, '_', '.', '@' and '-' only"
    return None
