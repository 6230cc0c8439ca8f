"""The floor of the sheet PUT: the same work as the service, with no framework and no ORM.

A raw ASGI app, served by the same uvicorn with the same worker count as the service. For
``PUT /api/v1/conventions/{cid}/jurors/me/sheets/{entry_id}`` it does what the service does,
in the contract's order, with the bare driver (stdlib ``sqlite3`` in WAL mode, or ``psycopg``)
on one connection per worker, used inline on the event loop like the service's routes:

1. the token: PyJWT decode (HS256, the service's required claims), then the account row
   (outside the transaction, autocommit), its credential stamp compared;
2. ``BEGIN IMMEDIATE`` (SQLite) / ``BEGIN`` (PostgreSQL);
3. the target, in one query: the current stage (the first not advanced), whether the juror's
   panel judges it and whether the entry is admitted to it (the stage check of issue 17),
   convention status, deadline and assignment mode, the entry, and whether the juror is
   conflicted, recused or assigned (404 / 403 / 409 ``convention-state`` / 409
   ``not-in-stage``);
4. the stored sheet of that stage, ``FOR UPDATE`` on PostgreSQL; ``If-Match`` (412);
5. the stage's rubric (criterion codes, ranges, steps) and the body's validation (422);
6. an equal body answers 200 unchanged; a submitted sheet 409;
7. ``UPDATE`` (or ``INSERT``) of the sheet and the audit row the service writes (before and
   after views), ``COMMIT``, and the sheet as orjson with its ``ETag``.

It reads ``KONVENSI_DATABASE_URL`` and ``KONVENSI_SECRET_KEY`` like the service. Anything but
that route and ``GET /health`` is 404. It is a measuring stick, not a second implementation:
error bodies are minimal problem documents.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import jwt
import orjson
from sqlalchemy.engine import make_url

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_PATH = re.compile(r"^/api/v1/conventions/(\d+)/jurors/me/sheets/(\d+)$")
_FIELDS = frozenset({"scores", "comment", "submit"})
_IGNORED = frozenset({"entry_id", "juror_id", "status", "version", "updated_at", "submitted_at"})
_MAX_ID = 2**31 - 1


class Refusal(Exception):
    def __init__(self, status: int, name: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.name = name
        self.detail = detail


class Store:
    """One connection per worker process; ``?`` placeholders are rewritten for psycopg."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.sqlite = parsed.get_backend_name() == "sqlite"
        if self.sqlite:
            con = sqlite3.connect(parsed.database or ":memory:", isolation_level=None)
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA busy_timeout=10000")
            self.con: Any = con
            self.begin = "BEGIN IMMEDIATE"
            self.lock = ""
        else:
            import psycopg
            from psycopg.types.json import set_json_loads

            set_json_loads(orjson.loads)
            from bench.common import libpq

            self.con = psycopg.connect(libpq(url), autocommit=True)
            self.begin = "BEGIN"
            self.lock = " FOR UPDATE"

    def sql(self, text: str) -> str:
        return text if self.sqlite else text.replace("?", "%s")

    def one(self, text: str, params: tuple[Any, ...]) -> Any:
        return self.con.execute(self.sql(text), params).fetchone()

    def all(self, text: str, params: tuple[Any, ...]) -> list[Any]:
        rows: list[Any] = self.con.execute(self.sql(text), params).fetchall()
        return rows

    def run(self, text: str, params: tuple[Any, ...] = ()) -> None:
        self.con.execute(self.sql(text), params)

    def stamp(self, value: datetime) -> Any:
        # SQLAlchemy's SQLite DateTime format (naive UTC); PostgreSQL takes the datetime.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def read_time(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        out: datetime = value.astimezone(UTC)
        return out

    def json(self, value: Any) -> Any:
        if value is None or isinstance(value, dict):
            return value
        return orjson.loads(value)


_SQL_ACCOUNT = (
    "SELECT id, username, role, convention_id, credential_stamp, panel_id FROM account WHERE id = ?"
)
# The current stage (the first not advanced), whether the juror's panel judges it and whether
# the entry is admitted to it: the service's stage checks, in the same one statement.
_SQL_TARGET = (
    "SELECT cur.id,"
    " cur.kind = 'scored' AND (cur.all_panels OR EXISTS (SELECT 1 FROM stage_panel sp"
    "  WHERE sp.stage_id = cur.id AND sp.panel_id = ?)),"
    " NOT e.disqualified AND (NOT EXISTS (SELECT 1 FROM stage d WHERE d.convention_id = c.id"
    "  AND d.advanced_at IS NOT NULL) OR EXISTS (SELECT 1 FROM admission ad"
    "  WHERE ad.stage_id = cur.id AND ad.entry_id = e.id)),"
    " c.status, c.judging_deadline, c.assignment_mode,"
    " EXISTS (SELECT 1 FROM juror_conflict jc WHERE jc.juror_id = ? AND jc.opd_id = e.opd_id),"
    " EXISTS (SELECT 1 FROM recusal r WHERE r.juror_id = ? AND r.entry_id = e.id),"
    " EXISTS (SELECT 1 FROM assignment a WHERE a.juror_id = ? AND a.entry_id = e.id)"
    " FROM entry e JOIN convention c ON c.id = e.convention_id"
    " LEFT JOIN stage cur ON cur.id = (SELECT s.id FROM stage s WHERE s.convention_id = c.id"
    "  AND s.advanced_at IS NULL ORDER BY s.position, s.id LIMIT 1)"
    " WHERE e.id = ? AND e.convention_id = ?"
)
_SQL_SHEET = (
    "SELECT id, scores, comment, status, version, updated_at, submitted_at FROM sheet"
    " WHERE juror_id = ? AND entry_id = ? AND stage_id = ?"
)
_SQL_RULES = "SELECT code, min_score, max_score, step FROM criterion WHERE stage_id = ? ORDER BY id"
_SQL_UPDATE = (
    "UPDATE sheet SET scores = ?, comment = ?, status = ?, version = ?, updated_at = ?,"
    " submitted_at = ? WHERE id = ? AND version = ?"
)
_SQL_INSERT = (
    "INSERT INTO sheet (convention_id, juror_id, entry_id, stage_id, scores, comment, status,"
    " version, created_at, updated_at, submitted_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
    " ON CONFLICT (juror_id, entry_id, stage_id) DO NOTHING RETURNING id"
)
_SQL_AUDIT = (
    "INSERT INTO audit_event (convention_id, at, actor_id, actor_username, action, target_type,"
    " target_id, juror_id, entry_id, before, after)"
    " VALUES (?, ?, ?, ?, ?, 'sheet', ?, ?, ?, ?, ?)"
)


def _validate(payload: Any, rules: list[Any]) -> tuple[dict[str, Any], str | None, bool]:
    if not isinstance(payload, dict):
        raise Refusal(422, "validation", "body: must be a JSON object")
    for key in payload:
        if key not in _FIELDS and key not in _IGNORED:
            raise Refusal(422, "validation", f"{key}: unknown field")
    scores = payload.get("scores")
    if not isinstance(scores, dict):
        raise Refusal(422, "validation", "scores: must be an object")
    by_code = {code: (lo, hi, step) for code, lo, hi, step in rules}
    for code, value in scores.items():
        rule = by_code.get(code)
        if rule is None:
            raise Refusal(422, "validation", f"scores.{code}: unknown criterion code")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Refusal(422, "validation", f"scores.{code}: must be a finite number")
        lo, hi, step = rule
        if not (math.isfinite(value) and lo <= value <= hi):
            raise Refusal(422, "validation", f"scores.{code}: out of range")
        if step is not None:
            steps = (value - lo) / step
            if abs(steps - round(steps)) > 1e-9 * max(1.0, abs(steps)):
                raise Refusal(422, "validation", f"scores.{code}: not on a step")
    comment = payload.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > 10_000):
        raise Refusal(422, "validation", "comment: must be a string of at most 10000")
    submit = payload.get("submit", False)
    if not isinstance(submit, bool):
        raise Refusal(422, "validation", "submit: must be true or false")
    if submit and any(code not in scores for code in by_code):
        raise Refusal(422, "validation", "scores: every criterion is required to submit")
    return scores, comment, submit


def _same(stored: Any, store: Store, scores: dict[str, Any], comment: Any, status: str) -> bool:
    old = store.json(stored[1])
    if stored[3] != status or stored[2] != comment or old.keys() != scores.keys():
        return False
    return all(float(old[k]) == float(v) for k, v in scores.items())


def put_sheet(
    store: Store, secret: str, cid: int, entry_id: int, token: str | None, if_match: str | None
) -> Callable[[bytes], tuple[int, bytes, list[tuple[bytes, bytes]]]]:
    """Checks up to the body (401, 404, 403 need no body), then a function of the body."""
    if not token:
        raise Refusal(401, "unauthenticated", "A valid bearer token is required.")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"require": ["sub", "exp", "iat", "stamp"]},
        )
        account_id = int(claims["sub"])
    except (jwt.PyJWTError, TypeError, ValueError) as exc:
        raise Refusal(401, "unauthenticated", "The access token is not valid.") from exc
    account = store.one(_SQL_ACCOUNT, (account_id,)) if 0 < account_id <= _MAX_ID else None
    if account is None or account[4] != claims["stamp"]:
        raise Refusal(401, "unauthenticated", "The access token is no longer valid.")
    juror_id, username, role, convention_id = account[0], account[1], account[2], account[3]
    panel_id = account[5]
    if role != "admin" and convention_id != cid:
        raise Refusal(404, "not-found", f"Convention {cid} not found.")

    def write(raw: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        store.run(store.begin)
        try:
            out = _write(store, raw, cid, entry_id, juror_id, panel_id, username, role, if_match)
        except BaseException:
            store.run("ROLLBACK")
            raise
        store.run("COMMIT")
        return out

    return write


def _write(
    store: Store,
    raw: bytes,
    cid: int,
    entry_id: int,
    juror_id: int,
    panel_id: int | None,
    username: str,
    role: str,
    if_match: str | None,
) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    target = (
        store.one(_SQL_TARGET, (panel_id, juror_id, juror_id, juror_id, entry_id, cid))
        if 0 < entry_id <= _MAX_ID
        else None
    )
    if target is None:
        raise Refusal(404, "not-found", f"Entry {entry_id} not found.")
    stage_id, judges, admitted, status, deadline, mode, conflicted, recused, assigned = target
    if role == "admin":
        raise Refusal(403, "forbidden", "Only a juror writes its own sheets.")
    if conflicted or recused:
        raise Refusal(403, "conflict-of-interest", "Conflict of interest.")
    if mode != "all" and not assigned:
        raise Refusal(403, "forbidden", "This entry is not assigned to you.")
    now = datetime.now(UTC)
    deadline_at = store.read_time(deadline)
    if status != "judging" or (deadline_at is not None and now > deadline_at) or not judges:
        raise Refusal(409, "convention-state", "Sheets are written only while judging.")
    if not admitted:
        raise Refusal(409, "not-in-stage", "The entry is not admitted to the current stage.")
    stored = store.one(_SQL_SHEET + store.lock, (juror_id, entry_id, stage_id))
    if if_match is not None:
        etag = f'"{stored[4]}"' if stored is not None else None
        tags = [t.strip() for t in if_match.split(",")]
        if etag is None or not ("*" in tags or etag in tags):
            raise Refusal(412, "precondition-failed", "If-Match does not match.")
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Refusal(422, "validation", "body: not valid JSON") from exc
    scores, comment, submit = _validate(payload, store.all(_SQL_RULES, (stage_id,)))
    new_status = "submitted" if submit else "draft"
    if stored is not None and _same(stored, store, scores, comment, new_status):
        sheet_id, version = stored[0], stored[4]
        updated_at, submitted_at = store.read_time(stored[5]), store.read_time(stored[6])
    else:
        if stored is not None and stored[3] == "submitted":
            raise Refusal(409, "sheet-final", "This sheet was submitted and is final.")
        submitted_at = now if submit else None
        scores_json = orjson.dumps(scores).decode()
        when, submitted = store.stamp(now), store.stamp(submitted_at) if submitted_at else None
        if stored is None:
            row = store.one(
                _SQL_INSERT,
                (
                    cid,
                    juror_id,
                    entry_id,
                    stage_id,
                    scores_json,
                    comment,
                    new_status,
                    when,
                    when,
                    submitted,
                ),
            )
            if row is None:
                raise Refusal(409, "conflict", "Written concurrently; retry.")
            sheet_id, version, before = row[0], 1, None
        else:
            sheet_id, version = stored[0], stored[4] + 1
            store.run(
                _SQL_UPDATE,
                (scores_json, comment, new_status, version, when, submitted, sheet_id, version - 1),
            )
            before = orjson.dumps(
                {
                    "scores": store.json(stored[1]),
                    "comment": stored[2],
                    "status": stored[3],
                    "version": stored[4],
                }
            ).decode()
        after = orjson.dumps(
            {"scores": scores, "comment": comment, "status": new_status, "version": version}
        ).decode()
        store.run(
            _SQL_AUDIT,
            (
                cid,
                when,
                juror_id,
                username,
                "sheet.submit" if submit else "sheet.save",
                sheet_id,
                juror_id,
                entry_id,
                before,
                after,
            ),
        )
        updated_at = now
    body = orjson.dumps(
        {
            "entry_id": entry_id,
            "juror_id": juror_id,
            "scores": scores,
            "comment": comment,
            "status": new_status,
            "version": version,
            "updated_at": updated_at,
            "submitted_at": submitted_at,
        },
        option=orjson.OPT_UTC_Z,
    )
    return 200, body, [(b"etag", f'"{version}"'.encode())]


def _problem(refusal: Refusal) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    body = orjson.dumps(
        {
            "type": f"/problems/{refusal.name}",
            "title": refusal.name,
            "status": refusal.status,
            "detail": refusal.detail,
        }
    )
    headers = [(b"www-authenticate", b"Bearer")] if refusal.status == 401 else []
    return refusal.status, body, headers


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]],
    media: bytes = b"application/json",
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Floor:
    def __init__(self) -> None:
        self.store: Store | None = None
        self.secret = ""

    def _open(self) -> Store:
        if self.store is None:
            self.secret = os.environ["KONVENSI_SECRET_KEY"]
            self.store = Store(os.environ["KONVENSI_DATABASE_URL"])
        return self.store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self._open()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        store = self._open()
        path, method = scope["path"], scope["method"]
        if path == "/health" and method == "GET":
            store.one("SELECT 1", ())
            await _respond(send, 200, b'{"status":"ok"}', [])
            return
        if path.startswith("/noop/"):
            # The load generator's ceiling: uvicorn and the client, no work at all.
            await _read_body(receive)
            await _respond(send, 200, b"{}", [])
            return
        match = _PATH.match(path)
        if match is None or method != "PUT":
            await _respond(send, 404, b'{"status":404}', [], b"application/problem+json")
            return
        token = if_match = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, credentials = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    token = credentials.strip()
            elif name == b"if-match":
                if_match = value.decode("latin-1")
        try:
            write = put_sheet(store, self.secret, int(match[1]), int(match[2]), token, if_match)
            raw = await _read_body(receive)  # before the transaction, as the service does
            status, body, headers = write(raw)
            media = b"application/json"
        except Refusal as refusal:
            status, body, headers = _problem(refusal)
            media = b"application/problem+json"
        await _respond(send, status, body, headers, media)


app = Floor()
