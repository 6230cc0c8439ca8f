"""Engine, sessions and the request's transaction.

How requests hold the database (the choice behind the service's throughput):

* Routes are ``async def`` and run their short database work inline on the event loop; a
  ``def`` route's hop to the threadpool costs more than the work itself. Slow CPU work
  (password hashing, PDF rendering, large rankings) goes to a thread instead.
* One transaction per request. It begins lazily at the first statement and is committed by
  the ``SessionDep`` dependency (``app.routers.deps``) before the response is sent (function
  scope), so a failing commit can never become a 200.
* On SQLite a request that may write (POST, PUT, PATCH, DELETE) begins with ``BEGIN
  IMMEDIATE``: it takes the write lock up front instead of upgrading a read snapshot, which
  in WAL mode fails at once with "database is locked" when another worker wrote meanwhile.
  Because the lock is held from the first statement to the commit, an endpoint must not
  ``await`` anything between the two; endpoints that need a thread do it before their first
  statement.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITE_OPTION = "konvensi_write"
_SINGLE_READ_OPTION = "konvensi_single_read"


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def create_db_engine(
    url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 5.0,
    busy_timeout_ms: int = 10_000,
    statement_timeout_ms: int = 0,
) -> Engine:
    """An engine for ``url`` with the settings each engine needs. ``statement_timeout_ms``
    (PostgreSQL only; 0: none) cancels a statement that runs longer: the served application
    sets it, migrations and the commands do not."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args = {"connect_timeout": 5, "application_name": "konvensi"}
        if statement_timeout_ms:
            # Options of the URL's own ?options= are kept.
            given = parsed.query.get("options", ())
            options = [given] if isinstance(given, str) else list(given)
            options.append(f"-c statement_timeout={int(statement_timeout_ms)}")
            connect_args["options"] = " ".join(options)
    engine = create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        connect_args=connect_args,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
    )
    _ping_after_idle(engine, IDLE_PING_SECONDS)
    return engine


IDLE_PING_SECONDS = 5.0
_RETURNED_AT = "konvensi_returned_at"


def _ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection at checkout when it sat idle ``idle_seconds`` or more.

    ``pool_pre_ping`` pings at every checkout: two round trips of the nine of a sheet PUT on
    PostgreSQL (the token check and the request each check one out). A connection returned a
    moment ago is alive; should the server have died since, the failing statement is a
    disconnect, which answers 503 and invalidates every older connection of the pool, so the
    worker recovers by itself. A connection idle longer (a quiet hall, a firewall's idle
    timeout) is pinged, and replaced if dead, before anyone uses it.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is None or time.monotonic() - returned < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool drops this connection and checks out (or makes) another.
            raise DisconnectionError("a pooled connection did not answer its ping") from exc
        if not alive:
            raise DisconnectionError("a pooled connection did not answer its ping")


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module: SQLAlchemy emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode loses nothing when the process dies; only an OS crash or power
        # cut can drop the last transactions.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(_SINGLE_READ_OPTION):
            return  # one SELECT is atomic by itself; its BEGIN and COMMIT would be waste
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_WRITE_OPTION) else "BEGIN")


class Database:
    """The engine and the two kinds of session a request can hold."""

    def __init__(self, engine: Engine, *, bind: Connection | None = None) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        # The criteria of conventions that have left draft, by convention id. They can never
        # change again (app.services.sheets.rules_for), so every worker answers the same.
        self.frozen_rubrics: dict[int, Any] = {}
        if bind is not None:
            # Tests: every session joins the test's outer transaction through savepoints.
            read_bind: Engine | Connection = bind
            write_bind: Engine | Connection = bind
            mode: Any = "create_savepoint"
        else:
            read_bind = engine
            write_bind = engine.execution_options(**{_WRITE_OPTION: True})
            mode = "conditional_savepoint"
        self._reader = sessionmaker(
            read_bind, expire_on_commit=False, join_transaction_mode=mode, autoflush=True
        )
        self._writer = sessionmaker(
            write_bind,
            expire_on_commit=False,
            join_transaction_mode=mode,
            autoflush=True,
        )
        # Token checks read one row outside the request's transaction, so that an endpoint may
        # still await (a password hash) before its own first statement. On PostgreSQL the
        # read runs in autocommit: one round trip instead of three.
        lookup_bind: Engine | Connection = read_bind
        if bind is None:
            lookup_bind = (
                engine.execution_options(**{_SINGLE_READ_OPTION: True})
                if self.is_sqlite
                else engine.execution_options(isolation_level="AUTOCOMMIT")
            )
        self._lookup_bind = lookup_bind
        self._write_bind = write_bind
        self._lookup = sessionmaker(lookup_bind, expire_on_commit=False, join_transaction_mode=mode)

    def session(self, *, write: bool) -> Session:
        return (self._writer if write else self._reader)()

    @contextmanager
    def lookup(self) -> Iterator[Session]:
        """A short read outside the request's transaction."""
        with self._lookup() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for one short Core read outside the request's transaction: the
        token check of every request, without the cost of a Session (about 80 us)."""
        if isinstance(self._lookup_bind, Connection):
            # Tests: read inside the test's own transaction.
            yield self._lookup_bind
            return
        with self._lookup_bind.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on
        success: the sheet ``PUT``, without the cost of a Session."""
        if isinstance(self._write_bind, Connection):
            with self._write_bind.begin_nested():  # tests: a savepoint of theirs
                yield self._write_bind
            return
        with self._write_bind.begin() as conn:
            yield conn

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.session(write=write) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
