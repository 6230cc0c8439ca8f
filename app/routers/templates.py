"""The Jinja2 environment of the service's HTML pages (``app/templates``): autoescaped; and
the headers every page and app file outside ``/api/v1`` is sent with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


# The server-rendered pages' policy: no script at all, forms posting back to this origin.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def render(template: str, **context: Any) -> str:
    return TEMPLATES.get_template(template).render(**context)


def page_headers(csp: str, cache: str | None = "no-cache") -> dict[str, str]:
    """A page's (or an app file's) headers: its content security policy, no sniffing, no
    referrer, and ``Cache-Control`` unless ``cache`` is None."""
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if cache is not None:
        headers["Cache-Control"] = cache
    return headers
