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

Row = Mapping[str, Any]
# A column and how its cell is read from one item: header and value stay side by side.
Field = tuple[Column, Callable[[Row], Any]]


def _key(key: str) -> Callable[[Row], Any]:
    return lambda item: item.get(key)


def _table(title: str, fields: Sequence[Field], items: Iterable[Row]) -> Table:
    return Table(
        title, [column for column, _ in fields], [[cell(i) for _, cell in fields] for i in items]
    )


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

    def panel(name: str) -> Callable[[Row], Any]:
        return lambda row: row["panel_scores"].get(name)

    def stage(code: str) -> Callable[[Row], Any]:
        return lambda row: (row.get("stage_scores") or {}).get(code)

    def steady(key: str) -> Callable[[Row], Any]:
        return lambda row: (stability or {}).get(row["entry_id"], {}).get(key)

    fields: list[Field] = [
        (Column("Peringkat", "int", 10), _key("rank")),
        (Column("ID Entri", "int", 9), _key("entry_id")),
        (Column("Judul Inovasi", "text", 40), _key("title")),
        (Column("Akronim", "text", 14), _key("acronym")),
        (Column("Kode OPD", "text", 14), _key("opd_code")),
        (Column("Kategori", "text", 12), _key("category")),
        (Column("Peringkat Kategori", "int", 10), _key("category_rank")),
        (Column("Nilai", "number", 10), _key("score")),
        *[(Column(f"Nilai {name}", "number", 12), panel(name)) for name in panel_names],
        *[(Column(f"Tahap {code}", "number", 12), stage(code)) for code in stages],
        (Column("Lembar Dinilai", "int", 10), _key("sheet_count")),
        (Column("Lembar Diharapkan", "int", 10), _key("expected_sheet_count")),
        (Column("Lengkap", "bool", 9), _key("complete")),
        (Column("Seri", "bool", 7), _key("tied")),
        (Column("Penerima Penghargaan", "bool", 12), _key("awarded")),
    ]
    if stability is not None:
        fields += [
            (Column("Stabilitas", "text", 11), steady("verdict")),
            (Column("Porsi Penghargaan", "number", 12), steady("awarded_share")),
        ]
    return _table(f"Peringkat ({body['method']})", fields, body["rows"])


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
    fields: list[Field] = [
        (Column("Peringkat", "int", 10), _key("rank")),
        (Column("Penghargaan", "text", 16), _key("name")),
        (Column("ID Entri", "int", 9), _key("entry_id")),
        (Column("Judul Inovasi", "text", 40), _key("title")),
        (Column("Akronim", "text", 14), _key("acronym")),
        (Column("Kode OPD", "text", 14), _key("opd_code")),
        (Column("Nama OPD", "text", 36), _key("opd_name")),
        (Column("Inovator", "text", 40), lambda a: "; ".join(a["innovators"] or [])),
    ]
    if any(a["category"] for a in listed):
        fields.insert(0, (Column("Kategori", "text", 12), _key("category")))
    return _table("Penghargaan", fields, listed)


def certificates_table(items: Iterable[Mapping[str, Any]], public_url: str) -> Table:
    """Certificates as ``GET …/certificates`` lists them, with each one's verification link and,
    for a reissue, the number it replaces and the code that replaced a revoked one."""
    items = sorted(items, key=lambda c: c["id"])
    numbers = {c["id"]: c["number"] for c in items}
    fields: list[Field] = [
        (Column("Nomor", "text", 22), _key("number")),
        (Column("Jenis", "text", 11), lambda c: _label(CERTIFICATE_KINDS, c["kind"])),
        (
            Column("Jenis Penerima", "text", 11),
            lambda c: _label(RECIPIENT_TYPES, c["recipient_type"]),
        ),
        (Column("Nama Penerima", "text", 32), _key("recipient_name")),
        (Column("ID Entri", "int", 9), _key("entry_id")),
        (Column("Judul Inovasi", "text", 36), _key("entry_title")),
        (Column("Nama OPD", "text", 32), _key("opd_name")),
        (Column("Peringkat", "int", 10), _key("rank")),
        (Column("Penghargaan", "text", 14), _key("award_name")),
        (Column("Tanggal Terbit (WIB)", "datetime", 17), lambda c: _moment(c["issued_at"])),
        (
            Column("Status", "text", 10),
            lambda c: _label(CERTIFICATE_STATUSES, c.get("status", "valid")),
        ),
        (Column("Tanggal Dicabut (WIB)", "datetime", 17), lambda c: _moment(c.get("revoked_at"))),
        (Column("Alasan Pencabutan", "text", 30), _key("revoked_reason")),
        (Column("Diganti oleh (Kode)", "text", 20), _key("replaced_by_code")),
        (Column("Menggantikan Nomor", "text", 22), lambda c: numbers.get(c.get("replaces_id"))),
        (Column("Kode Verifikasi", "text", 20), _key("code")),
        (
            Column("Tautan Verifikasi", "text", 50),
            lambda c: certificate_pdf.verify_url(public_url, c["code"]),
        ),
    ]
    return _table("Piagam", fields, items)


def rewards_table(
    items: Iterable[Mapping[str, Any]], award_items: Iterable[Mapping[str, Any]]
) -> Table:
    """Rewards as ``GET …/rewards`` lists them, with their award's rank, name and entry."""
    by_id = {a["id"]: a for a in award_items}

    def award(key: str) -> Callable[[Row], Any]:
        return lambda r: by_id.get(r["award_id"], {}).get(key)

    fields: list[Field] = [
        (Column("ID", "int", 7), _key("id")),
        (Column("Peringkat", "int", 10), award("rank")),
        (Column("Penghargaan", "text", 14), award("name")),
        (Column("Judul Inovasi", "text", 36), award("title")),
        (
            Column("Jenis Penerima", "text", 11),
            lambda r: _label(RECIPIENT_TYPES, r["recipient_type"]),
        ),
        (Column("Nama Penerima", "text", 32), _key("recipient_name")),
        (Column("Jenis Hadiah", "text", 16), lambda r: _label(REWARD_KINDS, r["kind"])),
        (Column("Jumlah (Rp)", "rupiah", 18), _key("amount_idr")),
        (Column("Keterangan", "text", 30), _key("description")),
        (Column("Status", "text", 13), lambda r: _label(REWARD_STATUSES, r["status"])),
        (Column("Tanggal Diserahkan (WIB)", "datetime", 17), lambda r: _moment(r["delivered_at"])),
    ]
    return _table("Hadiah", fields, sorted(items, key=lambda r: r["id"]))


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
