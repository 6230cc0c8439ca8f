"""Every route of the app, classified by who may call it, by rules read off docs/api.md.

The rules (first match wins):

* ``public``: ``/health``, the docs (``/docs``, ``/docs/oauth2-redirect``, ``/redoc``,
  ``/openapi.json``), ``/verify/…``, the pages and their files (``GET /``, ``/verify``,
  ``/hasil/…``, ``/static/…``, the juror app ``/juri/…``, the dashboard ``/sekretariat/…``),
  ``GET /api/v1/certificates/…``, ``GET /api/v1/conventions/{cid}/results``, and
  ``POST …/objections`` with its form ``POST /hasil/{cid}``: no token needed.
* ``login``: ``POST /api/v1/auth/token``.
* ``any``: ``GET /api/v1/me``, ``POST /api/v1/me/password``, ``POST /api/v1/auth/logout``:
  any valid token.
* ``admin-only``: ``POST /api/v1/conventions`` and everything under ``/api/v1/accounts``: an
  ``admin``'s alone ("a secretariat cannot create conventions or admin/secretariat accounts").
* ``juror``: anything under ``/api/v1/conventions/{cid}/jurors/me`` ("the secretariat using
  `me` gets 403").
* ``read``: ``GET`` of the convention and of its criteria, panels, OPDs and entries, and of a
  stage's admitted entries (jurors of the stage's panels): a juror of that convention may read
  them.
* ``admin``: every other route under ``/api/v1/conventions`` ("every other read and every write
  not granted below is the secretariat's"): an ``admin`` on every convention, a
  ``secretariat`` on those it manages (404 on any other).

A route no rule matches is ``unknown`` and fails the role test by name: a new public or
juror route outside these shapes must be added here on purpose, never by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

API = "/api/v1"
CONVENTION = f"{API}/conventions/{{cid}}"
DOCS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
JUROR_READABLE = re.compile(
    rf"^{re.escape(CONVENTION)}(/(criteria|panels|opds|entries)(/\{{[a-z_]+\}})?"
    r"|/stages/\{sid\}/entries)?$"
)

# The foundation's routes: each must stay (a removed or renamed route fails the role test).
FOUNDATION = frozenset(
    {
        ("POST", f"{API}/auth/token"),
        ("GET", f"{API}/me"),
        ("GET", f"{API}/conventions"),
        ("POST", f"{API}/conventions"),
        ("GET", CONVENTION),
        ("PATCH", CONVENTION),
        ("DELETE", CONVENTION),
        *(
            (method, f"{CONVENTION}/{collection}")
            for collection in ("criteria", "panels", "opds", "entries", "jurors")
            for method in ("GET", "POST")
        ),
        *(
            (method, f"{CONVENTION}/{collection}/{{{param}}}")
            for collection, param in (
                ("criteria", "criterion_id"),
                ("panels", "panel_id"),
                ("opds", "opd_id"),
                ("entries", "entry_id"),
                ("jurors", "juror_id"),
            )
            for method in ("GET", "PATCH", "DELETE")
        ),
    }
)


# Routes of 1.1 that the contract names: each must stay, classified as the secretariat's.
CONTRACT_1_1 = frozenset(
    {
        ("POST", f"{CONVENTION}/imports/{{kind}}"),
        ("GET", f"{CONVENTION}/imports/{{kind}}/template.xlsx"),
        ("PUT", f"{CONVENTION}/logo"),
        ("DELETE", f"{CONVENTION}/logo"),
        ("GET", f"{CONVENTION}/certificates/preview.pdf"),
        ("POST", f"{CONVENTION}/certificates/{{certificate_id}}/reissue"),
    }
)

# The accounts of 1.1: each must stay, classified as an admin's alone or any caller's.
ACCOUNTS_1_1 = {
    ("POST", f"{API}/accounts"): "admin-only",
    ("GET", f"{API}/accounts"): "admin-only",
    ("GET", f"{API}/accounts/{{account_id}}"): "admin-only",
    ("PATCH", f"{API}/accounts/{{account_id}}"): "admin-only",
    ("DELETE", f"{API}/accounts/{{account_id}}"): "admin-only",
    ("POST", f"{API}/me/password"): "any",
    ("POST", f"{API}/auth/logout"): "any",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    access: str
    is_list: bool

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def params(self) -> list[str]:
        return re.findall(r"\{([^}:]+)(?::[^}]*)?\}", self.path)


def classify(method: str, path: str) -> str:
    if path == "/health" or path in DOCS or path.startswith("/verify/"):
        return "public"
    if method == "GET" and (
        path.startswith(f"{API}/certificates/")
        or path == f"{CONVENTION}/results"
        or path in ("/", "/juri", "/verify", "/sekretariat")
        or path.startswith(("/juri/", "/static/", "/hasil/", "/sekretariat/"))
    ):
        return "public"
    if (method, path) in (("POST", f"{CONVENTION}/objections"), ("POST", "/hasil/{cid}")):
        return "public"
    if (method, path) == ("POST", f"{API}/auth/token"):
        return "login"
    if (method, path) in (
        ("GET", f"{API}/me"),
        ("POST", f"{API}/me/password"),
        ("POST", f"{API}/auth/logout"),
    ):
        return "any"
    if (method, path) == ("POST", f"{API}/conventions") or path == f"{API}/accounts":
        return "admin-only"
    if path.startswith(f"{API}/accounts/"):
        return "admin-only"
    if path == f"{CONVENTION}/jurors/me" or path.startswith(f"{CONVENTION}/jurors/me/"):
        return "juror"
    if method == "GET" and JUROR_READABLE.match(path):
        return "read"
    if path == f"{API}/conventions" or path.startswith(f"{API}/conventions/"):
        return "admin"
    return "unknown"


def _is_page(model: Any) -> bool:
    names = {getattr(model, "__name__", "")} | {
        getattr(arg, "__name__", "") for arg in getattr(model, "__args__", ())
    }
    return any(name.startswith("Page[") for name in names)


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every (method, path) the app answers, HEAD and OPTIONS aside."""
    found = []
    # iter_route_contexts flattens included routers into their full paths.
    for route in iter_route_contexts(app.routes):
        if route.path is None:
            continue
        for method in sorted(route.methods or ()):
            if method in ("HEAD", "OPTIONS"):
                continue
            is_list = method == "GET" and _is_page(getattr(route, "response_model", None))
            found.append(Endpoint(method, route.path, classify(method, route.path), is_list))
    return found
