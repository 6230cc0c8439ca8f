"""Each kind's rows checked against the convention: every cell, the references (OPD codes,
panel names), and the keys that must not exist yet (OPD code; an OPD's entry title; a
username), in the database or earlier in the file. Nothing is written here."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Category, ImportKind, Role
from app.models import Account, Convention, Entry, Opd, Panel, username_key
from app.schemas import EntryCreate, JurorCreate, OpdCreate
from app.services import stages
from app.services.conventions import require_counted_open
from app.services.imports.passwords import generate_password, password_problem
from app.services.imports.rows import (
    SPECS,
    Problems,
    Row,
    casefolded,
    innovators,
    lookup,
    required,
    validated,
)

OPD_COLUMNS = {"code": "kode", "name": "nama"}
ENTRY_COLUMNS = {
    "title": "judul",
    "acronym": "akronim",
    "opd_id": "kode_opd",
    "category": "kategori",
    "summary": "ringkasan",
    "innovators": "inovator",
}
JUROR_COLUMNS = {
    "username": "username",
    "full_name": "nama_lengkap",
    "panel_id": "panel",
    "password": "kata_sandi",
    "conflict_opd_ids": "konflik_opd",
}
_SKIP_HINT = " (existing=skip skips such rows)"


@dataclass
class Plan:
    """What an import would do: the rows to create, as the create routes' bodies, and the
    rows skipped because their key exists. ``generated``: the jurors' rows whose password
    was generated, and that password."""

    kind: ImportKind
    creates: list[tuple[int, BaseModel]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    generated: dict[int, str] = field(default_factory=dict)


@dataclass
class _Keys:
    """The keys seen: those in the database (with why each is refused) and the file's own."""

    existing: dict[Hashable, str]
    skippable: set[Hashable]
    first: dict[Hashable, int] = field(default_factory=dict)

    def clash(self, key: Hashable, n: int) -> tuple[str, bool] | None:
        """Why the row's key is taken, and whether ``existing=skip`` may skip it."""
        if key in self.existing:
            return self.existing[key], key in self.skippable
        if key in self.first:
            return f"repeats row {self.first[key]}", True
        self.first[key] = n
        return None


def check(
    session: Session,
    convention: Convention,
    kind: ImportKind,
    rows: list[Row],
    *,
    skip_existing: bool,
    generated: dict[int, str] | None = None,
) -> Plan:
    """The plan of an import, or a 422 naming every bad cell (409 for entries once a stage has
    advanced). ``generated`` keeps the passwords generated for jurors' rows between calls."""
    plan = Plan(kind, generated=generated if generated is not None else {})
    problems = Problems()
    build: Callable[[Row], tuple[BaseModel | None, Hashable | None]]
    if kind is ImportKind.OPDS:
        build, keys = _opds(session, convention, problems)
    elif kind is ImportKind.ENTRIES:
        build, keys = _entries(session, convention, problems)
    else:
        build, keys = _jurors(session, convention, rows, plan.generated, problems)
    key_column = SPECS[kind].key
    for row in rows:
        before = len(problems.items)
        data, key = build(row)
        clash = keys.clash(key, row.n) if key is not None else None
        if clash is not None:
            why, skippable = clash
            if skip_existing and skippable:
                plan.skipped.append(row.n)
                continue
            problems.cell(row.n, key_column, why + (_SKIP_HINT if skippable else ""))
        elif data is not None and len(problems.items) == before:
            plan.creates.append((row.n, data))
    problems.raise_any()
    return plan


def _codes(session: Session, convention_id: int) -> dict[str, int]:
    rows = session.execute(select(Opd.code, Opd.id).where(Opd.convention_id == convention_id))
    return {code: opd_id for code, opd_id in rows}


def _opds(
    session: Session, convention: Convention, problems: Problems
) -> tuple[Callable[[Row], tuple[BaseModel | None, Hashable | None]], _Keys]:
    existing = _codes(session, convention.id)
    keys = _Keys(
        {code: f"an OPD with code {code!r} exists in this convention" for code in existing},
        set(existing),
    )

    def build(row: Row) -> tuple[BaseModel | None, Hashable | None]:
        reported = required(row, ("kode", "nama"), problems)
        payload = {
            field: row[column] for field, column in OPD_COLUMNS.items() if column not in reported
        }
        data = validated(OpdCreate, row, payload, OPD_COLUMNS, reported, problems)
        return data, row["kode"] or None

    return build, keys


def title_key(title: str) -> str:
    """Titles are the same ignoring case and repeated spaces."""
    return " ".join(title.split()).casefold()


def _entries(
    session: Session, convention: Convention, problems: Problems
) -> tuple[Callable[[Row], tuple[BaseModel | None, Hashable | None]], _Keys]:
    stages.require_entries_open(convention)
    require_counted_open(session, convention.id, "add an entry")
    codes = _codes(session, convention.id)
    folded = casefolded(codes)
    code_of = {opd_id: code for code, opd_id in codes.items()}
    titles = session.execute(
        select(Entry.opd_id, Entry.title).where(Entry.convention_id == convention.id)
    )
    existing: dict[Hashable, str] = {
        (opd_id, title_key(title)): f"{code_of[opd_id]} already has an entry titled {title!r}"
        for opd_id, title in titles
    }
    keys = _Keys(existing, set(existing))
    categories = ", ".join(Category)

    def build(row: Row) -> tuple[BaseModel | None, Hashable | None]:
        reported = required(row, ("judul", "kode_opd", "kategori"), problems)
        payload: dict[str, Any] = {
            "acronym": row["akronim"] or None,
            "summary": row["ringkasan"] or None,
        }
        if "judul" not in reported:
            payload["title"] = row["judul"]
        if "kode_opd" not in reported:
            opd_id = lookup(codes, folded, row["kode_opd"])
            if opd_id is None:
                problems.cell(
                    row.n, "kode_opd", f"no OPD with code {row['kode_opd']!r} in this convention"
                )
                reported.add("kode_opd")
            else:
                payload["opd_id"] = opd_id
        if "kategori" not in reported:
            category = row["kategori"].casefold()
            if category in set(Category):
                payload["category"] = category
            else:
                problems.cell(
                    row.n,
                    "kategori",
                    f"unknown category {row['kategori']!r}; the categories are {categories}",
                )
                reported.add("kategori")
        people, wrong = innovators(row["inovator"])
        if wrong:
            problems.cell(row.n, "inovator", "; ".join(wrong))
            reported.add("inovator")
        else:
            payload["innovators"] = [person.model_dump() for person in people]
        data = validated(EntryCreate, row, payload, ENTRY_COLUMNS, reported, problems)
        key = None
        if "opd_id" in payload and row["judul"]:
            key = (payload["opd_id"], title_key(row["judul"]))
        return data, key

    return build, keys


def _jurors(
    session: Session,
    convention: Convention,
    rows: list[Row],
    generated: dict[int, str],
    problems: Problems,
) -> tuple[Callable[[Row], tuple[BaseModel | None, Hashable | None]], _Keys]:
    # Refused as a whole, before its rows, as a dry run must say (jurors.create checks again).
    require_counted_open(session, convention.id, "add a juror")
    panels = {
        name: panel_id
        for name, panel_id in session.execute(
            select(Panel.name, Panel.id).where(Panel.convention_id == convention.id)
        )
    }
    panels_folded = casefolded(panels)
    panel_names = ", ".join(sorted(panels)) or "none yet"
    codes = _codes(session, convention.id)
    codes_folded = casefolded(codes)
    # Usernames are one name ignoring case (docs/api.md, "Accounts"); a juror of this
    # convention may be skipped, anyone else's name never.
    wanted = sorted({username_key(row["username"]) for row in rows if row["username"]})
    taken = session.execute(
        select(Account.username, Account.role, Account.convention_id).where(
            Account.username_key.in_(wanted)
        )
    )
    existing: dict[Hashable, str] = {}
    skippable: set[Hashable] = set()
    for name, role, convention_id in taken:
        if role == Role.JUROR and convention_id == convention.id:
            existing[name.lower()] = f"{name!r} is a juror of this convention already"
            skippable.add(name.lower())
        else:
            existing[name.lower()] = f"the username {name!r} is taken by another account"
    keys = _Keys(existing, skippable)

    def build(row: Row) -> tuple[BaseModel | None, Hashable | None]:
        reported = required(row, ("username", "nama_lengkap", "panel"), problems)
        payload: dict[str, Any] = {"username": row["username"], "full_name": row["nama_lengkap"]}
        if "panel" not in reported:
            panel_id = lookup(panels, panels_folded, row["panel"])
            if panel_id is None:
                problems.cell(
                    row.n,
                    "panel",
                    f"no panel named {row['panel']!r} in this convention; its panels are "
                    f"{panel_names}",
                )
                reported.add("panel")
            else:
                payload["panel_id"] = panel_id
        password = row["kata_sandi"]
        if not password:
            if row.n not in generated:
                generated[row.n] = generate_password()
            password = generated[row.n]
        elif (why := password_problem(password)) is not None:
            problems.cell(row.n, "kata_sandi", why)
            reported.add("kata_sandi")
        payload["password"] = password
        conflicts = _conflicts(row, codes, codes_folded, problems)
        if conflicts is None:
            reported.add("konflik_opd")
        else:
            payload["conflict_opd_ids"] = conflicts
        payload = {k: v for k, v in payload.items() if JUROR_COLUMNS[k] not in reported}
        data = validated(JurorCreate, row, payload, JUROR_COLUMNS, reported, problems)
        return data, row["username"].lower() or None

    return build, keys


def _conflicts(
    row: Row, codes: dict[str, int], folded: dict[str, list[int]], problems: Problems
) -> list[int] | None:
    """The OPD ids of ``konflik_opd`` (codes separated by ``;`` or ``,``), or None when one
    is unknown (reported)."""
    ids: list[int] = []
    unknown: list[str] = []
    for code in (part.strip() for part in re.split(r"[;,]", row["konflik_opd"])):
        if not code:
            continue
        opd_id = lookup(codes, folded, code)
        if opd_id is None:
            unknown.append(repr(code))
        elif opd_id not in ids:
            ids.append(opd_id)
    if unknown:
        problems.cell(
            row.n, "konflik_opd", f"no OPD with code {', '.join(unknown)} in this convention"
        )
        return None
    return ids
