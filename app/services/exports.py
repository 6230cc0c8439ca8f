"""The secretariat's tables: ranking, awards, certificates and rewards, with Indonesian
column headers, as CSV or XLSX (the certificates' PDFs: ``certificate_files``).

The table builders take the API's shapes (plain dicts, datetimes or their RFC 3339 text), so
the ``konvensi`` scripts build the same tables from the database or from a running server.
``ranking.csv`` of docs/api.md is a different thing, with English headers, and stays as is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Category
from app.models import Certificate, Convention, Reward
from app.services import awards, certificate_pdf, certificates, ranking, stability
from app.services.dates import JAKARTA
from app.services.ranking_input import load_input
from app.services.tables import Column, Table

Kind = Literal["ranking", "awards", "certificates", "rewards"]

CERTIFICATE_KINDS = {"winner": "Pemenang", "participant": "Peserta", "juror": "Juri"}
RECIPIENT_TYPES = {"opd": "OPD", "innovator": "Inovator", "juror": "Juri"}
CERTIFICATE_STATUSES = {"valid": "Berlaku", "revoked": "Dicabut"}
REWARD_KINDS = {"cash": "Uang Pembinaan", "plaque": "Plakat", "trophy": "Trofi", "other": "Lainnya"}
REWARD_STATUSES = {"planned": "Direncanakan", "delivered": "Diserahkan"}


def _moment(value: datetime | str | None) -> datetime | None:
    """A datetime from the API's value, in Asia/Jakarta (the secretariat's clock)."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.astimezone(JAKARTA)


def _label(labels: Mapping[str, str], value: str | None) -> str | None:
    return None if value is None else labels.get(value, value)


# --- builders ------------------------------------------------------------------------------


def ranking_table(
    body: Mapping[str, Any],
    panel_names: Sequence[str],
    stage_codes: Sequence[str] = (),
    stability: Mapping[int, Mapping[str, Any]] | None = None,
) -> Table:
    """The ranking as ``GET …/ranking`` answers it, one column per panel in id order, then one
    per scored stage (the final ranking of a convention judged in stages); with
    ``stability`` (rows of ``GET …/ranking/stability`` by entry), Step 8's verdict and award
    share at the end."""
    stages = list(stage_codes) if body.get("stage_id") is None else []
    steady = stability or {}
    columns = [
        Column("Peringkat", "int", 10),
        Column("ID Entri", "int", 9),
        Column("Judul Inovasi", "text", 40),
        Column("Akronim", "text", 14),
        Column("Kode OPD", "text", 14),
        Column("Kategori", "text", 12),
        Column("Peringkat Kategori", "int", 10),
        Column("Nilai", "number", 10),
        *[Column(f"Nilai {name}", "number", 12) for name in panel_names],
        *[Column(f"Tahap {code}", "number", 12) for code in stages],
        Column("Lembar Dinilai", "int", 10),
        Column("Lembar Diharapkan", "int", 10),
        Column("Lengkap", "bool", 9),
        Column("Seri", "bool", 7),
        Column("Penerima Penghargaan", "bool", 12),
        *(
            [Column("Stabilitas", "text", 11), Column("Porsi Penghargaan", "number", 12)]
            if stability is not None
            else []
        ),
    ]
    rows = [
        [
            row["rank"],
            row["entry_id"],
            row["title"],
            row["acronym"],
            row["opd_code"],
            row.get("category"),
            row.get("category_rank"),
            row["score"],
            *[row["panel_scores"].get(name) for name in panel_names],
            *[(row.get("stage_scores") or {}).get(code) for code in stages],
            row["sheet_count"],
            row["expected_sheet_count"],
            row["complete"],
            row["tied"],
            row["awarded"],
            *(
                [
                    steady.get(row["entry_id"], {}).get("verdict"),
                    steady.get(row["entry_id"], {}).get("awarded_share"),
                ]
                if stability is not None
                else []
            ),
        ]
        for row in body["rows"]
    ]
    return Table(f"Peringkat ({body['method']})", columns, rows)


_CATEGORY_ORDER = {c.value: i for i, c in enumerate(Category)}


def award_list(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ceremony's award list: by rank, then entry; with awards per category, category by
    category (in the contract's order of categories)."""
    keys = (
        "category",
        "rank",
        "name",
        "entry_id",
        "title",
        "acronym",
        "opd_code",
        "opd_name",
        "innovators",
    )
    ordered = sorted(
        items,
        key=lambda a: (_CATEGORY_ORDER.get(a.get("category") or "", -1), a["rank"], a["entry_id"]),
    )
    return [{key: a.get(key) for key in keys} for a in ordered]


def awards_table(items: Iterable[Mapping[str, Any]]) -> Table:
    """Awards as ``GET …/awards`` lists them (with entry, OPD and innovators)."""
    listed = award_list(items)
    by_category = any(a["category"] for a in listed)
    columns = [
        *([Column("Kategori", "text", 12)] if by_category else []),
        Column("Peringkat", "int", 10),
        Column("Penghargaan", "text", 16),
        Column("ID Entri", "int", 9),
        Column("Judul Inovasi", "text", 40),
        Column("Akronim", "text", 14),
        Column("Kode OPD", "text", 14),
        Column("Nama OPD", "text", 36),
        Column("Inovator", "text", 40),
    ]
    rows = [
        [
            *([a["category"]] if by_category else []),
            a["rank"],
            a["name"],
            a["entry_id"],
            a["title"],
            a["acronym"],
            a["opd_code"],
            a["opd_name"],
            "; ".join(a["innovators"] or []),
        ]
        for a in listed
    ]
    return Table("Penghargaan", columns, rows)


def certificates_table(items: Iterable[Mapping[str, Any]], public_url: str) -> Table:
    """Certificates as ``GET …/certificates`` lists them, with each one's verification link and,
    for a reissue, the number it replaces and the code that replaced a revoked one."""
    items = sorted(items, key=lambda c: c["id"])
    numbers = {c["id"]: c["number"] for c in items}
    columns = [
        Column("Nomor", "text", 22),
        Column("Jenis", "text", 11),
        Column("Jenis Penerima", "text", 11),
        Column("Nama Penerima", "text", 32),
        Column("ID Entri", "int", 9),
        Column("Judul Inovasi", "text", 36),
        Column("Nama OPD", "text", 32),
        Column("Peringkat", "int", 10),
        Column("Penghargaan", "text", 14),
        Column("Tanggal Terbit (WIB)", "datetime", 17),
        Column("Status", "text", 10),
        Column("Tanggal Dicabut (WIB)", "datetime", 17),
        Column("Alasan Pencabutan", "text", 30),
        Column("Diganti oleh (Kode)", "text", 20),
        Column("Menggantikan Nomor", "text", 22),
        Column("Kode Verifikasi", "text", 20),
        Column("Tautan Verifikasi", "text", 50),
    ]
    rows = [
        [
            c["number"],
            _label(CERTIFICATE_KINDS, c["kind"]),
            _label(RECIPIENT_TYPES, c["recipient_type"]),
            c["recipient_name"],
            c["entry_id"],
            c.get("entry_title"),
            c.get("opd_name"),
            c["rank"],
            c.get("award_name"),
            _moment(c["issued_at"]),
            _label(CERTIFICATE_STATUSES, c.get("status", "valid")),
            _moment(c.get("revoked_at")),
            c.get("revoked_reason"),
            c.get("replaced_by_code"),
            numbers.get(c.get("replaces_id")),
            c["code"],
            certificate_pdf.verify_url(public_url, c["code"]),
        ]
        for c in items
    ]
    return Table("Piagam", columns, rows)


def rewards_table(
    items: Iterable[Mapping[str, Any]], award_items: Iterable[Mapping[str, Any]]
) -> Table:
    """Rewards as ``GET …/rewards`` lists them, with their award's rank, name and entry."""
    by_id = {a["id"]: a for a in award_items}
    columns = [
        Column("ID", "int", 7),
        Column("Peringkat", "int", 10),
        Column("Penghargaan", "text", 14),
        Column("Judul Inovasi", "text", 36),
        Column("Jenis Penerima", "text", 11),
        Column("Nama Penerima", "text", 32),
        Column("Jenis Hadiah", "text", 16),
        Column("Jumlah (Rp)", "rupiah", 18),
        Column("Keterangan", "text", 30),
        Column("Status", "text", 13),
        Column("Tanggal Diserahkan (WIB)", "datetime", 17),
    ]
    rows = []
    for r in sorted(items, key=lambda r: r["id"]):
        award = by_id.get(r["award_id"], {})
        rows.append(
            [
                r["id"],
                award.get("rank"),
                award.get("name"),
                award.get("title"),
                _label(RECIPIENT_TYPES, r["recipient_type"]),
                r["recipient_name"],
                _label(REWARD_KINDS, r["kind"]),
                r["amount_idr"],
                r["description"],
                _label(REWARD_STATUSES, r["status"]),
                _moment(r["delivered_at"]),
            ]
        )
    return Table("Hadiah", columns, rows)


# --- from the database ---------------------------------------------------------------------


def certificate_items(session: Session, convention_id: int) -> list[dict[str, Any]]:
    return certificates.certificate_dicts(
        session,
        session.scalars(
            select(Certificate)
            .where(Certificate.convention_id == convention_id)
            .order_by(Certificate.id)
        ),
    )


def reward_items(session: Session, convention_id: int) -> list[dict[str, Any]]:
    keys = ("id", "award_id", "recipient_type", "recipient_name", "kind", "amount_idr")
    more = ("description", "status", "delivered_at", "delivered_by")
    return [
        {key: getattr(r, key) for key in (*keys, *more)}
        for r in session.scalars(
            select(Reward).where(Reward.convention_id == convention_id).order_by(Reward.id)
        )
    ]


Builder = Callable[[Session, Convention, str, str], Table]


def _ranking(session: Session, convention: Convention, method: str, _public_url: str) -> Table:
    method = ranking.check_method(method)
    data = load_input(session, convention)
    body = ranking.ranking_dict(data, data.rank(method))
    steady = {e: stability.row_dict(row) for e, row in stability.of_rows(data, method).items()}
    panels = ranking.panel_names(session, convention.id)
    return ranking_table(body, panels, ranking.scored_stage_codes(convention), steady)


def _awards(session: Session, convention: Convention, _method: str, _public_url: str) -> Table:
    return awards_table(awards.list_awards_all(session, convention.id))


def _certificates(session: Session, convention: Convention, _method: str, public_url: str) -> Table:
    return certificates_table(certificate_items(session, convention.id), public_url)


def _rewards(session: Session, convention: Convention, _method: str, _public_url: str) -> Table:
    cid = convention.id
    return rewards_table(reward_items(session, cid), awards.list_awards_all(session, cid))


# The secretariat's tables by name: ``GET …/exports/{kind}.{fmt}``.
BUILDERS: dict[Kind, Builder] = {
    "ranking": _ranking,
    "awards": _awards,
    "certificates": _certificates,
    "rewards": _rewards,
}


def build(
    session: Session, convention: Convention, kind: Kind, *, method: str, public_url: str
) -> Table:
    """One of the secretariat's tables, read from the database."""
    return BUILDERS[kind](session, convention, method, public_url)
