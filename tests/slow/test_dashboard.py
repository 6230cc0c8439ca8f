"""Issue 15, the secretariat's dashboard at ``/sekretariat/``, in Debian's Chromium against a
real ``konvensi serve``: a whole convention run from the dashboard (imports from files,
judging through the API, two stages, publishing, awards, downloads), progress following the
sheets as they arrive, the API's refusals on screen, axe-core on every screen, and the
screenshots of docs/dashboard.md.

The jurors' sheets go through the API, as the tablets send them. The server's SQLite
database is one per module (the dashboard is a client of the API; the API is proven on both
engines elsewhere)."""

from __future__ import annotations

import importlib.util
import io
import os
import zipfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.app.dashboard_browser import LAPTOP, TABLET, Dashboard
from tests.slow.conftest import JUROR_PASSWORD, client, login, ok, seed_convention
from tests.support.browser import WAIT_MS, devices
from tests.support.server import ADMIN, Server, migrate, serve_command, server_env

HAS_IMPORTS = importlib.util.find_spec("app.routers.imports") is not None
# An import hashes jurors' passwords and a download renders PDFs: a busy 2-core machine needs
# more than Playwright's 5 seconds.
expect.set_options(timeout=WAIT_MS)


@pytest.fixture
def laptops(browser: Any, server: Server) -> Iterator[Callable[..., Dashboard]]:
    """New browser contexts; each must end without a script or policy error."""
    with devices(Dashboard, browser, server.url) as new:
        yield new


def signed_in(laptop: Dashboard, convention: str) -> None:
    laptop.open()
    laptop.login(*ADMIN)
    laptop.page.get_by_role("heading", name="Pilih konvensi").wait_for()
    laptop.pick(convention)


def two_stage_convention(base_url: str, name: str) -> tuple[int, str, dict[str, int]]:
    """A draft convention with its rubric, two panels and two stages (the first shortlists
    three), made through the API: what the dashboard does not do."""
    token = login(base_url, *ADMIN)
    with client(base_url, token) as c:
        cid = ok(c.post("/api/v1/conventions", json={"name": name, "year": 2024, "top_n": 2}), 201)[
            "id"
        ]
        base = f"/api/v1/conventions/{cid}"
        first = ok(c.get(f"{base}/stages"))["items"][0]["id"]
        ok(c.patch(f"{base}/stages/{first}", json={"advance": {"rule": "top", "count": 3}}))
        second = ok(
            c.post(f"{base}/stages", json={"code": "PRESENTASI", "name": "Presentasi"}), 201
        )["id"]
        for code, weight, stage in (
            ("KEBARUAN", 2, first),
            ("KEMANFAATAN", 3, first),
            ("PAPARAN", 1, second),
        ):
            body = {"code": code, "name": code.title(), "weight": weight, "max_score": 10}
            ok(c.post(f"{base}/criteria", json={**body, "stage_id": stage}), 201)
        for panel in ("KemenPAN-RB", "LAN"):
            ok(c.post(f"{base}/panels", json={"name": panel}), 201)
    return cid, token, {"first": first, "second": second}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def score_all(
    base_url: str,
    cid: int,
    tokens: list[str],
    entry_ids: list[int],
    codes: list[str],
    *,
    skip: Collection[tuple[int, int]] = (),
) -> None:
    """Every juror submits a sheet for every entry it may score (but the pairs in ``skip``)."""
    for j, token in enumerate(tokens):
        with client(base_url, token) as c:
            for n, entry_id in enumerate(entry_ids):
                if (j, entry_id) in skip:
                    continue
                scores = {code: float(3 + (n * 3 + j + len(code)) % 7) for code in codes}
                url = f"/api/v1/conventions/{cid}/jurors/me/sheets/{entry_id}"
                answer = c.put(url, json={"scores": scores, "submit": True})
                if answer.status_code == 403 and "conflict" in answer.json()["type"]:
                    continue  # a juror with a conflict of interest scores no entry of that OPD
                ok(answer)


def shot_dir(tmp_path: Path) -> Path:
    out = Path(os.environ.get("KONVENSI_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out


# --- a whole convention -----------------------------------------------------------------------


@pytest.mark.skipif(not HAS_IMPORTS, reason="the bulk import API has not landed here")
@pytest.mark.time_limit(420)
def test_a_whole_convention_runs_from_the_dashboard(
    server: Server, laptops: Any, tmp_path: Path
) -> None:
    cid, token, stages = two_stage_convention(server.url, "Konvensi Uji Dasbor")
    laptop = laptops()
    page = laptop.page
    response = laptop.open()
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    screens: dict[str, list[Any]] = {"login": laptop.axe()}
    laptop.login(*ADMIN)
    page.get_by_role("heading", name="Pilih konvensi").wait_for()
    screens["picker"] = laptop.axe()
    laptop.pick("Konvensi Uji Dasbor")

    # --- imports: a dry run that refuses cells, then the files for real ----------------------
    laptop.tab("Impor", "Impor dari berkas")
    template = laptop.download("Unduh templat OPD (XLSX)", tmp_path)
    assert template.read_bytes()[:2] == b"PK"
    bad = write(
        tmp_path / "opd-salah.csv", "kode;nama\nBAPPEDA;Badan Perencanaan\n;Dinas Tanpa Kode\n"
    )
    page.get_by_label("Berkas OPD (CSV atau XLSX)").set_input_files(str(bad))
    laptop.press("Periksa berkas OPD")
    errors = page.locator("table.import-errors")
    expect(errors).to_be_visible()
    assert errors.locator("tbody tr").first.locator("td").nth(0).inner_text() == "2"
    assert errors.locator("tbody tr").first.locator("td").nth(1).inner_text() == "kode"
    screens["import-errors"] = laptop.axe()
    opds = write(
        tmp_path / "opd.csv",
        "kode,nama\nBAPPEDA,Badan Perencanaan Pembangunan Daerah\nDINKES,Dinas Kesehatan\n"
        "DISDUKCAPIL,Dinas Kependudukan dan Pencatatan Sipil\n",
    )
    page.get_by_label("Berkas OPD (CSV atau XLSX)").set_input_files(str(opds))
    laptop.press("Periksa berkas OPD")
    expect(page.get_by_text("lolos pemeriksaan: 3 baris akan dibuat")).to_be_visible()
    laptop.press("Impor OPD")
    expect(page.get_by_text("Selesai: 3 OPD dibuat")).to_be_visible()
    titles = [
        "Fasilitator Perencanaan",
        "Lahir Pulang OK",
        "Solok Sehat",
        "Akta Keliling",
        "Data Desa",
    ]
    entries = write(
        tmp_path / "inovasi.csv",
        "judul,akronim,kode_opd,kategori,ringkasan,inovator\n"
        + "".join(
            f"{t},INV{n},{('BAPPEDA', 'DINKES', 'DISDUKCAPIL')[n % 3]},proses,Ringkasan {n},"
            f"Inovator {n}|19800101200501200{n}\n"
            for n, t in enumerate(titles)
        ),
    )
    page.get_by_label("Berkas Inovasi (CSV atau XLSX)").set_input_files(str(entries))
    laptop.press("Impor Inovasi")
    expect(page.get_by_text("Selesai: 5 Inovasi dibuat")).to_be_visible()
    jurors = write(
        tmp_path / "juri.csv",
        "username,nama_lengkap,panel,kata_sandi,konflik_opd\n"
        "juri.a,Juri A,KemenPAN-RB,,\n"
        "juri.b,@Juri B,KemenPAN-RB,,DINKES\n"
        f"juri.c,Juri C,LAN,{JUROR_PASSWORD},\n"
        f"juri.d,Juri D,LAN,{JUROR_PASSWORD},\n",
    )
    page.get_by_label("Berkas Juri (CSV atau XLSX)").set_input_files(str(jurors))
    laptop.press("Impor Juri")
    expect(page.get_by_text("Selesai: 4 Juri dibuat")).to_be_visible()
    shown = page.locator(".passwords tbody tr")
    expect(shown).to_have_count(2)
    passwords = {
        row.locator("th").inner_text(): row.locator("code").inner_text() for row in shown.all()
    }
    assert set(passwords) == {"juri.a", "juri.b"}
    # The downloaded list: a name a spreadsheet would run as a formula gets a leading '.
    listed = laptop.download("Unduh kata sandi (CSV)", tmp_path).read_text(encoding="utf-8")
    assert listed.splitlines() == [
        "username,nama_lengkap,kata_sandi",
        f"juri.a,Juri A,{passwords['juri.a']}",
        f"juri.b,'@Juri B,{passwords['juri.b']}",
    ]
    expect(page.locator("#import-counts")).to_have_text("Saat ini: 3 OPD, 5 inovasi, 4 juri.")
    screens["import"] = laptop.axe()

    # --- a refusal, then judging opens ---------------------------------------------------------
    laptop.tab("Tindakan")
    screens["actions"] = laptop.axe()
    laptop.press("Umumkan hasil")
    page.get_by_role("dialog", name="Umumkan hasil?").get_by_role(
        "button", name="Ya, umumkan"
    ).click()
    expect(laptop.note("results")).to_contain_text("Langkah ini tidak diizinkan")
    expect(laptop.note("results")).to_contain_text("409")
    laptop.press("Buka penilaian")
    expect(laptop.note("status")).to_contain_text("Status sekarang: Penilaian dibuka")
    expect(page.locator("#convention-status")).to_have_text("Penilaian dibuka")

    # --- progress follows the sheets that arrive through the API -----------------------------
    tokens = [login(server.url, u, passwords[u]) for u in ("juri.a", "juri.b")] + [
        login(server.url, u, JUROR_PASSWORD) for u in ("juri.c", "juri.d")
    ]
    with client(server.url, token) as c:
        entry_ids = [e["id"] for e in ok(c.get(f"/api/v1/conventions/{cid}/entries"))["items"]]
    laptop.tab("Kemajuan", "Kemajuan penilaian")
    page.evaluate("window.notReloaded = true")
    # juri.b has a conflict with DINKES (entries 1 and 4): 4 jurors x 5 entries - 2 = 18.
    expect(page.locator(".stat").nth(1)).to_contain_text("0 dari 18")
    expect(page.locator("tr.row-behind")).to_have_count(0)
    score_all(server.url, cid, tokens[:2], entry_ids, ["KEBARUAN", "KEMANFAATAN"])
    expect(page.locator(".stat").nth(1)).to_contain_text("8 dari 18", timeout=25_000)
    expect(page.locator("tr.row-behind")).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True
    screens["progress"] = laptop.axe()
    score_all(server.url, cid, tokens[2:], entry_ids, ["KEBARUAN", "KEMANFAATAN"])
    expect(page.locator(".stat").nth(1)).to_contain_text("18 dari 18", timeout=25_000)
    expect(page.locator(".stat").nth(3)).to_contain_text("5 dari 5")

    # --- the first stage's ranking, and advancing (refused while judging) -----------------------
    laptop.tab("Peringkat")
    expect(page.locator("#ranking-stage")).to_have_value(str(stages["first"]))
    expect(page.locator("table.ranking tbody tr")).to_have_count(5)
    screens["ranking"] = laptop.axe()
    laptop.tab("Grafik")
    expect(page.locator("figure svg[role=img]")).to_have_count(4)
    screens["charts"] = laptop.axe()
    laptop.tab("Tindakan")
    laptop.press("Pratinjau lolos tahap")
    expect(page.locator("#advance-preview")).to_contain_text("3 inovasi lolos ke Presentasi")
    laptop.press("Lanjutkan ke tahap berikutnya")
    expect(laptop.note("stage")).to_contain_text("Langkah ini tidak diizinkan")
    laptop.press("Tutup penilaian")
    expect(page.locator("#convention-status")).to_have_text("Penilaian ditutup")
    laptop.press("Pratinjau lolos tahap")
    expect(laptop.note("stage")).to_have_text("Pratinjau tidak mengubah apa pun.")
    laptop.press("Lanjutkan ke tahap berikutnya")
    expect(laptop.note("stage")).to_contain_text("3 inovasi lolos ke tahap Presentasi")
    expect(page.locator("#convention-status")).to_have_text("Penilaian dibuka")

    # --- the second stage: one sheet missing, published after the warning ---------------------
    with client(server.url, token) as c:
        admitted = [
            e["id"]
            for e in ok(c.get(f"/api/v1/conventions/{cid}/stages/{stages['second']}/entries"))[
                "items"
            ]
        ]
    assert len(admitted) == 3
    score_all(server.url, cid, tokens, admitted, ["PAPARAN"], skip={(3, admitted[0])})
    laptop.press("Tutup penilaian")
    expect(laptop.note("status")).to_contain_text("1 inovasi belum lengkap")
    page.get_by_label("Masa sanggah (hari)").fill("0")
    laptop.press("Umumkan hasil")
    page.get_by_role("dialog", name="Umumkan hasil?").get_by_role(
        "button", name="Ya, umumkan"
    ).click()
    warning = page.get_by_role("dialog", name="Penilaian belum lengkap")
    expect(warning).to_contain_text("1 inovasi belum mendapat semua lembar")
    screens["incomplete"] = laptop.axe()
    warning.get_by_role("button", name="Umumkan walau belum lengkap").click()
    expect(laptop.note("results")).to_contain_text("Hasil diumumkan dan final.")
    expect(page.locator("#results-title + dl")).to_contain_text("Final")

    # --- awards, certificates, downloads ---------------------------------------------------------
    laptop.press("Terbitkan penghargaan dan piagam")
    expect(laptop.note("awards")).to_contain_text("Penghargaan dan piagam pemenang")
    laptop.press("Terbitkan piagam juri")
    expect(laptop.note("awards")).to_contain_text("Piagam apresiasi juri: 4 diterbitkan.")
    expect(page.locator("#awards-title ~ p").first).to_contain_text("2 penghargaan")
    screens["actions-done"] = laptop.axe()
    xlsx = laptop.download("Peringkat (XLSX)", tmp_path)
    assert xlsx.name.endswith(".xlsx") and xlsx.read_bytes()[:2] == b"PK"
    csv = laptop.download("Penghargaan (CSV)", tmp_path)
    assert "Lahir Pulang OK" in csv.read_text(encoding="utf-8-sig") or csv.stat().st_size > 50
    archive = laptop.download("Semua piagam (ZIP)", tmp_path)
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
    assert len(names) >= 4 + 2 and all(n.endswith(".pdf") for n in names)
    minutes = laptop.download("Berita acara (PDF)", tmp_path)
    assert minutes.read_bytes()[:5] == b"%PDF-"

    # --- the final ranking, an explanation, the audit ---------------------------------------------
    laptop.tab("Peringkat")
    page.locator("#ranking-stage").select_option("")
    expect(page.locator("table.ranking thead")).to_contain_text("PRESENTASI")
    first_row = page.locator("table.ranking tbody tr").first
    expect(first_row).to_contain_text("Ya")
    first_row.get_by_role("button").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Nilai tiap juri")
    expect(dialog).to_contain_text("Stabilitas")
    screens["explain"] = laptop.axe()
    dialog.get_by_role("button", name="Tutup").click()
    laptop.tab("Audit")
    expect(page.locator("table.audit tbody tr").first).to_contain_text("certificates.jurors")
    page.get_by_label("Tindakan").select_option("results.publish")
    expect(page.locator("table.audit tbody tr")).to_have_count(1)
    expect(page.locator("#audit-count")).to_have_text("1 dari 1 catatan")
    screens["audit"] = laptop.axe()

    assert {screen: found for screen, found in screens.items() if found} == {}
    for viewport in (LAPTOP, TABLET):
        page.set_viewport_size(viewport)
        for label, heading in (
            ("Kemajuan", "Kemajuan penilaian"),
            ("Peringkat", None),
            ("Grafik", None),
            ("Impor", "Impor dari berkas"),
            ("Juri", None),
            ("Tindakan", None),
            ("Audit", None),
        ):
            laptop.tab(label, heading)
            assert laptop.layout_problems() == [], (label, viewport)

    # Everything shown was done through the API: the server agrees.
    with client(server.url, token) as c:
        results = ok(c.get(f"/api/v1/conventions/{cid}/results"))
        assert results["status"] == "final" and results["allow_incomplete"] is True
        assert ok(c.get(f"/api/v1/conventions/{cid}/awards"))["total"] == 2


# --- refusals and sign-in -----------------------------------------------------------------------


def test_sign_in_refuses_jurors_and_wrong_passwords_and_ends_with_the_token(
    server: Server, laptops: Any
) -> None:
    convention = seed_convention(server.url, entries=2, jurors=1)
    laptop = laptops()
    page = laptop.page
    laptop.open()
    laptop.login(convention.jurors[0].username, JUROR_PASSWORD)
    expect(page.locator("#login-error")).to_contain_text("Ini akun juri")
    expect(page.locator("#login-error")).to_contain_text("/juri/")
    laptop.login(ADMIN[0], "bukan-kata-sandinya")
    expect(page.locator("#login-error")).to_have_text("Nama pengguna atau kata sandi salah.")
    laptop.login(*ADMIN)
    page.get_by_role("heading", name="Pilih konvensi").wait_for()
    token = page.evaluate(
        "JSON.parse(sessionStorage.getItem('konvensi.sekretariat.session')).token"
    )
    assert token and page.evaluate("localStorage.length") == 0
    # A reload keeps the session (same tab); "Keluar" forgets it.
    page.reload()
    page.get_by_role("heading", name="Pilih konvensi").wait_for()
    laptop.press("Keluar")
    expect(page.get_by_role("heading", name="Masuk ke dasbor sekretariat")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    # A token that stops working sends the secretariat back to sign in, saying why.
    laptop.login(*ADMIN)
    laptop.pick(f"Konvensi Inovasi {convention_tag(convention.cid, server)}")
    page.evaluate(
        "sessionStorage.setItem('konvensi.sekretariat.session', JSON.stringify("
        "{...JSON.parse(sessionStorage.getItem('konvensi.sekretariat.session')), token: 'x'}))"
    )
    page.reload()
    expect(page.get_by_text("Sesi Anda berakhir")).to_be_visible()


def convention_tag(cid: int, server: Server) -> str:
    token = login(server.url, *ADMIN)
    with client(server.url, token) as c:
        name: str = ok(c.get(f"/api/v1/conventions/{cid}"))["name"]
    return name.removeprefix("Konvensi Inovasi ")


def test_every_refusal_is_shown_with_its_detail(
    server: Server, laptops: Any, tmp_path: Path
) -> None:
    convention = seed_convention(server.url, entries=2, jurors=2)
    laptop = laptops()
    page = laptop.page
    signed_in(laptop, f"Konvensi Inovasi {convention_tag(convention.cid, server)}")
    laptop.tab("Tindakan")
    # Judging is open: no results, so nothing to finalize, award or print yet.
    laptop.press("Tetapkan final")
    expect(laptop.note("results")).to_contain_text("HTTP 40")
    laptop.press("Tarik hasil sementara")
    dialog = page.get_by_role("dialog", name="Tarik hasil sementara?")
    dialog.get_by_label("Alasan").fill("Uji")
    dialog.get_by_role("button", name="Tarik hasil").click()
    expect(laptop.note("results")).to_contain_text("HTTP 40")
    laptop.press("Terbitkan penghargaan dan piagam")
    expect(laptop.note("awards")).to_contain_text("HTTP 40")
    laptop.press("Berita acara (PDF)")
    expect(laptop.note("downloads")).to_contain_text("404")
    # One stage only: no stage to advance to, and a move that is no move.
    expect(page.get_by_role("button", name="Pratinjau lolos tahap")).to_have_count(0)
    laptop.press("Umumkan hasil")
    page.get_by_role("dialog", name="Umumkan hasil?").get_by_role(
        "button", name="Ya, umumkan"
    ).click()
    note = laptop.note("results")
    expect(note).to_contain_text(
        "Langkah ini tidak diizinkan pada status konvensi sekarang. (HTTP 409)"
    )
    expect(note.locator(".problem-detail")).not_to_be_empty()
    # A field the server refuses is named.
    page.get_by_label("Masa sanggah (hari)").fill("999")
    laptop.press("Umumkan hasil")
    page.get_by_role("dialog", name="Umumkan hasil?").get_by_role(
        "button", name="Ya, umumkan"
    ).click()
    expect(note).to_contain_text("HTTP 422")
    expect(note.locator(".problem-fields")).to_contain_text("objection_days")
    if HAS_IMPORTS:
        laptop.tab("Impor", "Impor dari berkas")
        picture = tmp_path / "foto.png"
        picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        page.get_by_label("Berkas OPD (CSV atau XLSX)").set_input_files(str(picture))
        laptop.press("Periksa berkas OPD")
        expect(page.locator("#import-result .problem")).to_contain_text("415")
        laptop.press("Impor Inovasi")
        expect(page.get_by_text("Inovasi: pilih berkas lebih dulu.")).to_be_visible()
    assert laptop.axe() == []


# --- piagam: corrections, logo, sample, one PDF to print ------------------------------------


def certified(base_url: str) -> Any:
    """A convention judged in full, its results final and its awards and piagam issued: three
    winners (``top_n`` 10), each with a piagam for its OPD and one for its innovator."""
    convention = seed_convention(base_url, entries=3, jurors=2)
    for juror in convention.jurors:
        with client(base_url, juror.token) as c:
            for n, entry_id in enumerate(convention.entry_ids):
                scores = {code: float(4 + n + len(code) % 3) for code in convention.codes}
                ok(c.put(convention.sheet_url(entry_id), json={"scores": scores, "submit": True}))
    with client(base_url, convention.admin_token) as c:
        ok(c.patch(convention.url(), json={"status": "closed"}))
        ok(c.post(convention.url("/results"), json={"objection_days": 0}), 201)
        ok(c.post(convention.url("/awards")), 201)
    return convention


def png(size: tuple[int, int] = (240, 120)) -> bytes:
    from PIL import Image  # the server's own image library

    out = io.BytesIO()
    Image.new("RGB", size, (13, 92, 87)).save(out, format="PNG")
    return out.getvalue()


def emblem() -> bytes:
    """A logo for the screenshots: a teal disc with a gold ring on white."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 360), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 340, 340), fill=(13, 92, 87), outline=(199, 150, 20), width=18)
    draw.polygon([(180, 80), (260, 270), (100, 270)], fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


@pytest.mark.time_limit(300)
def test_piagam_are_revoked_reissued_and_printed_from_the_dashboard(
    server: Server, laptops: Any, tmp_path: Path
) -> None:
    convention = certified(server.url)
    with client(server.url, convention.admin_token) as c:
        issued = ok(c.get(convention.url("/certificates")))["items"]
    assert len(issued) == 6
    first = issued[0]
    laptop = laptops()
    page = laptop.page
    signed_in(laptop, f"Konvensi Inovasi {convention_tag(convention.cid, server)}")
    laptop.tab("Piagam")
    rows = page.locator("table.certificates tbody tr")
    expect(rows).to_have_count(6)
    expect(page.locator("#certificates-count")).to_have_text("1\u20136 dari 6 piagam")
    expect(rows.first).to_contain_text(first["number"])
    expect(rows.first).to_contain_text("Sah")
    expect(page.get_by_role("button", name="Terbitkan ulang")).to_have_count(0)
    screens = {"piagam": laptop.axe()}

    # A revoke without a reason is refused, the field named; with one, the row says revoked.
    laptop.press(f"Cabut piagam {first['number']}")
    dialog = page.get_by_role("dialog", name=f"Cabut piagam {first['number']}?")
    screens["revoke"] = laptop.axe()
    dialog.get_by_role("button", name="Cabut piagam").click()
    note = laptop.note("certificates")
    expect(note).to_contain_text("Isian ditolak server. (HTTP 422)")
    expect(note.locator(".problem-fields")).to_contain_text("reason")
    laptop.press(f"Cabut piagam {first['number']}")
    dialog.get_by_label("Alasan pencabutan").fill("Nama OPD salah tulis")
    dialog.get_by_role("button", name="Cabut piagam").click()
    expect(note).to_have_text(f"Piagam {first['number']} dicabut.")
    expect(rows.first).to_contain_text("Dicabut")
    expect(rows.first).to_contain_text("Nama OPD salah tulis")

    # Reissued: the new one is listed, the old one names it and offers no second reissue.
    laptop.press(f"Terbitkan ulang piagam {first['number']}")
    page.get_by_role("dialog", name=f"Terbitkan ulang piagam {first['number']}?").get_by_role(
        "button", name="Terbitkan piagam pengganti"
    ).click()
    expect(note).to_contain_text("Piagam pengganti 007/KIP-SLK/")
    with client(server.url, convention.admin_token) as c:
        after = ok(c.get(convention.url("/certificates")))["items"]
    assert len(after) == 7
    old, new = after[0], after[6]
    assert (old["status"], old["revoked_reason"]) == ("revoked", "Nama OPD salah tulis")
    assert old["replaced_by_code"] == new["code"] and new["replaces_id"] == old["id"]
    assert (new["status"], new["recipient_name"]) == ("valid", old["recipient_name"])
    expect(note).to_contain_text(f"(kode {new['code']})")
    expect(rows).to_have_count(7)
    expect(rows.first.locator("td").nth(5)).to_have_text(new["code"])
    expect(rows.first.get_by_role("button")).to_have_count(0)
    expect(rows.nth(6)).to_contain_text(new["number"])
    expect(page.get_by_role("button", name="Terbitkan ulang")).to_have_count(0)
    page.get_by_label("Jenis", exact=True).select_option("juror")
    expect(page.get_by_text("Belum ada piagam.")).to_be_visible()
    page.get_by_label("Jenis", exact=True).select_option("winner")
    expect(rows).to_have_count(7)

    # The logo: each refusal shown in the secretariat's words, then one kept and removed.
    logo_note = laptop.note("logo")
    cases = [
        ("rusak.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "Gambar rusak", "HTTP 422"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "PNG atau JPEG", "HTTP 415"),
        ("besar.png", png() + b"\0" * (1 << 20), "paling besar 1 MB", "HTTP 413"),
    ]
    for name, data, words, status in cases:
        picked = {"name": name, "mimeType": "image/png", "buffer": data}
        page.get_by_label("Berkas logo (PNG atau JPEG, paling besar 1 MB)").set_input_files(picked)
        laptop.press("Unggah logo")
        expect(logo_note.locator(".problem-title")).to_contain_text(words)
        expect(logo_note.locator(".problem-title")).to_contain_text(status)
    expect(page.get_by_text("Belum ada logo.")).to_be_visible()
    picked = {"name": "pemkot.png", "mimeType": "image/png", "buffer": png()}
    page.get_by_label("Berkas logo (PNG atau JPEG, paling besar 1 MB)").set_input_files(picked)
    laptop.press("Unggah logo")
    expect(logo_note).to_have_text(
        "Logo disimpan: 240\u00d7120 piksel. Dicetak di kepala setiap piagam."
    )
    shown = page.get_by_role("img", name="Logo yang dicetak di piagam")
    expect(shown).to_be_visible()
    assert shown.evaluate("img => img.naturalWidth") == 240
    screens["logo"] = laptop.axe()
    sample = laptop.download("Contoh piagam", tmp_path)
    assert sample.name == "contoh-piagam-winner.pdf" and sample.read_bytes()[:5] == b"%PDF-"
    page.get_by_label("Jenis contoh").select_option("juror")
    sample = laptop.download("Contoh piagam", tmp_path)
    assert sample.name == "contoh-piagam-juror.pdf" and pdf_pages(sample) == 1
    laptop.press("Hapus logo")
    expect(logo_note).to_have_text("Logo dihapus.")
    expect(page.get_by_text("Belum ada logo.")).to_be_visible()
    with client(server.url, convention.admin_token) as c:
        assert c.get(convention.url("/logo")).status_code == 404

    # One PDF to print: the revoked piagam left out, a page each; none of a kind is refused.
    laptop.tab("Tindakan")
    page.get_by_label("Jenis piagam untuk dicetak").select_option("juror")
    laptop.press("Unduh satu PDF untuk dicetak")
    expect(laptop.note("downloads")).to_contain_text("HTTP 404")
    page.get_by_label("Jenis piagam untuk dicetak").select_option("winner")
    printed = laptop.download("Unduh satu PDF untuk dicetak", tmp_path)
    assert printed.read_bytes()[:5] == b"%PDF-" and pdf_pages(printed) == 6
    page.get_by_label("Jenis piagam untuk dicetak").select_option("")
    laptop.press("Terbitkan piagam juri")
    expect(laptop.note("awards")).to_contain_text("Piagam apresiasi juri: 2 diterbitkan.")
    printed = laptop.download("Unduh satu PDF untuk dicetak", tmp_path)
    assert pdf_pages(printed) == 8
    archive = laptop.download("Semua piagam (ZIP)", tmp_path)
    with zipfile.ZipFile(archive) as z:
        assert len(z.namelist()) == 9  # the revoked one included, marked
    screens["actions"] = laptop.axe()
    assert {screen: found for screen, found in screens.items() if found} == {}
    for viewport in (LAPTOP, TABLET):
        page.set_viewport_size(viewport)
        laptop.tab("Piagam")
        assert laptop.layout_problems() == [], viewport


# --- accounts ---------------------------------------------------------------------------------


def test_an_admin_makes_and_deactivates_a_secretariat_account(server: Server, laptops: Any) -> None:
    convention = seed_convention(server.url, entries=1, jurors=1)
    other = seed_convention(server.url, entries=1, jurors=1)
    name = f"Konvensi Inovasi {convention_tag(convention.cid, server)}"
    username = f"sekretariat.{convention_tag(convention.cid, server)}"
    password = "kata-sandi-sekretariat"
    admin = laptops()
    page = admin.page
    admin.open()
    admin.login(*ADMIN)
    page.get_by_role("heading", name="Pilih konvensi").wait_for()
    page.get_by_role("link", name="Akun", exact=True).click()
    page.get_by_role("heading", name="Akun", level=1).wait_for()
    admin.wait_idle()
    expect(page.get_by_role("link", name="Akun", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("table.accounts tbody")).to_contain_text(ADMIN[0])
    screens = {"accounts": admin.axe()}
    form = page.locator("#account-form")
    note = admin.note("account-create")

    # Refused: a short password (the field named), then a name that exists ignoring case.
    form.get_by_label("Nama pengguna").fill(username)
    form.get_by_label("Nama lengkap").fill("Sekretariat Uji")
    form.get_by_label("Kata sandi").fill("pendek")
    form.get_by_label(name, exact=False).check()
    admin.press("Buat akun")
    expect(note).to_contain_text("HTTP 422")
    expect(note.locator(".problem-fields")).to_contain_text("password")
    form.get_by_label("Nama pengguna").fill(ADMIN[0].upper())
    form.get_by_label("Kata sandi").fill(password)
    admin.press("Buat akun")
    expect(note).to_contain_text("Sudah dilakukan sebelumnya, atau datanya sudah ada. (HTTP 409)")
    screens["refused"] = admin.axe()
    form.get_by_label("Nama pengguna").fill(username)
    admin.press("Buat akun")
    expect(note).to_have_text(f"Akun sekretariat {username} dibuat untuk: {name}.")
    row = page.locator("table.accounts tbody tr", has_text=username)
    expect(row).to_contain_text("Sekretariat")
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("Aktif")
    token = login(server.url, username, password)
    with client(server.url, token) as c:
        me = ok(c.get("/api/v1/me"))
        assert (me["role"], me["convention_ids"]) == ("secretariat", [convention.cid])
        assert c.get(f"/api/v1/conventions/{other.cid}").status_code == 404

    # The secretariat's own laptop: its convention only, and no accounts screen.
    desk = laptops()
    desk.open()
    desk.login(username, password)
    desk.page.get_by_role("heading", name="Pilih konvensi").wait_for()
    expect(desk.page.locator(".picker li")).to_have_count(1)
    expect(desk.page.locator(".picker")).to_contain_text(name)
    expect(desk.page.get_by_role("link", name="Akun", exact=True)).to_have_count(0)
    desk.open("#/akun")
    expect(desk.page.get_by_text("Hanya admin yang mengelola akun sekretariat.")).to_be_visible()
    assert desk.axe() == []

    # Deactivated: its logins refused and its session ended; reactivated, it signs in again.
    page.get_by_role("button", name=f"Nonaktifkan {username}").click()
    expect(admin.note("accounts")).to_contain_text(f"Akun {username} dinonaktifkan")
    expect(row).to_contain_text("Nonaktif")
    with client(server.url) as c:
        form_body = {"username": username, "password": password}
        assert c.post("/api/v1/auth/token", data=form_body).status_code == 401
    with client(server.url, convention.admin_token) as c:
        listed = ok(c.get("/api/v1/accounts?role=secretariat&limit=500"))["items"]
        assert [a["active"] for a in listed if a["username"] == username] == [False]
    desk.open("#/")  # the picker asks the API again: 401, and the dashboard says why
    expect(desk.page.get_by_text("Sesi Anda berakhir")).to_be_visible()
    page.get_by_role("button", name=f"Aktifkan {username}").click()
    expect(admin.note("accounts")).to_have_text(f"Akun {username} aktif lagi.")
    assert login(server.url, username, password)
    assert {screen: found for screen, found in screens.items() if found} == {}
    assert admin.layout_problems() == []


def test_a_juror_is_deactivated_and_let_in_again_from_the_dashboard(
    server: Server, laptops: Any
) -> None:
    convention = seed_convention(server.url, entries=2, jurors=2)
    name = f"Konvensi Inovasi {convention_tag(convention.cid, server)}"
    juror, other = convention.jurors
    url = convention.url(f"/jurors/me/sheets/{convention.entry_ids[0]}")
    with client(server.url, juror.token) as c:
        sheet = {"scores": dict.fromkeys(convention.codes, 7.0), "submit": True}
        ok(c.put(url, json=sheet))
    with client(server.url, convention.admin_token) as c:
        ok(
            c.patch(
                convention.url(f"/jurors/{other.id}"),
                json={"conflict_opd_ids": [convention.opd_ids[1]]},
            )
        )
    admin = laptops()
    page = admin.page
    signed_in(admin, name)
    admin.tab("Juri")
    rows = page.locator("table.jurors tbody tr")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text=juror.username)
    expect(row).to_contain_text("Aktif")
    expect(row).to_contain_text("KemenPAN-RB")
    expect(rows.filter(has_text=other.username)).to_contain_text("DINKES")
    assert admin.axe() == []

    admin.press(f"Nonaktifkan juri {juror.username}")
    expect(admin.note("jurors")).to_contain_text(f"({juror.username}) dinonaktifkan")
    expect(row.locator(".badge")).to_have_text("Nonaktif")
    with client(server.url, juror.token) as c:
        assert c.get("/api/v1/me").status_code == 401  # the tablet's session ended
    with client(server.url) as c:
        form_body = {"username": juror.username, "password": JUROR_PASSWORD}
        assert c.post("/api/v1/auth/token", data=form_body).status_code == 401
    with client(server.url, convention.admin_token) as c:
        listed = ok(c.get(convention.url("/jurors?limit=500")))["items"]
        assert {j["username"]: j["active"] for j in listed} == {
            juror.username: False,
            other.username: True,
        }
        progress = ok(c.get(convention.url("/progress")))
        submitted = {j["juror_id"]: j["submitted"] for j in progress["jurors"]}
        assert submitted[juror.id] == 1  # the sheet it sent still counts
    assert admin.axe() == []

    admin.press(f"Aktifkan juri {juror.username}")
    expect(admin.note("jurors")).to_have_text(f"Juri Juri 0 ({juror.username}) aktif lagi.")
    expect(row.locator(".badge")).to_have_text("Aktif")
    assert login(server.url, juror.username, JUROR_PASSWORD)
    assert admin.layout_problems() == []


# --- the screenshots of docs/dashboard.md -----------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``konvensi serve --demo``, as ``make run`` starts it: the Solok convention mid-judging
    and the staged KIPP."""
    tmp = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{tmp / 'demo.db'}"
    migrate(url)

    def command(port: int) -> list[str]:
        return [*serve_command(1)(port), "--demo"]

    server = Server(command, server_env(url), log_dir=tmp)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_screenshots_of_every_screen(demo: Server, laptops: Any, tmp_path: Path) -> None:
    """Written to $KONVENSI_SCREENSHOT_DIR when set (docs/screenshots), else a temporary
    folder; looked at by a person before they are committed."""
    out = shot_dir(tmp_path)
    laptop = laptops(demo.url)
    page = laptop.page
    laptop.open()
    page.get_by_label("Nama pengguna").wait_for()
    laptop.shoot(out / "dashboard-login.png")
    laptop.login(*ADMIN)
    page.get_by_role("heading", name="Pilih konvensi").wait_for()
    laptop.pick("Konvensi Inovasi Daerah Kota Solok 2018")
    laptop.wait_idle()
    laptop.shoot(out / "dashboard-progress.png")
    laptop.tab("Peringkat")
    expect(page.locator("tr.row-cusp")).to_have_count(1)
    laptop.shoot(out / "dashboard-ranking.png")
    page.locator("tr.row-cusp").get_by_role("button").click()
    expect(page.get_by_role("dialog")).to_contain_text("Penghargaannya berubah tanpa")
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / "dashboard-explain.png"))
    page.get_by_role("dialog").get_by_role("button", name="Tutup").click()
    laptop.tab("Grafik")
    laptop.shoot(out / "dashboard-charts.png", full_page=True)
    laptop.tab("Tindakan")
    laptop.press("Umumkan hasil")
    page.get_by_role("dialog", name="Umumkan hasil?").get_by_role(
        "button", name="Ya, umumkan"
    ).click()
    expect(laptop.note("results")).to_contain_text("409")
    laptop.shoot(out / "dashboard-actions.png", full_page=True)
    # A pause in judging (closed, then open again), for the audit log to show.
    laptop.press("Tutup penilaian")
    expect(page.locator("#convention-status")).to_have_text("Penilaian ditutup")
    laptop.press("Buka penilaian")
    expect(page.locator("#convention-status")).to_have_text("Penilaian dibuka")
    if HAS_IMPORTS:
        laptop.tab("Impor", "Impor dari berkas")
        bad = write(
            tmp_path / "inovasi.csv",
            "judul,akronim,kode_opd,kategori,ringkasan,inovator\n"
            "Lapak Digital UMKM,LAPAK,DISKOMINFO,teknologi,Pasar daring,Rina|123\n"
            "Posyandu Pintar,,DINKES,kesehatan,,\n",
        )
        page.get_by_label("Berkas Inovasi (CSV atau XLSX)").set_input_files(str(bad))
        laptop.press("Periksa berkas Inovasi")
        expect(page.locator("table.import-errors")).to_be_visible()
        laptop.shoot(out / "dashboard-import.png", full_page=True)
    laptop.tab("Juri")
    expect(page.locator("table.jurors tbody tr")).not_to_have_count(0)
    laptop.shoot(out / "dashboard-jurors.png")
    laptop.tab("Audit")
    expect(page.locator("table.audit tbody tr")).to_have_count(2)
    laptop.shoot(out / "dashboard-audit.png")
    # The staged convention: the first stage's ranking while it is judged.
    page.get_by_role("link", name="Ganti konvensi").click()
    page.get_by_role("heading", name="Pilih konvensi").wait_for()
    laptop.shoot(out / "dashboard-picker.png")
    # Solok judged, published and awarded through the API, with a logo; one piagam corrected
    # from the dashboard; then the accounts, with a secretariat account for Solok.
    token = login(demo.url, *ADMIN)
    with client(demo.url, token) as c:
        solok = next(x for x in ok(c.get("/api/v1/conventions"))["items"] if "Solok" in x["name"])
        base = f"/api/v1/conventions/{solok['id']}"
        ok(c.patch(base, json={"status": "closed"}))
        ok(c.post(f"{base}/results", json={"allow_incomplete": True}), 201)
        ok(c.post(f"{base}/awards"), 201)
        ok(c.put(f"{base}/logo", content=emblem(), headers={"Content-Type": "image/png"}), 201)
    laptop.pick("Konvensi Inovasi Daerah Kota Solok 2018")
    laptop.tab("Piagam")
    page.get_by_role("img", name="Logo yang dicetak di piagam").wait_for()
    first = page.locator("table.certificates tbody tr").first.locator("th").inner_text()
    laptop.press(f"Cabut piagam {first}")
    dialog = page.get_by_role("dialog", name=f"Cabut piagam {first}?")
    dialog.get_by_label("Alasan pencabutan").fill("Nama OPD salah tulis")
    dialog.get_by_role("button", name="Cabut piagam").click()
    laptop.press(f"Terbitkan ulang piagam {first}")
    page.get_by_role("dialog").get_by_role("button", name="Terbitkan piagam pengganti").click()
    expect(laptop.note("certificates")).to_contain_text("Piagam pengganti")
    laptop.shoot(out / "dashboard-piagam.png")
    page.get_by_role("link", name="Akun", exact=True).click()
    page.get_by_role("heading", name="Akun", level=1).wait_for()
    laptop.wait_idle()
    form = page.locator("#account-form")
    # The demo has Solok's secretariat (sekretariat.solok) already: this one runs the KIPP.
    form.get_by_label("Nama pengguna").fill("sekretariat.sumbar")
    form.get_by_label("Nama lengkap").fill("Sekretariat KIPP Sumatera Barat")
    form.get_by_label("Kata sandi").fill("rahasia-panjang-sekali")
    form.get_by_label("Kompetisi Inovasi Pelayanan Publik Provinsi Sumatera Barat 2018").check()
    laptop.press("Buat akun")
    expect(laptop.note("account-create")).to_contain_text("dibuat untuk")
    laptop.shoot(out / "dashboard-accounts.png")
    for shot in out.glob("dashboard-*.png"):
        assert shot.stat().st_size > 15_000, shot
