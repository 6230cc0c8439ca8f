"""Where the ``konvensi`` scripts read from: the database directly, or a running server.

Both give the same plain data (the API's shapes), which ``app.services.exports`` turns into
tables; so an award list made on another machine, through the API, is the same list.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, Protocol

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import Database, create_db_engine
from app.errors import Problem
from app.models import Convention
from app.services import (
    awards,
    certificate_files,
    certificate_pdf,
    conventions,
    minutes,
    ranking,
    stability,
)

PAGE = 500


class ScriptError(Exception):
    """A reason to stop, said in one line."""


Job = tuple[str, Callable[[], bytes]]


@dataclass(frozen=True, slots=True)
class Choice:
    """Which certificates go into the one-file PDF (as ``GET …/certificates.pdf`` asks)."""

    kind: str | None = None
    category: str | None = None
    include_revoked: bool = False
    on_page: Callable[[], object] | None = None  # called as each page is drawn

    @property
    def params(self) -> dict[str, str]:
        chosen = {"kind": self.kind, "category": self.category}
        params = {key: value for key, value in chosen.items() if value}
        if self.include_revoked:
            params["include_revoked"] = "true"
        return params


def _none_chosen(cid: int, choice: Choice) -> ScriptError:
    filters = ", ".join(f"{key}={value}" for key, value in choice.params.items())
    return ScriptError(
        f"convention {cid} has no certificates "
        + (f"with {filters}" if filters else "yet")
        + f": publish its results, then issue them (--issue, or POST "
        f"/api/v1/conventions/{cid}/awards)"
    )


class Source(Protocol):
    where: str

    def convention_label(self, cid: int) -> str: ...
    def awards(self, cid: int) -> list[dict[str, Any]]: ...
    def ranking(
        self, cid: int, method: str, stage: str | None = None, category: str | None = None
    ) -> tuple[dict[str, Any], list[str], list[str]]: ...
    def issue(self, cid: int) -> tuple[int, int]: ...
    def stability(
        self, cid: int, method: str, stage: str | None = None, category: str | None = None
    ) -> dict[str, Any]: ...
    def minutes(self, cid: int) -> bytes: ...
    def certificate_jobs(self, cid: int) -> list[Job]: ...
    def certificate_file(self, cid: int, choice: Choice) -> tuple[int | None, Iterator[bytes]]: ...
    def close(self) -> None: ...


def stage_by_code(cid: int, stages: list[tuple[int, str]], code: str | None) -> int | None:
    """The id of the stage ``code`` names (case ignored), of ``(id, code)`` pairs."""
    if code is None:
        return None
    found = [i for i, c in stages if c.casefold() == code.casefold()]
    if not found:
        codes = ", ".join(c for _i, c in stages)
        raise ScriptError(f"convention {cid} has no stage {code!r} (its stages: {codes})")
    return found[0]


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail") or response.reason_phrase)
    except ValueError:
        return response.reason_phrase


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


class DatabaseSource:
    """Reads (and, with ``--issue``, writes) the database at ``KONVENSI_DATABASE_URL``."""

    def __init__(self, database_url: str, public_url: str) -> None:
        self.where = make_url(database_url).render_as_string(hide_password=True)
        self.public_url = public_url
        self.db = Database(create_db_engine(database_url))

    @contextmanager
    def _session(self, *, write: bool = False) -> Iterator[Session]:
        try:
            with self.db.transaction(write=write) as session:
                yield session
        except Problem as exc:
            raise ScriptError(exc.detail) from exc
        except SQLAlchemyError as exc:
            raise ScriptError(
                f"cannot read the database at {self.where}: {_first_line(exc)} "
                "(is it migrated? run `konvensi migrate`)"
            ) from exc

    def _convention(self, session: Session, cid: int) -> Convention:
        return conventions.get(session, cid)

    def convention_label(self, cid: int) -> str:
        with self._session() as session:
            c = self._convention(session, cid)
            return certificate_pdf.convention_label(c.name, c.year)

    def awards(self, cid: int) -> list[dict[str, Any]]:
        with self._session() as session:
            self._convention(session, cid)
            return awards.list_awards_all(session, cid)

    def ranking(
        self, cid: int, method: str, stage: str | None = None, category: str | None = None
    ) -> tuple[dict[str, Any], list[str], list[str]]:
        """The ranking (final, a stage's by code, or a category's), the panel names and the
        scored stages' codes."""
        with self._session() as session:
            convention = self._convention(session, cid)
            stage_id = stage_by_code(cid, [(s.id, s.code) for s in convention.stages], stage)
            body = ranking.compute(ranking.request(session, convention, method, stage_id, category))
            return (
                body,
                ranking.panel_names(session, cid),
                ranking.scored_stage_codes(convention),
            )

    def stability(
        self, cid: int, method: str, stage: str | None = None, category: str | None = None
    ) -> dict[str, Any]:
        with self._session() as session:
            convention = self._convention(session, cid)
            stage_id = stage_by_code(cid, [(s.id, s.code) for s in convention.stages], stage)
            return stability.compute(
                ranking.request(session, convention, method, stage_id, category)
            )

    def minutes(self, cid: int) -> bytes:
        with self._session() as session:
            data = minutes.minutes(session, self._convention(session, cid))
        return minutes.render(data)

    def issue(self, cid: int) -> tuple[int, int]:
        with self._session(write=True) as session:
            summary, _ = awards.issue_awards(session, None, self._convention(session, cid))
            return summary["issued_awards"], summary["issued_certificates"]

    def certificate_jobs(self, cid: int) -> list[Job]:
        with self._session() as session:
            items = certificate_files.piagams(
                session, self._convention(session, cid), self.public_url
            )

        def job(item: certificate_pdf.Piagam) -> Callable[[], bytes]:
            return lambda: certificate_pdf.render(item)

        return [(certificate_pdf.file_name(item.number), job(item)) for item in items]

    def certificate_file(self, cid: int, choice: Choice) -> tuple[int | None, Iterator[bytes]]:
        """The pages there will be, and the one-file PDF's chunks as they are made (the
        certificates read a batch at a time)."""
        chosen = certificate_files.Choice(choice.kind, choice.category, choice.include_revoked)
        with self._session() as session:
            convention = self._convention(session, cid)
            count = certificate_files.count(session, cid, chosen)
            title = "Piagam " + certificate_pdf.convention_label(convention.name, convention.year)
        if not count:
            raise _none_chosen(cid, choice)

        def counted() -> Iterator[certificate_pdf.Piagam]:
            for item in certificate_files.stream(self.db, convention, self.public_url, chosen):
                yield item
                if choice.on_page is not None:
                    choice.on_page()

        return count, certificate_files.pdf_chunks(counted(), title)

    def close(self) -> None:
        self.db.dispose()


class ServerSource:
    """Reads a running server's API with a secretariat token."""

    def __init__(self, url: str, token: str, *, timeout: float = 60.0) -> None:
        self.where = url.rstrip("/")
        self._files: list[IO[bytes]] = []
        self.client = httpx.Client(
            base_url=self.where,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "konvensi-cli"},
            timeout=timeout,
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ScriptError(f"cannot reach {self.where}: {_first_line(exc)}") from exc
        if response.is_success:
            return response
        detail = _detail(response)
        raise ScriptError(f"{method} {self.where}{path} answered {response.status_code}: {detail}")

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._call(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise ScriptError(f"{self.where}{path} did not answer JSON; is it Konvensi?") from exc

    def _all(self, path: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            page = self._json("GET", path, params={"limit": PAGE, "offset": len(items)})
            items.extend(page["items"])
            if not page["items"] or len(items) >= page["total"]:
                return items

    def convention_label(self, cid: int) -> str:
        c = self._json("GET", f"/api/v1/conventions/{cid}")
        return certificate_pdf.convention_label(c["name"], c["year"])

    def awards(self, cid: int) -> list[dict[str, Any]]:
        return self._all(f"/api/v1/conventions/{cid}/awards")

    def ranking(
        self, cid: int, method: str, stage: str | None = None, category: str | None = None
    ) -> tuple[dict[str, Any], list[str], list[str]]:
        params: dict[str, Any] = {"method": method}
        stages = self._all(f"/api/v1/conventions/{cid}/stages")
        if stage is not None:
            params["stage_id"] = stage_by_code(cid, [(s["id"], s["code"]) for s in stages], stage)
        if category is not None:
            params["category"] = category
        body = self._json("GET", f"/api/v1/conventions/{cid}/ranking", params=params)
        panels = self._all(f"/api/v1/conventions/{cid}/panels")
        scored = [s["code"] for s in stages if s["kind"] == "scored"]
        return body, [p["name"] for p in sorted(panels, key=lambda p: p["id"])], scored

    def stability(
        self, cid: int, method: str, stage: str | None = None, category: str | None = None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"method": method}
        if stage is not None:
            stages = self._all(f"/api/v1/conventions/{cid}/stages")
            params["stage_id"] = stage_by_code(cid, [(s["id"], s["code"]) for s in stages], stage)
        if category is not None:
            params["category"] = category
        found: dict[str, Any] = self._json(
            "GET", f"/api/v1/conventions/{cid}/ranking/stability", params=params
        )
        return found

    def minutes(self, cid: int) -> bytes:
        return self._call("GET", f"/api/v1/conventions/{cid}/berita-acara.pdf").content

    def issue(self, cid: int) -> tuple[int, int]:
        body = self._json("POST", f"/api/v1/conventions/{cid}/awards")
        return body["issued_awards"], body["issued_certificates"]

    def certificate_jobs(self, cid: int) -> list[Job]:
        """The server's ZIP (one request, where a PDF each would meet the public route's
        limit per address), kept in a temporary file and read entry by entry."""
        _count, chunks = self._download(f"/api/v1/conventions/{cid}/certificates.zip", {})
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the source)
        self._files.append(spool)
        for chunk in chunks:
            spool.write(chunk)
        archive = zipfile.ZipFile(spool)

        def job(name: str) -> Callable[[], bytes]:
            return lambda: archive.read(name)

        return [(name, job(name)) for name in archive.namelist()]

    def certificate_file(self, cid: int, choice: Choice) -> tuple[int | None, Iterator[bytes]]:
        """``GET …/certificates.pdf``, read as the server sends it."""
        return self._download(f"/api/v1/conventions/{cid}/certificates.pdf", choice.params)

    def _download(self, path: str, params: dict[str, str]) -> tuple[int | None, Iterator[bytes]]:
        """A streamed file: the certificates in it (``X-Piagam-Count``) and its chunks."""
        request = self.client.build_request("GET", path, params=params)
        try:
            response = self.client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise ScriptError(f"cannot reach {self.where}: {_first_line(exc)}") from exc
        if not response.is_success:
            response.read()
            response.close()
            raise ScriptError(
                f"GET {self.where}{path} answered {response.status_code}: {_detail(response)}"
            )
        count = response.headers.get("x-piagam-count")

        def chunks() -> Iterator[bytes]:
            try:
                yield from response.iter_bytes()
            except httpx.HTTPError as exc:
                raise ScriptError(f"{self.where}{path} broke off: {_first_line(exc)}") from exc
            finally:
                response.close()

        return (int(count) if count and count.isdigit() else None), chunks()

    def close(self) -> None:
        self.client.close()
        for file in self._files:
            file.close()
