"""Issue 14, the jurors' tablet app at ``/juri/``, in Debian's Chromium against a real
``konvensi serve``: scoring, offline and reload, a server killed mid-sync, two tablets of one
juror, an expired token, accessibility, and the screenshots of docs/juror-app.md.

Every check of what the server holds is made through the secretariat's API. The server's
SQLite database is one per module (the app is a client of the API; the API is proven on
both engines elsewhere)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from playwright.sync_api import expect

from tests.app.juri_browser import PHONE, PORTRAIT, TABLET, Juri
from tests.slow.conftest import (
    JUROR_PASSWORD,
    Convention,
    audit_of,
    client,
    ok,
    seed_convention,
)
from tests.support.browser import WAIT_MS, devices
from tests.support.server import SECRET, Server, migrate

NAMES = {"KEBARUAN": "Kebaruan", "KEMANFAATAN": "Kemanfaatan", "REPLIKASI": "Replikasi"}
WEIGHTS = {"KEBARUAN": 2.0, "KEMANFAATAN": 3.0, "REPLIKASI": 4.0}  # seed_convention's


def title(n: int) -> str:
    return f"Inovasi {n} «Solok»"


@pytest.fixture
def tablets(browser: Any, server: Server) -> Iterator[Callable[..., Juri]]:
    """New tablets (browser contexts); each must end without a script or policy error."""
    with devices(Juri, browser, server.url) as new:
        yield new


def server_sheets(base_url: str, convention: Convention, juror_id: int) -> dict[int, Any]:
    with client(base_url, convention.admin_token) as c:
        page = ok(c.get(convention.url(f"/jurors/{juror_id}/sheets"), params={"limit": 500}))
    return {sheet["entry_id"]: sheet for sheet in page["items"]}


def as_numbers(typed: dict[str, str]) -> dict[str, float]:
    return {code: float(value.replace(",", ".")) for code, value in typed.items()}


def by_name(typed: dict[str, str]) -> dict[str, str]:
    return {NAMES[code]: value for code, value in typed.items()}


def step1(scores: dict[str, float]) -> str:
    """docs/scoring.md Step 1 for seed_convention's rubric (0..10), as the tablet writes it."""
    total = 100 * sum(WEIGHTS[c] * scores[c] / 10 for c in WEIGHTS) / sum(WEIGHTS.values())
    return f"{total:.2f}".replace(".", ",")


Plan = dict[int, tuple[dict[str, str], str, bool]]  # entry: typed, comment, submitted


@pytest.fixture
def convention(server: Server) -> Convention:
    """Three entries in judging and one juror, on the module's server."""
    return seed_convention(server.url, entries=3, jurors=1)


@pytest.fixture
def offline_tablet(tablets: Callable[..., Juri], convention: Convention) -> Juri:
    """A tablet logged in as ``convention``'s juror, ready to work offline, and offline."""
    tablet = tablets()
    tablet.go_offline_logged_in(convention.jurors[0].username, JUROR_PASSWORD)
    return tablet


def enter_all(tablet: Juri, plan: Plan) -> None:
    for n, (typed, comment, submit) in plan.items():
        enter(tablet, n, typed, comment, submit)


def enter(tablet: Juri, n: int, typed: dict[str, str], comment: str, submit: bool) -> None:
    tablet.open_entry(title(n))
    tablet.score(by_name(typed), comment)
    if submit:
        tablet.submit()
    else:
        tablet.save_draft()
        tablet.back_to_list()


def assert_server_holds(server: Server, convention: Convention, plan: Plan) -> dict[int, Any]:
    """The server holds exactly the planned sheets, values equal."""
    juror = convention.jurors[0]
    held = server_sheets(server.url, convention, juror.id)
    expected_ids = {convention.entry_ids[n] for n in plan}
    assert set(held) == expected_ids
    for n, (typed, comment, submit) in plan.items():
        sheet = held[convention.entry_ids[n]]
        assert sheet["scores"] == as_numbers(typed), n
        assert sheet["comment"] == (comment or None), n  # an empty comment is no comment
        assert sheet["status"] == ("submitted" if submit else "draft"), n
    return held


# --- the happy path -------------------------------------------------------------------------


def test_juror_scores_three_entries_and_submits_one(server: Server, tablets: Any) -> None:
    convention = seed_convention(server.url, entries=4, jurors=1)
    juror = convention.jurors[0]
    with client(server.url, convention.admin_token) as c:
        deadline = {"judging_deadline": "2099-05-08T09:30:00Z"}
        ok(c.patch(convention.url(), json=deadline))
    tablet = tablets()
    response = tablet.open()
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    tablet.login(juror.username, JUROR_PASSWORD)
    tablet.wait_status("Semua tersimpan di server")
    assert tablet.page.locator("#convention-name").inner_text().startswith("Konvensi Inovasi")
    context = tablet.page.locator(".overview").inner_text()
    assert "Penilaian sedang berlangsung" in context
    assert "Batas penilaian: 8 Mei 2099" in context
    assert [tablet.badge_of(title(n)) for n in range(4)] == ["Belum"] * 4

    plan = {
        0: ({"KEBARUAN": "7"}, "Baru sebagian", False),
        1: ({"KEBARUAN": "8,5", "KEMANFAATAN": "9", "REPLIKASI": "6.25"}, "Lengkap", False),
        2: ({"KEBARUAN": "9,5", "KEMANFAATAN": "8", "REPLIKASI": "10"}, "Layak juara", True),
    }
    for n, (typed, comment, submit) in plan.items():
        tablet.open_entry(title(n))
        tablet.score(by_name(typed), comment)
        numbers = as_numbers(typed)
        expected = step1(numbers) if len(numbers) == 3 else "—"
        assert tablet.total_text() == expected
        if submit:
            tablet.submit()
        else:
            tablet.save_draft()
            tablet.back_to_list()
    tablet.wait_status("Semua tersimpan di server")
    assert [tablet.badge_of(title(n)) for n in range(4)] == ["Draf", "Draf", "Terkirim", "Belum"]
    assert tablet.page.locator("#progress-label").inner_text() == "Terkirim 1 dari 4 inovasi"
    assert tablet.page.locator("#progress").get_attribute("value") == "1"

    held = assert_server_holds(server, convention, plan)
    assert {sheet["version"] for sheet in held.values()} == {1}

    # A submitted sheet is final on the tablet too.
    tablet.open_entry(title(2))
    assert tablet.page.get_by_role("textbox", name="Kebaruan").get_attribute("readonly") == ""
    assert tablet.page.get_by_role("button", name="Kirim", exact=True).is_hidden()
    assert tablet.page.get_by_text("sudah dikirim dan final").is_visible()

    # Search and filters.
    tablet.back_to_list()
    tablet.page.get_by_label("Cari inovasi").fill("inovasi 1")
    assert tablet.page.locator("#list-count").inner_text() == "1 dari 4 inovasi"
    tablet.page.get_by_label("Cari inovasi").fill("")
    tablet.page.get_by_label("Status").select_option("draf")
    assert tablet.page.locator("ul.entries a").count() == 2
    tablet.page.get_by_label("Status").select_option("")
    tablet.page.get_by_label("Kategori").select_option("produk")
    assert tablet.page.locator("#list-count").inner_text() == "0 dari 4 inovasi"


# --- offline ------------------------------------------------------------------------------


def test_offline_sheets_survive_a_reload_and_drain_when_online(
    server: Server, tablets: Any
) -> None:
    convention = seed_convention(server.url, entries=6, jurors=1)
    tablet = tablets()
    tablet.go_offline_logged_in(convention.jurors[0].username, JUROR_PASSWORD)
    tablet.wait_status("luring")
    plan = {
        0: ({"KEBARUAN": "3", "KEMANFAATAN": "4,5"}, "Draf luring", False),
        1: ({"KEBARUAN": "10", "KEMANFAATAN": "9,5", "REPLIKASI": "9"}, "Kirim luring", True),
        2: ({"REPLIKASI": "0"}, "", False),
        3: ({"KEBARUAN": "6", "KEMANFAATAN": "6", "REPLIKASI": "6"}, "Rata", True),
        4: ({"KEBARUAN": "7,75", "KEMANFAATAN": "8", "REPLIKASI": "2,5"}, "Nyaris", False),
    }
    enter_all(tablet, plan)
    tablet.wait_status("5 menunggu")
    assert server_sheets(server.url, convention, convention.jurors[0].id) == {}

    # A reload with the network off: the service worker serves the app, IndexedDB the queue.
    response = tablet.page.reload()
    assert response is None or response.from_service_worker
    tablet.wait_list()
    tablet.wait_status("5 menunggu")
    assert [tablet.badge_of(title(n)) for n in range(6)] == ["Menunggu"] * 5 + ["Belum"]
    tablet.open_entry(title(4))
    assert tablet.page.get_by_role("textbox", name="Kebaruan").input_value() == "7,75"
    tablet.back_to_list()

    tablet.context.set_offline(False)
    tablet.wait_status("Semua tersimpan di server")
    plan[2] = (plan[2][0], "", False)
    assert_server_holds(server, convention, plan)
    assert [tablet.badge_of(title(n)) for n in range(6)] == [
        "Draf",
        "Terkirim",
        "Draf",
        "Terkirim",
        "Draf",
        "Belum",
    ]


# --- a server killed in the middle of a sync ------------------------------------------------


@pytest.mark.time_limit(180)
def test_server_killed_mid_sync_loses_nothing_and_doubles_nothing(
    servers: Callable[..., Server], tmp_path: Path, tablets: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    migrate(url)
    server = servers(url, workers=1)
    convention = seed_convention(server.url, entries=6, jurors=1)
    juror = convention.jurors[0]
    # No service worker here: page.route must see the app's own requests.
    tablet = tablets(server.url, service_workers="block")
    tablet.open()
    tablet.login(juror.username, JUROR_PASSWORD)
    tablet.context.set_offline(True)
    plan = {
        n: (
            {"KEBARUAN": str(n), "KEMANFAATAN": f"{n},5", "REPLIKASI": "7"},
            f"Lembar {n}",
            n % 2 == 1,
        )
        for n in range(6)
    }
    enter_all(tablet, plan)
    tablet.wait_status("6 menunggu")

    answers: list[Any] = []

    def lose_the_answer(route: Any) -> None:
        if answers:
            route.continue_()
            return
        answer = route.fetch()  # the server applies the whole batch...
        answers.append(answer.json())
        server.kill()  # ...and dies before the tablet hears back
        route.abort("connectionreset")

    tablet.page.route("**/sheets:sync", lose_the_answer)
    tablet.context.set_offline(False)
    expect(tablet.page.locator("#sync-detail")).to_contain_text(
        "Server tidak terjangkau", timeout=WAIT_MS
    )
    assert [r["outcome"] for r in answers[0]["results"]] == ["accepted"] * 6
    tablet.wait_status("6 menunggu")  # the tablet never heard: all still queued
    tablet.page.unroute("**/sheets:sync")

    # The backoff timer tries again by itself, while the server is still down...
    with tablet.page.expect_event(
        "requestfailed", lambda r: r.url.endswith("sheets:sync"), timeout=WAIT_MS
    ) as refused:
        pass
    assert "ERR_CONNECTION_REFUSED" in (refused.value.failure or "")
    tablet.wait_status("6 menunggu")
    # ...and after it is back; the retry lands on sheets already written: unchanged.
    with tablet.page.expect_response(
        lambda r: r.url.endswith("sheets:sync") and r.status == 200, timeout=60_000
    ) as retried:
        server.start(same_port=True)
    assert [r["outcome"] for r in retried.value.json()["results"]] == ["unchanged"] * 6
    tablet.wait_status("Semua tersimpan di server")
    assert len(answers) == 1
    held = assert_server_holds(server, convention, plan)
    assert {sheet["version"] for sheet in held.values()} == {1}
    for entry_id in held:
        assert len(audit_of(server.url, convention, juror.id, entry_id)) == 1


def test_a_503_keeps_the_sheet_and_the_retry_waits_for_retry_after(
    server: Server, tablets: Any
) -> None:
    """README protocol, point 5: a 5xx (here 503 with Retry-After) is never a refusal."""
    convention = seed_convention(server.url, entries=2, jurors=1)
    tablet = tablets(service_workers="block")
    tablet.open()
    tablet.login(convention.jurors[0].username, JUROR_PASSWORD)
    answered: list[float] = []

    def unavailable_once(route: Any) -> None:
        answered.append(time.monotonic())
        if len(answered) > 1:
            route.continue_()
            return
        route.fulfill(
            status=503,
            headers={"Retry-After": "3", "Content-Type": "application/problem+json"},
            body=json.dumps(
                {"type": "/problems/unavailable", "title": "Service unavailable", "status": 503}
            ),
        )

    tablet.page.route("**/sheets:sync", unavailable_once)
    plan = {0: ({"KEBARUAN": "4", "KEMANFAATAN": "5", "REPLIKASI": "6"}, "Lewat 503", True)}
    enter(tablet, 0, *plan[0])
    expect(tablet.page.locator("#sync-detail")).to_contain_text("Server sedang tidak tersedia")
    tablet.wait_status("1 menunggu")
    tablet.wait_status("Semua tersimpan di server")  # by the timer, no button pressed
    assert len(answered) == 2 and answered[1] - answered[0] >= 2.9
    assert_server_holds(server, convention, plan)


# --- two tablets, one juror -------------------------------------------------------------------


def race(a: Juri, b: Juri, n: int, first: tuple[str, str, str], then: tuple[str, str, str]) -> Any:
    """Tablet ``a`` saves a draft of entry ``n`` (criterion, score, comment), then ``b``, which
    holds the version before, saves ``then``: the conflict ``b`` shows, once it shows."""
    code, score, comment = first
    enter(a, n, {code: score}, comment, submit=False)
    a.wait_status("Semua tersimpan di server")
    code, score, comment = then
    b.open_entry(title(n))
    b.score(by_name({code: score}), comment)
    b.page.get_by_role("button", name="Simpan draf").click()
    conflict = b.page.get_by_role("region", name="Lembar ini juga diubah di perangkat lain")
    conflict.wait_for()
    return conflict


def test_two_tablets_of_one_juror_conflict_and_the_juror_chooses(
    server: Server, tablets: Any, convention: Convention
) -> None:
    juror = convention.jurors[0]
    a, b = tablets(), tablets()
    a.open()
    a.login(juror.username, JUROR_PASSWORD)
    for n in (0, 1):
        enter(a, n, {"KEBARUAN": "5", "KEMANFAATAN": "5"}, "Awal", submit=False)
    a.wait_status("Semua tersimpan di server")
    b.open()
    b.login(juror.username, JUROR_PASSWORD)  # b holds version 1 of both drafts

    # Entry 0: a writes first; b's save meets the conflict and keeps its own.
    conflict = race(a, b, 0, ("KEBARUAN", "9", "Dari tablet A"), ("KEBARUAN", "4", "Dari tablet B"))
    expect(conflict).to_be_in_viewport()  # brought into view from the bottom of the sheet
    b.wait_status("1 menunggu")
    assert "Versi server (versi 2)" in conflict.inner_text()
    sides = conflict.locator(".side")
    assert "Dari tablet A" in sides.nth(0).inner_text()
    assert "Dari tablet B" in sides.nth(1).inner_text()
    assert b.page.get_by_role("button", name="Simpan draf").is_disabled()
    conflict.get_by_role("button", name="Pakai versi saya").click()
    b.wait_status("Semua tersimpan di server")
    held = server_sheets(server.url, convention, juror.id)[convention.entry_ids[0]]
    assert (held["scores"]["KEBARUAN"], held["comment"], held["version"]) == (4, "Dari tablet B", 3)

    # Entry 1: the same race; this time b takes the server's sheet.
    b.back_to_list()
    conflict = race(a, b, 1, ("REPLIKASI", "8", "A menang"), ("REPLIKASI", "2", "B kalah"))
    conflict.get_by_role("button", name="Pakai versi server").click()
    b.wait_status("Semua tersimpan di server")
    expect(b.page.get_by_role("textbox", name="Replikasi")).to_have_value("8")
    expect(b.page.get_by_role("textbox", name="Catatan")).to_have_value("A menang")
    held = server_sheets(server.url, convention, juror.id)[convention.entry_ids[1]]
    assert (held["scores"]["REPLIKASI"], held["comment"], held["version"]) == (8, "A menang", 2)

    # Tablet a catches up with "Sinkronkan".
    a.sync()
    a.wait_status("Semua tersimpan di server")
    a.open_entry(title(0))
    expect(a.page.get_by_role("textbox", name="Kebaruan")).to_have_value("4")


# --- an expired token ------------------------------------------------------------------------


def test_expired_token_asks_for_the_password_and_keeps_the_queue(
    server: Server, offline_tablet: Juri, convention: Convention
) -> None:
    juror, tablet = convention.jurors[0], offline_tablet
    plan = {
        0: ({"KEBARUAN": "6", "KEMANFAATAN": "7", "REPLIKASI": "8"}, "Sebelum sesi habis", True),
        1: ({"KEBARUAN": "2"}, "Draf", False),
    }
    enter_all(tablet, plan)
    tablet.wait_status("2 menunggu")

    # The token runs out while the tablet is offline (signed by the server's key, expired).
    session = tablet.stored("kv", "session")
    claims = jwt.decode(session["token"], SECRET, algorithms=["HS256"])
    now = int(time.time())
    claims.update(iat=now - 7200, exp=now - 60)
    session["token"] = jwt.encode(claims, SECRET, algorithm="HS256")
    tablet.store("kv", session, "session")
    tablet.page.reload()
    tablet.wait_list()

    tablet.context.set_offline(False)
    dialog = tablet.page.get_by_role("dialog", name="Sesi berakhir")
    dialog.wait_for()
    assert "2 lembar yang menunggu tetap tersimpan" in dialog.inner_text()
    tablet.wait_status("2 menunggu")
    assert server_sheets(server.url, convention, juror.id) == {}
    # "Nanti": keep scoring; the bar says the session ended, and "Sinkronkan" asks again.
    dialog.get_by_role("button", name="Nanti").click()
    tablet.wait_status("sesi berakhir")
    assert tablet.page.get_by_role("button", name="Masuk lagi").is_visible()
    tablet.sync_button()
    dialog.wait_for()
    assert dialog.get_by_label("Nama pengguna").input_value() == juror.username
    dialog.get_by_label("Kata sandi").fill(JUROR_PASSWORD)
    dialog.get_by_role("button", name="Masuk").click()
    tablet.wait_status("Semua tersimpan di server")
    expect(dialog).to_be_hidden()
    assert_server_holds(server, convention, plan)


# --- what the server refuses ---------------------------------------------------------------


def test_invalid_sheet_shows_its_field_and_refused_sheet_says_why(
    server: Server, offline_tablet: Juri, convention: Convention
) -> None:
    juror, tablet = convention.jurors[0], offline_tablet
    # A sheet the server will refuse as invalid: the rubric the tablet validated against is
    # not the server's (here, a score past the range, written straight into the queue).
    bad = {
        "entry_id": convention.entry_ids[0],
        "scores": {"KEBARUAN": 11, "KEMANFAATAN": 5},
        "comment": None,
        "submit": False,
        "base_version": None,
        "stage_id": None,
        "seq": "test",
        "state": "pending",
        "saved_at": 1,
    }
    tablet.store("queue", bad)
    tablet.page.reload()
    tablet.wait_list()
    tablet.wait_status("1 menunggu")
    tablet.context.set_offline(False)
    tablet.entry_link(title(0)).get_by_text("perlu diperbaiki").wait_for()
    tablet.wait_status("1 menunggu")  # kept until the juror fixes it
    tablet.open_entry(title(0))
    assert (
        tablet.page.locator("#error-0").inner_text() == "Ditolak server: must be between 0 and 10"
    )
    kebaruan = tablet.page.get_by_role("textbox", name="Kebaruan")
    assert kebaruan.get_attribute("aria-invalid") == "true"
    assert "Server menolak isi lembar ini" in tablet.page.locator(".notices").inner_text()
    tablet.back_to_list()

    # A sheet saved offline while the secretariat closes judging: refused, and says why.
    tablet.context.set_offline(True)
    enter(tablet, 1, {"KEBARUAN": "5"}, "Akan ditolak", submit=False)
    tablet.wait_status("2 menunggu")
    with client(server.url, convention.admin_token) as c:
        ok(c.patch(convention.url(), json={"status": "closed"}))
    tablet.context.set_offline(False)
    tablet.page.get_by_role("heading", name="Ditolak server").wait_for()
    tablet.wait_status("1 menunggu")  # the refused sheet no longer waits; the invalid one does
    refused = tablet.page.locator(".refused")
    assert title(1) in refused.inner_text()
    assert "Penilaian tidak sedang dibuka" in refused.inner_text()
    tablet.open_entry(title(1))
    notices = tablet.page.locator(".notices")
    expect(notices).to_contain_text("Server menolak lembar yang Anda simpan")
    # Once the convention is fetched again (the pull after the push): allow a slow machine.
    expect(notices).to_contain_text("Penilaian sedang tidak dibuka", timeout=20_000)
    assert tablet.page.get_by_role("textbox", name="Kebaruan").input_value() == "5"
    assert server_sheets(server.url, convention, juror.id) == {}


# --- logout and the exported queue ---------------------------------------------------------


def test_logout_warns_while_sheets_wait_and_the_queue_exports_as_a_file(
    server: Server, tablets: Any, convention: Convention
) -> None:
    juror = convention.jurors[0]
    tablet = tablets(accept_downloads=True)
    tablet.open()
    tablet.login(juror.username, JUROR_PASSWORD)
    tablet.context.set_offline(True)
    plan = {
        0: ({"KEBARUAN": "8", "KEMANFAATAN": "8", "REPLIKASI": "8"}, "Final", True),
        2: ({"KEMANFAATAN": "3,5"}, "Draf", False),
    }
    enter_all(tablet, plan)
    tablet.wait_status("2 menunggu")

    tablet.page.get_by_role("button", name="Keluar").click()
    dialog = tablet.page.get_by_role("dialog", name="Keluar dari aplikasi?")
    assert "2 lembar belum tersimpan di server" in dialog.inner_text()
    with tablet.page.expect_download() as download:
        dialog.get_by_role("button", name="Ekspor antrean").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["format"] == "konvensi-juri-antrean"
    assert exported["convention_id"] == convention.cid
    assert exported["juror"]["username"] == juror.username
    stage_id = current_stage_id(server, convention)
    assert sorted(exported["sheets"], key=lambda s: s["entry_id"]) == [
        {
            "entry_id": convention.entry_ids[n],
            "scores": as_numbers(typed),
            "comment": comment,
            "submit": submit,
            "stage_id": stage_id,
        }
        for n, (typed, comment, submit) in sorted(plan.items())
    ]
    tablet.wait_status("2 menunggu")  # exporting keeps the queue

    # The file is the body sheets:sync takes: whoever holds the login can send it.
    with client(server.url, juror.token) as c:
        answer = ok(
            c.post(convention.url("/jurors/me/sheets:sync"), json={"sheets": exported["sheets"]})
        )
    assert [r["outcome"] for r in answer["results"]] == ["accepted", "accepted"]

    tablet.page.get_by_role("button", name="Keluar").click()
    tablet.page.get_by_role("button", name="Keluar dan hapus").click()
    tablet.page.get_by_role("button", name="Masuk").wait_for()
    assert tablet.page.get_by_role("status").count() == 0
    assert tablet.stored("kv", "session") is None
    assert tablet.stored_count("queue") == 0


# --- stages (docs/api.md), detected from the convention --------------------------------


def current_stage_id(server: Server, convention: Convention) -> int:
    with client(server.url, convention.admin_token) as c:
        stage_id: int = ok(c.get(convention.url()))["current_stage_id"]
    return stage_id


def test_with_stages_the_app_scores_the_current_stage_and_names_it(
    server: Server, tablets: Any
) -> None:
    """A convention advanced to its second stage (judged by LAN alone, two of three entries
    admitted): the app names the stage, lists its entries, scores its criteria and sends the
    stage with each sheet."""
    convention = seed_convention(server.url, entries=3, jurors=2, status="draft")
    lan = convention.jurors[1]  # juror 1 is on the LAN panel
    with client(server.url, convention.admin_token) as c:
        second = ok(
            c.post(
                convention.url("/stages"),
                json={
                    "code": "PRESENTASI",
                    "name": "Presentasi",
                    "weight": 30,
                    "panel_ids": [convention.panel_ids[1]],
                },
            ),
            201,
        )
        criterion = {"code": "PAPARAN", "name": "Paparan", "weight": 1, "max_score": 100}
        ok(c.post(convention.url("/criteria"), json={**criterion, "stage_id": second["id"]}), 201)
        ok(c.patch(convention.url(), json={"status": "judging"}))
    # The first stage: both jurors score two of the three entries; "all" advances those.
    full = dict.fromkeys(convention.codes, 7)
    for juror in convention.jurors:
        with client(server.url, juror.token) as c:
            for entry_id in convention.entry_ids[:2]:
                body = {"scores": full, "submit": True}
                ok(c.put(convention.url(f"/jurors/me/sheets/{entry_id}"), json=body))
    with client(server.url, convention.admin_token) as c:
        ok(c.patch(convention.url(), json={"status": "closed"}))
        first = ok(c.get(convention.url()))["current_stage_id"]
        ok(c.post(convention.url(f"/stages/{first}/advance")), 201)
    tablet = tablets(service_workers="block")
    page = tablet.page
    sent: list[Any] = []

    def record(route: Any) -> None:
        sent.append(json.loads(route.request.post_data))
        route.continue_()

    page.route(lambda url: url.endswith("sheets:sync"), record)
    tablet.open()
    tablet.login(lan.username, JUROR_PASSWORD)
    assert "Tahap: Presentasi" in page.locator(".overview").inner_text()
    assert page.locator("ul.entries a").count() == 2
    assert tablet.entry_link(title(2)).count() == 0
    tablet.open_entry(title(1))
    page.get_by_role("textbox", name="Paparan", exact=True).fill("80")
    page.get_by_role("button", name="Simpan draf").click()
    tablet.back_to_list()
    tablet.wait_status("Semua tersimpan di server")
    assert sent[-1]["sheets"][0]["stage_id"] == second["id"]
    with client(server.url, lan.token) as c:
        held = ok(c.get(convention.url(f"/jurors/me/sheets/{convention.entry_ids[1]}")))
    assert (held["stage_id"], held["scores"]) == (second["id"], {"PAPARAN": 80})


# --- accessibility and layout ----------------------------------------------------------------


def test_every_screen_passes_axe_and_carries_the_contract_names(
    tablets: Any, convention: Convention
) -> None:
    tablet = tablets()
    page = tablet.page
    tablet.open()
    page.get_by_label("Nama pengguna").wait_for()  # the app boots after reading its store
    assert page.get_by_label("Nama pengguna").is_visible()
    assert page.get_by_label("Kata sandi").is_visible()
    assert page.get_by_role("button", name="Masuk").is_visible()
    screens: dict[str, list[Any]] = {"login": tablet.axe()}
    tablet.login(convention.jurors[0].username, JUROR_PASSWORD)

    for n in range(3):
        assert page.get_by_role("link", name=title(n)).count() == 1
    assert page.get_by_role("status").count() == 1
    assert page.get_by_role("button", name="Sinkronkan").is_visible()
    screens["list"] = tablet.axe()

    tablet.open_entry(title(0))
    for name in NAMES.values():
        assert page.get_by_role("textbox", name=name, exact=True).count() == 1
        assert page.get_by_role("slider", name=name, exact=True).count() == 1
    assert page.get_by_role("textbox", name="Catatan").count() == 1
    assert page.get_by_role("button", name="Simpan draf").is_visible()
    assert page.get_by_role("button", name="Kirim", exact=True).is_visible()
    assert page.get_by_role("status").count() == 1
    screens["sheet"] = tablet.axe()

    # The slider and the number field move together.
    slider = page.get_by_role("slider", name="Kebaruan")
    slider.focus()
    page.keyboard.press("End")
    assert page.get_by_role("textbox", name="Kebaruan").input_value() == "10"
    page.get_by_role("textbox", name="Kebaruan").fill("3,5")
    assert slider.input_value() == "3.5"

    tablet.score({"Kemanfaatan": "5", "Replikasi": "5"})
    page.get_by_role("button", name="Kirim", exact=True).click()
    confirm = page.get_by_role("dialog", name="Kirim penilaian?")
    assert confirm.get_by_role("button", name="Ya, kirim").is_visible()
    assert "final" in confirm.inner_text()
    screens["confirm"] = tablet.axe()
    confirm.get_by_role("button", name="Batal").click()
    page.get_by_role("button", name="Simpan draf").click()
    tablet.context.set_offline(True)
    tablet.score({"Kebaruan": "4"})
    page.get_by_role("button", name="Simpan draf").click()
    tablet.wait_status("1 menunggu")
    page.get_by_role("button", name="Keluar").click()
    screens["logout"] = tablet.axe()
    page.get_by_role("button", name="Batal").click()
    tablet.context.set_offline(False)
    tablet.wait_status("Semua tersimpan di server")

    assert {screen: found for screen, found in screens.items() if found} == {}

    # Tablet landscape and portrait, and a phone: no sideways scrolling, 44 px targets.
    for viewport in (TABLET, PORTRAIT, PHONE):
        page.set_viewport_size(viewport)
        assert tablet.layout_problems() == [], ("sheet", viewport)
        tablet.back_to_list()
        assert tablet.layout_problems() == [], ("list", viewport)
        tablet.open_entry(title(0))


# --- the screenshots of docs/juror-app.md ----------------------------------------------------


def _solok(base_url: str) -> Convention:
    """A convention like the demo's (app/services/demo.py), with descriptions, for the docs."""
    from tests.slow.conftest import login
    from tests.support.server import ADMIN

    admin_token = login(base_url, *ADMIN)
    with client(base_url, admin_token) as c:
        cid = ok(
            c.post(
                "/api/v1/conventions",
                json={"name": "Konvensi Inovasi Daerah Kota Solok 2018", "year": 2018},
            ),
            201,
        )["id"]
        base = f"/api/v1/conventions/{cid}"
        rubric = [
            ("KEBARUAN", "Kebaruan", 25, "Gagasan baru atau modifikasi yang belum ada di daerah."),
            ("KEMANFAATAN", "Kemanfaatan & Dampak", 25, "Manfaat nyata bagi masyarakat."),
            ("REPLIKASI", "Replikasi", 15, "Dapat ditiru OPD atau daerah lain."),
            ("KEBERLANJUTAN", "Keberlanjutan", 15, "Didukung anggaran, SDM dan regulasi."),
            (
                "KOLABORASI",
                "Kewenangan Daerah & Kolaborasi",
                10,
                "Sesuai kewenangan; melibatkan mitra.",
            ),
            ("PENYAJIAN", "Kualitas Penyajian", 10, "Kejelasan paparan dan bukti dukung."),
        ]
        for code, name, weight, description in rubric:
            body = {
                "code": code,
                "name": name,
                "weight": weight,
                "description": description,
                "min_score": 1,
                "max_score": 10,
                "step": 0.5,
            }
            ok(c.post(f"{base}/criteria", json=body), 201)
        panel = ok(c.post(f"{base}/panels", json={"name": "LAN"}), 201)["id"]
        opds = {}
        from app.services.demo.solok import ENTRIES, OPDS

        for code, name in OPDS:
            opds[code] = ok(c.post(f"{base}/opds", json={"code": code, "name": name}), 201)["id"]
        entry_ids = []
        for acronym, entry_title, opd, category, summary in ENTRIES:
            body = {
                "title": entry_title,
                "acronym": acronym,
                "opd_id": opds[opd],
                "category": category,
                "summary": summary,
                "innovators": [{"name": f"Tim Inovasi {opd.title()}"}],
            }
            entry_ids.append(ok(c.post(f"{base}/entries", json=body), 201)["id"])
        body = {
            "username": "juri.lan.1",
            "password": JUROR_PASSWORD,
            "full_name": "Dr. Rahmi Yulianti",
            "panel_id": panel,
        }
        juror_id = ok(c.post(f"{base}/jurors", json=body), 201)["id"]
        ok(c.patch(base, json={"status": "judging"}))
    from tests.slow.conftest import Juror

    juror = Juror(juror_id, "juri.lan.1", login(base_url, "juri.lan.1", JUROR_PASSWORD))
    return Convention(
        cid,
        admin_token,
        [r[0] for r in rubric],
        [],
        [panel],
        list(opds.values()),
        entry_ids,
        [juror],
    )


def test_screenshots_of_the_list_and_the_sheet(
    server: Server, tablets: Any, tmp_path: Path
) -> None:
    """Written to $KONVENSI_SCREENSHOT_DIR when set (docs/screenshots), else a temporary
    folder; looked at by a person before they are committed."""
    out = Path(os.environ.get("KONVENSI_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    convention = _solok(server.url)
    # Some progress, as on a convention's second morning.
    with client(server.url, convention.jurors[0].token) as c:
        full = {code: 8 for code in convention.codes}
        for entry_id, body in (
            (convention.entry_ids[0], {"scores": full, "submit": True, "comment": "Matang"}),
            (convention.entry_ids[3], {"scores": {**full, "KEBARUAN": 9.5}, "submit": True}),
            (convention.entry_ids[6], {"scores": {"KEBARUAN": 7}, "comment": "Lanjut besok"}),
        ):
            ok(c.put(convention.sheet_url(entry_id), json=body))
    shots = []
    for name, viewport in (("tablet-landscape", TABLET), ("tablet-portrait", PORTRAIT)):
        tablet = tablets(viewport=viewport, device_scale_factor=1)
        tablet.open()
        tablet.login("juri.lan.1", JUROR_PASSWORD)
        tablet.wait_status("Semua tersimpan di server")
        tablet.open_entry("Lahir Pulang OK")
        tablet.score(
            {
                "Kebaruan": "8,5",
                "Kemanfaatan & Dampak": "9",
                "Replikasi": "7",
                "Keberlanjutan": "7,5",
                "Kewenangan Daerah & Kolaborasi": "8",
                "Kualitas Penyajian": "9",
            },
            "Akta langsung di rumah sakit; perlu data biaya.",
        )
        tablet.context.set_offline(True)
        tablet.save_draft()
        tablet.page.evaluate("window.scrollTo(0, 0)")
        tablet.page.mouse.move(0, 0)
        tablet.page.evaluate("document.activeElement && document.activeElement.blur()")
        tablet.page.screenshot(path=str(out / f"sheet-{name}.png"))
        tablet.back_to_list()
        tablet.page.evaluate(
            "window.scrollTo(0, 0); document.getElementById('flash').replaceChildren()"
        )
        tablet.page.mouse.move(0, 0)
        tablet.page.evaluate("document.activeElement && document.activeElement.blur()")
        tablet.page.screenshot(path=str(out / f"list-{name}.png"))
        shots += [out / f"sheet-{name}.png", out / f"list-{name}.png"]
        tablet.context.set_offline(False)
        tablet.wait_status("Semua tersimpan di server")
    for shot in shots:
        assert shot.stat().st_size > 20_000, shot
