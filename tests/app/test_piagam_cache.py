"""The public piagam PDF from a cache: rendered once per state of the certificate (and
again after each change that shows on it), `ETag`/304, bounded rendering and a limit per
address (docs/api.md, "Certificates")."""

from __future__ import annotations

import asyncio
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import RateLimited, Unavailable
from app.models import Certificate
from app.services import piagam_serving
from app.services.certificate_pdf import Logo
from app.services.piagam_serving import AddressLimiter, PdfCache, Renderer
from tests.app import factories as f
from tests.app.test_awards import published
from tests.app.test_piagam_render import png
from tests.support.piagam import solok_piagam


@pytest.fixture
def cert(client: TestClient, session: Session, world: f.World) -> dict[str, Any]:
    """Rina's winner certificate, issued."""
    world.convention.city = "Solok"
    session.commit()
    published(client, session, world)
    response = client.post(world.url("/awards"), headers=world.admin.headers)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()["certificates"][1]
    assert found["recipient_name"] == "Rina"
    return found


def _get(client: TestClient, code: str, **headers: str) -> Any:
    return client.get(f"/api/v1/certificates/{code}.pdf", headers=headers)


def _pdf(client: TestClient, code: str) -> tuple[str, list[str]]:
    """The ETag and the text lines of the PDF."""
    response = _get(client, code)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-cache"
    lines = PdfReader(io.BytesIO(response.content)).pages[0].extract_text().splitlines()
    return response.headers["etag"], lines


def _renders(app: FastAPI) -> int:
    renderer: Renderer = app.state.piagam_serving[0]
    return renderer.renders


def test_a_certificate_is_rendered_once_and_served_from_the_cache(
    client: TestClient, app: FastAPI, cert: dict[str, Any]
) -> None:
    first = _get(client, cert["code"])
    again = _get(client, cert["code"].lower())  # the same certificate, its code in lower case
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert re_etag(first.headers["etag"])
    assert _renders(app) == 1


def re_etag(value: str) -> bool:
    return len(value) == 34 and value[0] == value[-1] == '"'


def test_if_none_match_answers_304_without_a_body(
    client: TestClient, app: FastAPI, cert: dict[str, Any]
) -> None:
    tag, _ = _pdf(client, cert["code"])
    for sent in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        response = _get(client, cert["code"], **{"If-None-Match": sent})
        assert response.status_code == 304, sent
        assert response.content == b""
        assert response.headers["etag"] == tag
    assert _get(client, cert["code"], **{"If-None-Match": '"other"'}).status_code == 200
    assert _renders(app) == 1


def test_revoking_changes_the_pdf(
    client: TestClient, app: FastAPI, world: f.World, cert: dict[str, Any]
) -> None:
    tag, lines = _pdf(client, cert["code"])
    assert "DICABUT / REVOKED" not in lines
    f.revoke(client, world, cert["id"])
    new_tag, lines = _pdf(client, cert["code"])
    assert new_tag != tag and "DICABUT / REVOKED" in lines
    assert _get(client, cert["code"], **{"If-None-Match": tag}).status_code == 200
    assert _renders(app) == 2


def test_a_reissue_changes_the_revoked_pdf(
    client: TestClient, world: f.World, cert: dict[str, Any]
) -> None:
    f.revoke(client, world, cert["id"])
    tag, lines = _pdf(client, cert["code"])
    assert not any(line.startswith("diganti") for line in lines)
    response = client.post(
        world.url(f"/certificates/{cert['id']}/reissue"), headers=world.admin.headers
    )
    assert response.status_code == 201, response.text
    new = response.json()
    new_tag, lines = _pdf(client, cert["code"])
    assert new_tag != tag
    assert f"diganti piagam berkode {new['code']}" in lines
    _, lines = _pdf(client, new["code"])  # the new one: valid, its own number
    assert f"Nomor: {new['number']}" in lines and "DICABUT / REVOKED" not in lines


def test_a_change_of_names_or_piagam_settings_changes_the_pdf(
    client: TestClient, session: Session, world: f.World, cert: dict[str, Any]
) -> None:
    tags = {_pdf(client, cert["code"])[0]}
    row = session.get(Certificate, cert["id"])
    assert row is not None
    row.recipient_name = "Rina Marlina"
    session.commit()
    tag, lines = _pdf(client, cert["code"])
    assert tag not in tags and "Rina Marlina" in lines
    tags.add(tag)
    changes: list[tuple[str, Any, str]] = [
        ("city", "Kota Solok", "Kota Solok, "),
        ("signatory_name", "Zul Elfian", "Zul Elfian"),
        ("signatory_title", "Wali Kota Solok", "Wali Kota Solok"),
        ("host", "Pemerintah Kota Solok", "PEMERINTAH KOTA SOLOK"),
        ("ceremony_date", date(2018, 5, 20), "Kota Solok, 20 Mei 2018"),
        ("name", "Konvensi Inovasi Solok", "Konvensi Inovasi Solok Tahun 2018"),
    ]
    for field, value, shown in changes:
        setattr(world.convention, field, value)
        session.commit()
        tag, lines = _pdf(client, cert["code"])
        assert tag not in tags, field
        assert any(line.startswith(shown) for line in lines), (field, lines)
        tags.add(tag)


def test_a_new_or_removed_logo_changes_the_pdf(
    client: TestClient, app: FastAPI, world: f.World, cert: dict[str, Any]
) -> None:
    plain = _get(client, cert["code"])
    headers = {**world.admin.headers, "Content-Type": "image/png"}
    for n, data in enumerate((png("RGBA", (300, 200)), png("RGB", (200, 300))), start=1):
        assert client.put(world.url("/logo"), content=data, headers=headers).status_code in (
            200,
            201,
        )
        with_logo = _get(client, cert["code"])
        assert with_logo.headers["etag"] != plain.headers["etag"]
        resources: Any = PdfReader(io.BytesIO(with_logo.content)).pages[0]["/Resources"]
        assert len(resources["/XObject"]) == 1
        assert _renders(app) == 1 + n
    # The preview and the one-file PDF print it too.
    preview = client.get(world.url("/certificates/preview.pdf"), headers=world.admin.headers)
    previewed: Any = PdfReader(io.BytesIO(preview.content)).pages[0]["/Resources"]
    assert len(previewed["/XObject"]) == 1
    whole = client.get(world.url("/certificates.pdf"), headers=world.admin.headers)
    assert whole.content.count(b"/Subtype /Image") == 1  # the (RGB) logo, once for 4 pages
    assert client.delete(world.url("/logo"), headers=world.admin.headers).status_code == 204
    # Without a logo again: the state first served, from the cache.
    again = _get(client, cert["code"])
    assert again.headers["etag"] == plain.headers["etag"] and again.content == plain.content
    assert _renders(app) == 3


def test_a_new_public_url_changes_the_pdf(
    client: TestClient, app: FastAPI, cert: dict[str, Any]
) -> None:
    tag, lines = _pdf(client, cert["code"])
    assert f"http://testserver/verify/{cert['code']}" in lines
    before = app.state.settings
    # Read when a PDF is rendered: a new address in force is a new key.
    app.state.settings = before.model_copy(update={"public_url": "https://konvensi.solok.go.id"})
    try:
        new_tag, lines = _pdf(client, cert["code"])
    finally:
        app.state.settings = before
    assert new_tag != tag
    assert f"https://konvensi.solok.go.id/verify/{cert['code']}" in lines


class TestLimitPerAddress:
    """With a limit of 5 PDFs a minute per address (``KONVENSI_PIAGAM_RATE_PER_MINUTE``)."""

    @pytest.fixture
    def settings(self) -> Settings:
        """A limit of 5 PDFs a minute per address (the tests' own, below the default)."""
        return Settings(
            secret_key=f.SECRET,
            database_url="sqlite://",
            public_url="http://testserver",
            piagam_rate_per_minute=5,
        )

    def test_past_the_limit_an_address_gets_429_with_retry_after(
        self, app: FastAPI, client: TestClient, cert: dict[str, Any]
    ) -> None:
        answers = [_get(client, cert["code"]) for _ in range(6)]
        assert [a.status_code for a in answers] == [200] * 5 + [429]
        body = f.problem(answers[-1], 429, "rate-limited")
        assert body["detail"] == (
            "At most 5 certificate PDFs a minute from one address; try again in 12 seconds."
        )
        assert answers[-1].headers["retry-after"] == "12"
        # Another address is not held back; a 404 counts too.
        with TestClient(app, client=("203.0.113.9", 50000)) as other:
            assert _get(other, cert["code"]).status_code == 200
            f.problem(_get(other, "AAAAAAAAAAAAAAAA"), 404, "not-found")

    def test_sixty_parallel_requests_render_once_and_the_rest_are_limited(
        self, app: FastAPI, client: TestClient, cert: dict[str, Any]
    ) -> None:
        """Defect: 60 parallel GETs were each rendered, one after another."""
        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(lambda _n: _get(client, cert["code"]), range(60)))
        codes = sorted(a.status_code for a in answers)
        assert codes == [200] * 5 + [429] * 55
        assert len({a.content for a in answers if a.status_code == 200}) == 1
        assert _renders(app) == 1


# --- the parts on their own ----------------------------------------------------------------


def test_the_key_covers_every_field_and_the_logo_by_its_hash() -> None:
    base = solok_piagam()
    keys = {piagam_serving.cache_key(base)}
    for field in ("recipient_name", "number", "host", "city", "verify_url", "award_name"):
        changed: Any = {field: "x"}
        keys.add(piagam_serving.cache_key(replace(base, **changed)))
    keys.add(piagam_serving.cache_key(replace(base, ceremony_date=date(2018, 5, 20))))
    keys.add(piagam_serving.cache_key(replace(base, replaced_by_code="Q" * 16)))
    logo = Logo(b"png", "a" * 64)
    keys.add(piagam_serving.cache_key(replace(base, logo=logo)))
    assert len(keys) == 10
    same_logo = Logo(b"other bytes", "a" * 64)
    assert piagam_serving.cache_key(replace(base, logo=same_logo)) in keys


def test_the_cache_keeps_the_most_recently_used_within_its_bytes() -> None:
    cache = PdfCache(10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # a is now the most recent
    cache.put("c", b"1234")
    assert (cache.get("b"), cache.get("a"), cache.get("c")) == (None, b"1234", b"1234")
    assert cache.size == 8 and len(cache) == 2
    cache.put("a", b"12")  # replaced in place
    assert cache.size == 6
    cache.put("huge", b"x" * 11)  # larger than the cache: not kept, nothing pushed out
    assert cache.get("huge") is None and len(cache) == 2
    assert (cache.hits, cache.misses) == (3, 2)
    off = PdfCache(0)
    off.put("a", b"1")
    assert off.get("a") is None


def test_the_limiter_refills_with_time_and_forgets_old_addresses() -> None:
    now = [0.0]
    limiter = AddressLimiter(60, burst=6, max_addresses=2, clock=lambda: now[0])
    for _ in range(6):
        limiter.take("a")
    with pytest.raises(RateLimited) as refused:
        limiter.take("a")
    assert refused.value.headers == {"Retry-After": "1"}  # one request a second
    assert refused.value.detail.startswith("At most 60 certificate PDFs a minute")
    now[0] = 0.5
    with pytest.raises(RateLimited):
        limiter.take("a")
    now[0] = 1.0
    limiter.take("a")  # a second later: one more
    now[0] = 20.0
    limiter.take("a")
    limiter.take("b")
    limiter.take("c")  # a, the least recent, is forgotten: a full bucket again
    for _ in range(6):
        limiter.take("a")


def test_a_burst_for_one_key_renders_once_and_a_full_queue_is_503() -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow(p: Any) -> bytes:
        calls.append(p.code)
        started.set()
        release.wait(5)
        code: str = p.code
        return code.encode()

    async def scenario() -> tuple[list[bytes], str | None]:
        renderer = Renderer(PdfCache(1000), concurrency=1, queue=1, render=slow)
        one, two, three = solok_piagam(1), solok_piagam(2), solok_piagam(3)
        burst = [asyncio.create_task(renderer.pdf("k1", one)) for _ in range(20)]
        second = asyncio.create_task(renderer.pdf("k2", two))  # waits for the slot
        await asyncio.to_thread(started.wait, 5)
        await asyncio.sleep(0)
        refusal = None
        try:
            await renderer.pdf("k3", three)
        except Unavailable as exc:
            refusal = exc.headers.get("Retry-After")
        burst[0].cancel()  # a caller gone does not cancel the render the others wait for
        release.set()
        results = await asyncio.gather(*burst[1:], second)
        assert await renderer.pdf("k1", one) == one.code.encode()  # from the cache
        return list(results), refusal

    results, refusal = asyncio.run(scenario())
    assert refusal == "1"
    assert results == [solok_piagam(1).code.encode()] * 19 + [solok_piagam(2).code.encode()]
    assert calls == [solok_piagam(1).code, solok_piagam(2).code]
