"""The demo convention: Kota Solok's Konvensi Inovasi Daerah of May 2018.

The innovations and OPDs are the ones a press report of the Display Inovasi of 8 May 2018
names (Menpan RB dan Kepala LAN RI Apresiasi Pemko Solok); the rubric is a common
KIPP/IGA-style one. The report names no innovators, so each entry's innovator is its OPD's
innovation team.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.enums import ConventionStatus, Role
from app.models import (
    Account,
    Convention,
    Criterion,
    Entry,
    Innovator,
    Opd,
    Panel,
)
from app.security import new_credential_stamp
from app.services.stages import default_stage

CONVENTION = {
    "name": "Konvensi Inovasi Daerah Kota Solok 2018",
    "year": 2018,
    "host": "Pemerintah Kota Solok",
    "top_n": 10,
    "letter_code": "KIP-SLK",
    "award_names": ["Juara I", "Juara II", "Juara III"],
    "city": "Solok",
    "signatory_name": "Zul Elfian",
    "signatory_title": "Wali Kota Solok",
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
DEMO_ADMIN = "sekretariat"


@dataclass(frozen=True, slots=True)
class DemoLogins:
    convention_id: int
    logins: list[tuple[str, str, str]]  # (role, username, password)


def database_is_empty(session: Session) -> bool:
    has_convention = session.scalar(select(exists().where(Convention.id.is_not(None))))
    return not has_convention


def load(session: Session, hash_password: Callable[[str], str], *, with_admin: bool) -> DemoLogins:
    """Load the demo convention (in `judging`, ready to score) and its juror accounts."""
    convention = Convention(**CONVENTION, status=ConventionStatus.JUDGING)
    session.add(convention)
    session.flush()
    stage = default_stage(convention.id)
    session.add(stage)
    session.flush()
    for code, name, weight, tie_break in CRITERIA:
        session.add(
            Criterion(
                convention_id=convention.id,
                stage_id=stage.id,
                code=code,
                name=name,
                weight=weight,
                min_score=1.0,
                max_score=10.0,
                step=0.5,
                tie_break_rank=tie_break,
            )
        )
    panels = {name: Panel(convention_id=convention.id, name=name, weight=1.0) for name in PANELS}
    opds = {code: Opd(convention_id=convention.id, code=code, name=name) for code, name in OPDS}
    session.add_all([*panels.values(), *opds.values()])
    session.flush()
    for acronym, title, opd_code, category, summary in ENTRIES:
        session.add(
            Entry(
                convention_id=convention.id,
                opd_id=opds[opd_code].id,
                title=title,
                acronym=acronym,
                category=category,
                summary=summary,
                innovators=[Innovator(position=0, name=f"Tim Inovasi {opd_code.title()}")],
            )
        )
    logins: list[tuple[str, str, str]] = []
    accounts = [(username, full_name, panel) for username, full_name, panel in JURORS]
    for username, full_name, panel in accounts:
        password = secrets.token_urlsafe(9)
        session.add(
            Account(
                username=username,
                full_name=full_name,
                role=Role.JUROR,
                password_hash=hash_password(password),
                credential_stamp=new_credential_stamp(),
                convention_id=convention.id,
                panel_id=panels[panel].id,
            )
        )
        logins.append(("juror", username, password))
    if with_admin:
        password = secrets.token_urlsafe(9)
        session.add(
            Account(
                username=DEMO_ADMIN,
                full_name="Sekretariat Konvensi",
                role=Role.ADMIN,
                password_hash=hash_password(password),
                credential_stamp=new_credential_stamp(),
            )
        )
        logins.insert(0, ("admin", DEMO_ADMIN, password))
    session.flush()
    return DemoLogins(convention.id, logins)
