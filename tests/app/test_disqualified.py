"""A disqualified entry has no row anywhere once the results are final: the final results, the
contract's CSV, the live rankings, the awards and piagam, the exports, the minutes and the
public page (docs/api.md, "Objection window")."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.app import factories as f
from tests.app.test_objections import pass_deadline, publish, score_all

REASON = "Plagiat: inovasi kabupaten lain"


def finalized_without_fastren(client: TestClient, w: f.World, session: Session) -> None:
    """FASTREN (90) led the provisional results; disqualified, Tiga (70) wins Juara I and
    SMASH CARE'S (50) takes part."""
    w.convention.top_n = 1
    session.commit()
    score_all(session, w)
    provisional = publish(client, w)
    assert [r["title"] for r in provisional["rows"]] == ["FASTREN", "Tiga", "SMASH CARE'S"]
    response = client.patch(
        w.url(f"/entries/{w.entries[0].id}"),
        json={"disqualified": True, "disqualification_reason": REASON},
        headers=w.admin.headers,
    )
    assert response.status_code == 200, response.text
    pass_deadline(session, w)
    final = client.post(w.url("/results/finalize"), headers=w.admin.headers)
    assert final.status_code == 200, final.text
    issued = client.post(w.url("/awards"), headers=w.admin.headers)
    assert issued.status_code == 201, issued.text


def get(client: TestClient, w: f.World, path: str) -> Any:
    response = client.get(w.url(path), headers=w.admin.headers)
    assert response.status_code == 200, f"{path}: {response.text}"
    return response


def test_the_final_results_and_rankings_have_no_row_for_it(
    client: TestClient, world: f.World, session: Session
) -> None:
    finalized_without_fastren(client, world, session)
    e0, e1, e2 = (e.id for e in world.entries)
    public = client.get(world.url("/results")).json()
    assert [(r["entry_id"], r["rank"], r["awarded"]) for r in public["rows"]] == [
        (e2, 1, True),
        (e1, 2, False),
    ]
    for method in ("mean", "median", "trimmed", "zscore"):
        live = get(client, world, f"/ranking?method={method}").json()
        assert e0 not in [r["entry_id"] for r in live["rows"]], method
    rows = list(csv.reader(io.StringIO(get(client, world, "/ranking.csv").text)))
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [
        ("1", str(e2), "Tiga"),
        ("2", str(e1), "SMASH CARE'S"),
    ]
    stability = get(client, world, "/ranking/stability").json()
    assert [r["entry_id"] for r in stability["rows"]] == [e2, e1]


def test_the_awards_piagam_and_exports_have_none_of_it(
    client: TestClient, world: f.World, session: Session
) -> None:
    finalized_without_fastren(client, world, session)
    _e0, e1, e2 = (e.id for e in world.entries)
    awards = get(client, world, "/awards").json()["items"]
    assert [(a["entry_id"], a["rank"], a["name"]) for a in awards] == [(e2, 1, "Juara I")]
    certs = get(client, world, "/certificates").json()["items"]
    assert [(c["kind"], c["recipient_type"], c["entry_id"]) for c in certs] == [
        ("winner", "opd", e2),
        ("winner", "innovator", e2),
        ("participant", "innovator", e1),
    ]
    assert [c["number"][:3] for c in certs] == ["001", "002", "003"]
    for kind in ("ranking", "awards", "certificates"):
        exported = get(client, world, f"/exports/{kind}.csv").text
        assert "FASTREN" not in exported and "Tiga" in exported, kind
    archive = zipfile.ZipFile(io.BytesIO(get(client, world, "/certificates.zip").content))
    assert len(archive.namelist()) == 3
    for name in archive.namelist():
        text = PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()
        assert "FASTREN" not in text


def test_the_minutes_and_the_public_page_rank_without_it(
    client: TestClient, world: f.World, session: Session
) -> None:
    finalized_without_fastren(client, world, session)
    pdf = get(client, world, "/berita-acara.pdf").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    ranking, _, left_out = text.partition("Inovasi yang didiskualifikasi")
    # Out of the ranking, in the list of the disqualified with its reason.
    assert str(world.entries[0].acronym) not in ranking and "90.00" not in text
    assert str(world.entries[0].acronym) in left_out and REASON[:20] in left_out
    # top_n 1: the ranking down to the one award, scored to 2 decimals.
    assert f"1 {world.entries[2].acronym} BAPPEDA 70.00 Juara I" in text.splitlines()
    assert "SEMENTARA" not in text  # final
    page = client.get(f"/hasil/{world.cid}")
    assert page.status_code == 200
    assert "FASTREN" not in page.text and "Tiga" in page.text
