"""The piagam benchmark on a handful of certificates: every timing reported against its
floor, the floor's pages really in core fonts, and (slow) the served half."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.services import certificate_pdf
from bench import certificates, certificates_served, common


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(common, "ROOT", tmp_path)
    monkeypatch.setattr(common, "RESULTS", tmp_path / "bench" / "results")
    return tmp_path / "bench" / "results"


def test_the_floor_draws_the_same_page_in_core_fonts() -> None:
    item = certificates.piagams(3, None)[2]
    floor = PdfReader(io.BytesIO(certificate_pdf.render(item, faces=certificates.CORE)))
    text = floor.pages[0].extract_text().splitlines()
    assert f"Nomor: {item.number}" in text
    assert item.recipient_name == "Yusuf \u00c7akra 3" and item.recipient_name in text
    fonts = floor.pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    assert sorted(f.get_object()["/BaseFont"] for f in fonts.values()) == [
        "/Helvetica",
        "/Times-Bold",
        "/Times-Italic",
        "/Times-Roman",
    ]
    assert b"/FontFile" not in certificate_pdf.render(item, faces=certificates.CORE)


def test_the_bench_reports_each_timing_against_its_floor(
    results: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = certificates.run((6,), http=False, with_logo=True)
    timings = payload["timings"]
    assert [t["what"] for t in timings] == ["floor one-file", "one-file", "floor single", "single"]
    assert all(t["seconds"] > 0 and t["bytes"] > 0 for t in timings)
    assert [t["x_floor"] is None for t in timings] == [True, False, True, False]
    assert [v.split(":")[0] for v in payload["verdicts"]] == ["one-file @ 6", "single @ 6"]
    assert list(results.glob("certificates-*.json"))
    assert "x floor" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.usefixtures("results")
def test_the_served_half_streams_and_measures() -> None:
    row = certificates_served.served(24)
    assert row["size"] == 24
    assert 0 < row["first_byte_s"] <= row["total_s"]
    assert row["worker_cpu_s"] > 0
    assert row["rss_peak_mb"] >= row["rss_before_mb"] > 0
    assert row["sheet_idle"]["failed"] == 0 and row["sheet_idle"]["median_ms"] > 0
    burst = row["public_burst"]
    assert burst["requests"] == 24
    # A burst of 10 from one address (less the warm-up's request, unless refilled since).
    assert burst["statuses"]["200"] in (9, 10)
    assert burst["statuses"]["200"] + burst["statuses"]["429"] == 24
    payload = certificates.report([], [row])
    assert any(v.startswith("worker peak RSS while serving 24 pages") for v in payload["verdicts"])
