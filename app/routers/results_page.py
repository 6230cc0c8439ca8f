"""``/hasil/{cid}``: the published results for anyone, as a plain page (no JavaScript), with
their status, the objection deadline and, while they are provisional, a form to object
(*sanggah*) that posts back to the same address.

The page reads what ``GET /api/v1/conventions/{cid}/results`` answers and the form does what
``POST …/objections`` does (the same service, rules and rate limit), so the page adds no rule
of its own. An unknown and an unpublished convention answer the same 404 page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from app import __version__
from app.enums import ResultStatus
from app.errors import ConventionState, NotFound, RateLimited, ValidationFailed
from app.models import Convention, utcnow
from app.routers.deps import SessionDep, client_address
from app.routers.templates import PAGE_CSP, page_headers, render
from app.schemas import ObjectionIn
from app.services import objections, results
from app.services.dates import date_time, decimal

router = APIRouter(include_in_schema=False)

FIELDS = {
    "entry_id": "Inovasi",
    "name": "Nama",
    "contact": "Kontak",
    "reason": "Alasan",
}
_HEADERS = page_headers(PAGE_CSP)
MAX_FORM_BYTES = 16_384


def _page(template: str, status_code: int, **context: Any) -> HTMLResponse:
    html = render(template, version=__version__, **context)
    return HTMLResponse(html, status_code=status_code, headers=_HEADERS)


def _view(session: SessionDep, cid: int) -> dict[str, Any]:
    result = results.public_result(session, cid)
    convention = session.get(Convention, cid)
    assert convention is not None  # a result belongs to its convention
    open_now = result.status == ResultStatus.PROVISIONAL and (
        result.objection_deadline is None or utcnow() < result.objection_deadline
    )
    rows = [
        {
            **row,
            "score_text": decimal(row.get("score")),
            "label": f"{row['title']} ({row['acronym']})" if row.get("acronym") else row["title"],
        }
        for row in result.rows
    ]
    return {
        "cid": cid,
        "convention": convention.name,
        "year": convention.year,
        "status": result.status,
        "provisional": result.status == ResultStatus.PROVISIONAL,
        "deadline": date_time(result.objection_deadline) if result.objection_deadline else None,
        "published": date_time(result.published_at),
        "finalized": date_time(result.finalized_at) if result.finalized_at else None,
        "open": open_now,
        "rows": rows,
        "top_n": result.top_n,
        "per_category": any(row.get("category_rank") is not None for row in rows)
        and convention.award_scope == "per_category",
    }


def _not_found(cid: str) -> HTMLResponse:
    return _page("site/hasil_unknown.html", 404, cid=cid[:20])


def _id_of(value: str) -> int:
    """An id from the path or the form; anything else is one that does not exist (0)."""
    return int(value) if value.isdigit() and len(value) < 10 else 0


@router.get("/hasil/{cid}")
async def read_results_page(cid: str, session: SessionDep) -> HTMLResponse:
    """The published results of a convention, for anyone."""
    try:
        view = _view(session, _id_of(cid))
    except NotFound:
        return _not_found(cid)
    return _page("site/hasil.html", 200, r=view, form={}, errors={})


@router.post("/hasil/{cid}")
async def post_objection_form(cid: str, request: Request, session: SessionDep) -> HTMLResponse:
    """The objection form: a receipt page (201), or the form again with what to fix."""
    try:
        view = _view(session, _id_of(cid))
    except NotFound:
        return _not_found(cid)
    raw = await request.body()
    form = _form(raw)
    try:
        data = ObjectionIn.model_validate({**form, "entry_id": _id_of(form.get("entry_id", ""))})
        objection = objections.create(
            session,
            view["cid"],
            entry_id=data.entry_id,
            name=data.name,
            contact=data.contact,
            reason=data.reason,
            address=client_address(request),
        )
    except ValidationError as error:
        errors = {str(e["loc"][0]): _message(str(e["loc"][0]), e["type"]) for e in error.errors()}
        return _page("site/hasil.html", 422, r=view, form=form, errors=errors)
    except ValidationFailed:  # an entry of another convention
        errors = {"entry_id": _message("entry_id", "")}
        return _page("site/hasil.html", 422, r=view, form=form, errors=errors)
    except RateLimited:
        return _page("site/hasil.html", 429, r=view, form=form, errors={}, refused=429)
    except ConventionState:  # the window closed meanwhile
        view["open"] = False
        return _page("site/hasil.html", 409, r=view, form=form, errors={}, refused=409)
    entry = next((row for row in view["rows"] if row["entry_id"] == objection.entry_id), None)
    return _page(
        "site/hasil_receipt.html",
        201,
        r=view,
        receipt=objection.receipt,
        entry=entry["label"] if entry else str(objection.entry_id),
    )


def _form(raw: bytes) -> dict[str, str]:
    """The form's fields (the last value of each), as text; nothing else is kept."""
    try:
        text = raw[:MAX_FORM_BYTES].decode("utf-8")
    except UnicodeDecodeError:
        return {}
    fields = parse_qs(text, keep_blank_values=True, max_num_fields=20)
    return {name: values[-1] for name, values in fields.items() if name in FIELDS}


def _message(field: str, kind: str) -> str:
    if field == "entry_id":
        return "Pilih inovasi dari daftar."
    if field == "reason" and kind == "string_too_short":
        return "Alasan paling sedikit 20 karakter."
    if kind == "string_too_short":
        return f"{FIELDS.get(field, field)} wajib diisi."
    if kind == "string_too_long":
        return f"{FIELDS.get(field, field)} terlalu panjang."
    return f"{FIELDS.get(field, field)} tidak sah."
