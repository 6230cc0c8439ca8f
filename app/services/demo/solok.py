"""Kota Solok's Konvensi Inovasi Daerah of May 2018: the demo's first convention.

The innovations and OPDs are the ones a press report of the Display Inovasi of 8 May 2018
names (Menpan RB dan Kepala LAN RI Apresiasi Pemko Solok); the rubric is a common
KIPP/IGA-style one. The report names no innovators, so each entry's innovator is its OPD's
innovation team. The report names 9 of the 158 innovations; on 9 entries a top 10 would
award everyone, so the demo awards a top 3.

Judging is under way: three of the four jurors have submitted every sheet (plausible scores:
FASTREN clearly first, SATE LOKAN and KAMPUNG BERDASI tied, SMASH CARE'S at the cusp of the
top 3: one juror's absence would award it), the fourth has drafts to finish.
"""

from __future__ import annotations

from datetime import date

from app.enums import ConventionStatus

CONVENTION = {
    "name": "Konvensi Inovasi Daerah Kota Solok 2018",
    "year": 2018,
    "host": "Pemerintah Kota Solok",
    "top_n": 3,
    "letter_code": "KIP-SLK",
    "award_names": ["Juara I", "Juara II", "Juara III"],
    "city": "Solok",
    "signatory_name": "Zul Elfian",
    "signatory_title": "Wali Kota Solok",
    "status": ConventionStatus.JUDGING,
    # Day two of the Display Inovasi, when the Wali Kota gave the awards (Rabu, 9 Mei 2018).
    "ceremony_date": date(2018, 5, 9),
}

# code, name, weight, tie-break rank
CRITERIA = [
    ("KEBARUAN", "Kebaruan", 25.0, 2),
    ("KEMANFAATAN", "Kemanfaatan & Dampak", 25.0, 1),
    ("REPLIKASI", "Replikasi", 15.0, None),
    ("KEBERLANJUTAN", "Keberlanjutan", 15.0, None),
    ("KOLABORASI", "Kewenangan Daerah & Kolaborasi", 10.0, None),
    ("PENYAJIAN", "Kualitas Penyajian", 10.0, None),
]

# Every criterion's lowest score, highest score and step.
SCALE = (1.0, 10.0, 0.5)

PANELS = ["KemenPAN-RB", "LAN"]

OPDS = [
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DINKES", "Dinas Kesehatan"),
    ("ORGANISASI", "Bagian Organisasi Sekretariat Daerah"),
    ("BALITBANG", "Badan Penelitian dan Pengembangan"),
    ("DLH", "Dinas Lingkungan Hidup"),
    ("DISTAN", "Dinas Pertanian"),
    ("DISPANGAN", "Dinas Pangan"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
]

# acronym, title, OPD code, category, summary
ENTRIES = [
    (
        "FASTREN",
        "Fasilitator Perencanaan Teladan",
        "BAPPEDA",
        "sdm",
        "Fasilitator terlatih memandu pramusrenbang dan musrenbang di kelurahan dan kecamatan, "
        "menjaring aspirasi masyarakat hingga ke akar.",
    ),
    (
        "LANGKOK",
        "Lahir Pulang OK",
        "DISDUKCAPIL",
        "proses",
        "Bayi yang baru lahir langsung memperoleh akta kelahiran.",
    ),
    (
        "SMASH CARE'S",
        "Solok Madinah Sehat Cara Revolusi untuk Sehat",
        "DINKES",
        "hubungan",
        "Integrasi PSC 119 dengan program Pemko Solok: jemput bola pelayanan kesehatan darurat.",
    ),
    (
        "SCANDAL TALAK",
        "Scan Dokumen Anti Hilang - Tata Laksana",
        "ORGANISASI",
        "teknologi",
        "Surat masuk dan keluar dipindai ke basis data sehingga tidak lagi hilang atau tercecer.",
    ),
    (
        "SATE LOKAN",
        "Selesai Kegiatan Langsung Laporkan Pertanggungjawaban",
        "BALITBANG",
        "proses",
        "Pengumuman rutin bendahara melalui grup WhatsApp agar laporan keuangan tepat waktu.",
    ),
    (
        "KAMPUNG BERDASI",
        "Bersih, Indah, Sehat dan Berseri",
        "DLH",
        "konseptual",
        "Kegiatan menjadikan Kota Solok bersih, indah, sehat dan berseri.",
    ),
    (
        "TAPASO JARWO",
        "Tanam Padi Solok Jajar Legowo",
        "DISTAN",
        "metode",
        "Membudayakan teknologi tanam jajar legowo untuk varietas beras Anak Daro yang asli dan "
        "murni.",
    ),
    (
        "JAKA SUPER",
        "Jadikan Pekarangan Sebagai Sumber Pangan Keluarga",
        "DISPANGAN",
        "produk",
        "Pekarangan sebagai sumber pangan dan tambahan penghasilan keluarga.",
    ),
    (
        "SIMESRA",
        "Sistem Informasi Ruang Pertemuan Bersama",
        "DISKOMINFO",
        "teknologi",
        "OPD memesan ruang rapat bersama melalui aplikasi.",
    ),
]

# username, full name, panel
JURORS = [
    ("juri.kemenpan.1", "Juri KemenPAN-RB 1", "KemenPAN-RB"),
    ("juri.kemenpan.2", "Juri KemenPAN-RB 2", "KemenPAN-RB"),
    ("juri.lan.1", "Juri LAN 1", "LAN"),
    ("juri.lan.2", "Juri LAN 2", "LAN"),
]

# SATE LOKAN's and KAMPUNG BERDASI's sheets: the same, so the two tie.
TIED = (
    (8.0, 7.0, 6.5, 6.5, 7.0, 7.0),
    (6.5, 7.5, 7.5, 6.0, 7.0, 7.0),
    (6.0, 7.0, 6.5, 6.5, 7.0, 6.0),
)

# The submitted sheets of the first three jurors (in JURORS' order), the criteria in
# CRITERIA's order, by entry acronym.
SUBMITTED: dict[str, tuple[tuple[float, ...], ...]] = {
    "FASTREN": (
        (9.0, 9.0, 8.5, 7.5, 8.5, 8.0),
        (9.5, 9.5, 8.5, 9.0, 9.5, 9.0),
        (8.5, 9.0, 9.5, 8.5, 7.5, 10.0),
    ),
    "LANGKOK": (
        (8.0, 8.5, 8.5, 7.5, 7.5, 7.0),
        (7.5, 6.5, 7.0, 8.5, 8.0, 7.0),
        (8.5, 6.5, 7.0, 7.0, 8.5, 8.0),
    ),
    "SMASH CARE'S": (
        (8.0, 7.0, 7.0, 6.0, 6.0, 7.0),
        (7.5, 6.5, 6.5, 7.0, 7.0, 6.0),
        (6.5, 7.5, 7.5, 8.0, 6.0, 6.5),
    ),
    "SCANDAL TALAK": (
        (7.0, 6.0, 5.5, 7.5, 6.0, 6.5),
        (5.0, 5.5, 6.0, 7.0, 6.0, 5.5),
        (6.0, 5.0, 6.5, 6.0, 6.0, 7.0),
    ),
    "SATE LOKAN": TIED,
    "KAMPUNG BERDASI": TIED,
    "TAPASO JARWO": (
        (7.5, 7.0, 6.5, 6.5, 6.0, 7.5),
        (7.0, 8.0, 7.5, 6.0, 8.0, 8.0),
        (7.0, 7.5, 7.5, 7.0, 6.0, 7.5),
    ),
    "JAKA SUPER": (
        (5.0, 5.0, 5.0, 6.5, 6.0, 4.5),
        (5.0, 5.0, 6.0, 5.0, 5.0, 5.5),
        (6.0, 6.0, 6.5, 6.5, 5.5, 5.0),
    ),
    "SIMESRA": (
        (7.0, 6.0, 5.5, 5.5, 6.0, 5.5),
        (6.5, 5.0, 6.0, 5.0, 6.5, 6.5),
        (5.0, 5.0, 6.0, 7.0, 6.0, 6.0),
    ),
}

# The fourth juror's drafts: some criteria of some entries, to finish on a tablet.
DRAFTS: dict[str, dict[str, float]] = {
    "FASTREN": {"KEBARUAN": 9.0, "KEMANFAATAN": 8.5},
    "LANGKOK": {"KEBARUAN": 7.5},
}
