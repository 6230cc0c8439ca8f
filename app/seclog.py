"""Security events as log lines of the logger ``konvensi.security``: every failed login, every
429, every change to an account.

Each line reads ``<event> key=value ...`` with JSON-quoted values (a username typed at the
login form may hold anything: quoting keeps it on one line), and carries the same fields as
``record.security`` for a structured handler. Callers pass named fields only; a password or a
token is never one of them (tests/app/test_security_log.py checks the lines of every event).
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger("konvensi.security")

# Long values are cut: a field is for reading, not for storing what an attacker sent.
MAX_VALUE_CHARS = 100


def _shown(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        return value[:MAX_VALUE_CHARS] + "…"
    return value


def event(name: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log the security event ``name`` with ``fields`` (strings, numbers, lists, None)."""
    if not log.isEnabledFor(level):
        return
    shown = {key: _shown(value) for key, value in fields.items()}
    text = " ".join(f"{key}={json.dumps(value, ensure_ascii=True)}" for key, value in shown.items())
    log.log(level, "%s %s", name, text, extra={"security": {"event": name, **shown}})
