"""A provincial innovation contest shaped like KemenPAN-RB's KIPP: the demo's second
convention, so that a newcomer sees stages at work.

Three stages: an administrative screening (done: 12 of 14 entries passed), a proposal
evaluation (weight 70, the top 10 go on; every sheet is in) and a presentation (weight 30).
The secretariat's next step is to close judging, preview the advance and advance. The
innovations are examples, not a real contest's.
"""

from __future__ import annotations

from datetime import date

from app.enums import ConventionStatus

CONVENTION = {
    "name": "Kompetisi Inovasi Pelayanan Publik Provinsi Sumatera Barat 2018",
    "year": 2018,
    "host": "Pemerintah Provinsi Sumatera Barat",
    "top_n": 3,
    "letter_code": "KIPP-SB",
    "award_names": ["Juara I", "Juara II", "Juara III"],
    "city": "Padang",
    "signatory_name": "Gubernur Sumatera Barat",
    "signatory_title": "Gubernur Sumatera Barat",
    "status": ConventionStatus.JUDGING,
    "ceremony_date": date(2018, 8, 17),
}

PANEL = "Tim Panel Independen"

# code, name, kind, weight, advance rule and count
STAGES = [
    ("SELEKSI", "Seleksi Administrasi", "screening", 0.0, None, None),
    ("PROPOSAL", "Evaluasi Proposal", "scored", 70.0, "top", 10),
    ("PRESENTASI", "Presentasi dan Wawancara", "scored", 30.0, "all", None),
]

# Every criterion's lowest score, highest score and step.
SCALE = (0.0, 100.0, 1.0)

# stage code -> (criterion code, name, weight, tie-break rank)
CRITERIA = {
    "PROPOSAL": [
        ("P-SUBSTANSI", "Substansi Inovasi", 40.0, 1),
        ("P-DAMPAK", "Dampak dan Manfaat", 35.0, 2),
        ("P-REPLIKASI", "Replikasi dan Keberlanjutan", 25.0, None),
    ],
    "PRESENTASI": [
        ("W-PENYAJIAN", "Penyajian", 50.0, 1),
        ("W-TANYA-JAWAB", "Tanya Jawab", 50.0, None),
    ],
}

# OPD code, name, innovation acronym, title, category, quality (0..10), passes screening
# fmt: off
ENTRIES = [
    (
        "PDG-DINKES",
        "Dinas Kesehatan Kota Padang",
        "SIPADU",
        "Sistem Pelayanan Terpadu Puskesmas",
        "teknologi",
        8.4,
        True,
    ),
    (
        "BKT-DISDUKCAPIL",
        "Disdukcapil Kota Bukittinggi",
        "KTP KILAT",
        "KTP Elektronik Sehari Jadi",
        "proses",
        8.1,
        True,
    ),
    (
        "SLK-BAPPEDA",
        "Bappeda Kota Solok",
        "FASTREN",
        "Fasilitator Perencanaan Teladan",
        "sdm",
        8.8,
        True,
    ),
    (
        "PYK-DPMPTSP",
        "DPMPTSP Kota Payakumbuh",
        "IZIN ONLINE",
        "Perizinan Daring Tanpa Tatap Muka",
        "teknologi",
        7.6,
        True,
    ),
    (
        "PRM-DINSOS",
        "Dinas Sosial Kota Pariaman",
        "SAPA LANSIA",
        "Sapa dan Layani Lansia di Rumah",
        "hubungan",
        7.2,
        True,
    ),
    (
        "SWL-DISTAN",
        "Dinas Pertanian Kota Sawahlunto",
        "TANI CERDAS",
        "Kalender Tanam Berbasis Pesan Singkat",
        "metode",
        6.9,
        True,
    ),
    (
        "PDP-DISDIK",
        "Dinas Pendidikan Kota Padang Panjang",
        "SEKOLAH RAMAH",
        "Sekolah Ramah Anak Terpadu",
        "konseptual",
        7.4,
        True,
    ),
    (
        "AGM-RSUD",
        "RSUD Kabupaten Agam",
        "ANTRI SEHAT",
        "Antrean Rumah Sakit dari Rumah",
        "teknologi",
        8.0,
        True,
    ),
    (
        "TND-DLH",
        "DLH Kabupaten Tanah Datar",
        "BANK SAMPAH",
        "Bank Sampah Nagari",
        "produk",
        6.6,
        True,
    ),
    (
        "PSM-KOMINFO",
        "Diskominfo Kabupaten Pasaman",
        "NAGARI DIGITAL",
        "Layanan Nagari Digital",
        "teknologi",
        7.0,
        True,
    ),
    (
        "50K-PUSKESMAS",
        "Puskesmas Kabupaten Lima Puluh Kota",
        "BIDAN SIAGA",
        "Bidan Siaga Desa",
        "hubungan",
        6.8,
        True,
    ),
    (
        "PES-BPBD",
        "BPBD Kabupaten Pesisir Selatan",
        "TANGGAP",
        "Tanggap Bencana Terpadu",
        "proses",
        7.8,
        True,
    ),
    (
        "SJJ-DPKP",
        "Dinas Perkim Kabupaten Sijunjung",
        "RUMAH LAYAK",
        "Rumah Layak Huni Gotong Royong",
        "konseptual",
        5.9,
        False,
    ),
    (
        "DHM-DISPAR",
        "Dinas Pariwisata Kabupaten Dharmasraya",
        "WISATA KITA",
        "Promosi Wisata Desa",
        "produk",
        5.5,
        False,
    ),
]
# fmt: on

SCREENING_REASON = "Berkas proposal tidak lengkap"

# username, full name
JURORS = [
    ("juri.kipp.1", "Juri Panel Independen 1"),
    ("juri.kipp.2", "Juri Panel Independen 2"),
    ("juri.kipp.3", "Juri Panel Independen 3"),
]
