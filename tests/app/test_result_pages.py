"""``/hasil/{cid}`` (the published results for anyone, with the objection form while they are
provisional) and ``/verify`` (a form leading to ``/verify/{code}``): plain HTML, no script."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Objection
from tests.app import factories as f
from tests.app.test_objections import REASON, pass_deadline, publish, score_all

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def objections_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Objection)) or 0


def send(client: TestClient, w: f.World, **fields: Any) -> Any:
    body = {"entry_id": w.entries[0].id, "name": "Budi", "contact": "0812", "reason": REASON}
    return client.post(f"/hasil/{w.cid}", data={**body, **fields})


@pytest.fixture
def provisional(client: TestClient, world: f.World, session: Session) -> dict[str, Any]:
    score_all(session, world)
    return publish(client, world, days=3)


@pytest.mark.usefixtures("provisional")
def test_provisional_results_show_the_deadline_ranking_and_form(
    client: TestClient, world: f.World
) -> None:
    page = client.get(f"/hasil/{world.cid}")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # none at all
    html = page.text
    assert "SEMENTARA" in html and "masa sanggah berakhir" in html and " WIB" in html
    assert world.convention.name in html
    # Best first, scores with a decimal comma: e0 90, e2 70, e1 50 (world's titles).
    order = [html.index(f"<td>{e.title}") for e in (world.entries[0], world.entries[2])]
    order.append(html.index("<td>SMASH CARE&#39;S"))
    assert order == sorted(order)
    assert "90,00" in html and "70,00" in html and "50,00" in html
    assert f'<form method="post" action="/hasil/{world.cid}">' in html
    assert "<script" not in html


def test_the_form_records_an_objection_and_shows_its_receipt(
    client: TestClient, world: f.World, session: Session, provisional: dict[str, Any]
) -> None:
    del provisional
    answer = send(client, world)
    assert answer.status_code == 201
    stored = session.scalars(select(Objection)).one()
    assert (stored.entry_id, stored.name, stored.contact, stored.reason) == (
        world.entries[0].id,
        "Budi",
        "0812",
        REASON,
    )
    assert f"<code>{stored.receipt}</code>" in answer.text
    assert "FASTREN" in answer.text
    # The secretariat sees it like one sent through the API.
    listed = client.get(world.url("/objections"), headers=world.admin.headers).json()
    assert [o["receipt"] for o in listed["items"]] == [stored.receipt]


@pytest.mark.usefixtures("provisional")
def test_a_bad_form_says_what_to_fix_keeps_the_input_and_writes_nothing(
    client: TestClient, world: f.World, session: Session
) -> None:
    answer = send(client, world, name="  ", reason="terlalu pendek", entry_id="abc")
    assert answer.status_code == 422
    html = answer.text
    assert "Nama wajib diisi." in html
    assert "Alasan paling sedikit 20 karakter." in html
    assert "Pilih inovasi dari daftar." in html
    assert 'id="reason" name="reason"' in html and ">terlalu pendek</textarea>" in html
    assert html.count('aria-invalid="true"') == 3
    other = f.make_world(session, f.SECRET)
    wrong = send(client, world, entry_id=str(other.entries[0].id))
    assert wrong.status_code == 422 and "Pilih inovasi dari daftar." in wrong.text
    assert objections_count(session) == 0
    # Not UTF-8, or not a form at all: the form again, nothing written.
    garbled = client.post(f"/hasil/{world.cid}", content=b"name=\xff\xfe", headers=FORM)
    assert garbled.status_code == 422
    assert objections_count(session) == 0


@pytest.mark.usefixtures("provisional")
def test_the_form_keeps_the_apis_rate_limit(
    client: TestClient, world: f.World, session: Session
) -> None:
    for _ in range(5):
        assert send(client, world).status_code == 201
    refused = send(client, world)
    assert refused.status_code == 429
    assert "Terlalu banyak sanggahan" in refused.text
    assert objections_count(session) == 5


@pytest.mark.usefixtures("provisional")
def test_after_the_deadline_the_form_is_gone_and_a_late_post_is_refused(
    client: TestClient, world: f.World, session: Session
) -> None:
    pass_deadline(session, world)
    page = client.get(f"/hasil/{world.cid}")
    assert page.status_code == 200 and "<form" not in page.text
    late = send(client, world)
    assert late.status_code == 409 and "Masa sanggah sudah berakhir" in late.text
    assert objections_count(session) == 0


def test_final_results_have_no_form(client: TestClient, world: f.World, session: Session) -> None:
    score_all(session, world)
    publish(client, world, days=0)
    page = client.get(f"/hasil/{world.cid}")
    assert page.status_code == 200
    assert "FINAL" in page.text and "SEMENTARA" not in page.text and "<form" not in page.text
    assert send(client, world).status_code == 409


def test_unpublished_and_unknown_conventions_answer_the_same_404(
    client: TestClient, world: f.World
) -> None:
    pages = [client.get(f"/hasil/{cid}") for cid in (world.cid, 999_999, "abc")]
    assert [p.status_code for p in pages] == [404, 404, 404]
    texts = {
        p.text.replace(f"konvensi {cid}.", "").replace(f"convention {cid}.", "")
        for cid, p in zip((world.cid, 999_999, "abc"), pages, strict=True)
    }
    assert len(texts) == 1  # the same page, the id aside
    assert send(client, world).status_code == 404


def test_verify_form_leads_to_the_code_page(client: TestClient) -> None:
    form = client.get("/verify")
    assert form.status_code == 200
    assert '<form method="get" action="/verify">' in form.text
    assert 'name="code"' in form.text
    typed = client.get("/verify", params={"code": "  abcd efgh "}, follow_redirects=False)
    assert (typed.status_code, typed.headers["location"]) == (303, "/verify/abcdefgh")
    empty = client.get("/verify", params={"code": " "})
    assert empty.status_code == 200 and "Ketik kode yang tercetak" in empty.text
    odd = client.get("/verify", params={"code": "a/../b?c"}, follow_redirects=False)
    assert odd.headers["location"] == "/verify/a%2F..%2Fb%3Fc"


def test_the_landing_page_lists_published_results(
    client: TestClient, world: f.World, session: Session
) -> None:
    assert f'href="/hasil/{world.cid}"' not in client.get("/").text
    score_all(session, world)
    publish(client, world, days=3)
    html = client.get("/").text
    assert f'<a href="/hasil/{world.cid}">{world.convention.name}</a>' in html
    assert "(sementara, masa sanggah" in html
