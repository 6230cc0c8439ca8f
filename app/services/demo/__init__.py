"""The demo: Kota Solok's convention of May 2018, judging under way (``solok``), and a
provincial contest judged in stages (``kipp``). Loaded once into an empty database by
``konvensi serve --demo``."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.enums import AdvanceRule, Role, SheetStatus, StageKind
from app.models import (
    Account,
    AccountConvention,
    Admission,
    Convention,
    Criterion,
    Entry,
    Innovator,
    Opd,
    Panel,
    ScreeningDecision,
    Sheet,
    Stage,
    StageResult,
)
from app.security import new_credential_stamp
from app.services import accounts
from app.services.demo import kipp, solok
from app.services.stages import default_stage

DEMO_ADMIN = "sekretariat"
DEMO_SECRETARIAT = "sekretariat.solok"
# The day the Display Inovasi opened in Solok (8 May 2018, 09:00 WIB).
JUDGED_AT = datetime(2018, 5, 8, 2, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DemoLogins:
    convention_id: int
    logins: list[tuple[str, str, str]]  # (role, username, password)
    conventions: list[tuple[int, str]] = field(default_factory=list)


def database_is_empty(session: Session) -> bool:
    has_convention = session.scalar(select(exists().where(Convention.id.is_not(None))))
    return not has_convention


def _account(
    session: Session,
    hash_password: Callable[[str], str],
    role: Role,
    username: str,
    full_name: str,
    **fields: Any,
) -> tuple[Account, str]:
    """A new account and its password (shown once, with the other demo logins)."""
    password = secrets.token_urlsafe(9)
    account = Account(
        username=username,
        full_name=full_name,
        role=role,
        password_hash=hash_password(password),
        credential_stamp=new_credential_stamp(),
        **fields,
    )
    session.add(account)
    return account, password


def _jurors(
    session: Session,
    hash_password: Callable[[str], str],
    convention: Convention,
    jurors: Iterable[tuple[str, str, Panel]],
) -> tuple[list[Account], list[tuple[str, str, str]]]:
    """The convention's juror accounts (username, full name, panel), in order, and their
    logins."""
    accounts_made: list[Account] = []
    logins: list[tuple[str, str, str]] = []
    for username, full_name, panel in jurors:
        account, password = _account(
            session,
            hash_password,
            Role.JUROR,
            username,
            full_name,
            convention_id=convention.id,
            panel_id=panel.id,
        )
        accounts_made.append(account)
        logins.append(("juror", username, password))
    session.flush()
    return accounts_made, logins


def _criteria(
    session: Session,
    convention: Convention,
    stage: Stage,
    rows: Sequence[tuple[str, str, float, int | None]],
    scale: tuple[float, float, float],
) -> list[str]:
    """The stage's criteria (code, name, weight, tie-break rank), all on one ``scale`` (lowest
    score, highest, step); their codes, in order."""
    min_score, max_score, step = scale
    for code, name, weight, tie_break in rows:
        session.add(
            Criterion(
                convention_id=convention.id,
                stage_id=stage.id,
                code=code,
                name=name,
                weight=weight,
                min_score=min_score,
                max_score=max_score,
                step=step,
                tie_break_rank=tie_break,
            )
        )
    return [code for code, _name, _weight, _tie_break in rows]


def _entry(
    convention: Convention,
    opd: Opd,
    acronym: str,
    title: str,
    category: str,
    team: str,
    summary: str | None = None,
) -> Entry:
    """An entry whose innovator is its ``team`` (``Tim Inovasi <team>``)."""
    return Entry(
        convention_id=convention.id,
        opd_id=opd.id,
        title=title,
        acronym=acronym,
        category=category,
        summary=summary,
        innovators=[Innovator(position=0, name=f"Tim Inovasi {team.title()}")],
    )


def _sheet(
    convention: Convention,
    stage: Stage,
    juror: Account,
    entry: Entry,
    scores: dict[str, float],
    status: SheetStatus,
) -> Sheet:
    return Sheet(
        convention_id=convention.id,
        juror_id=juror.id,
        entry_id=entry.id,
        stage_id=stage.id,
        scores=scores,
        status=status,
        version=1,
        created_at=JUDGED_AT,
        updated_at=JUDGED_AT,
        submitted_at=JUDGED_AT if status == SheetStatus.SUBMITTED else None,
    )


def _convention(session: Session, fields: dict[str, Any]) -> Convention:
    convention = Convention(**fields)
    session.add(convention)
    session.flush()
    return convention


def load_solok(
    session: Session, hash_password: Callable[[str], str]
) -> tuple[Convention, list[tuple[str, str, str]]]:
    convention = _convention(session, solok.CONVENTION)
    stage = default_stage(convention.id)
    session.add(stage)
    session.flush()
    codes = _criteria(session, convention, stage, solok.CRITERIA, solok.SCALE)
    panels = {
        name: Panel(convention_id=convention.id, name=name, weight=1.0) for name in solok.PANELS
    }
    opds = {
        code: Opd(convention_id=convention.id, code=code, name=name) for code, name in solok.OPDS
    }
    session.add_all([*panels.values(), *opds.values()])
    session.flush()
    entries = {
        acronym: _entry(convention, opds[opd], acronym, title, category, opd, summary)
        for acronym, title, opd, category, summary in solok.ENTRIES
    }
    session.add_all(entries.values())
    jurors, logins = _jurors(
        session,
        hash_password,
        convention,
        [(username, name, panels[panel]) for username, name, panel in solok.JURORS],
    )
    for acronym, rows in solok.SUBMITTED.items():
        for juror, values in zip(jurors, rows, strict=False):
            scores = dict(zip(codes, values, strict=True))
            session.add(
                _sheet(convention, stage, juror, entries[acronym], scores, SheetStatus.SUBMITTED)
            )
    for acronym, scores in solok.DRAFTS.items():
        session.add(
            _sheet(convention, stage, jurors[3], entries[acronym], scores, SheetStatus.DRAFT)
        )
    session.flush()
    return convention, logins


def load_kipp(
    session: Session, hash_password: Callable[[str], str]
) -> tuple[Convention, list[tuple[str, str, str]]]:
    convention = _convention(session, kipp.CONVENTION)
    stages: dict[str, Stage] = {}
    for position, (code, name, kind, weight, rule, count) in enumerate(kipp.STAGES, start=1):
        stages[code] = Stage(
            convention_id=convention.id,
            code=code,
            name=name,
            kind=kind,
            weight=weight,
            position=position,
            all_panels=True,
            advance_rule=rule,
            advance_count=count,
        )
    session.add_all(stages.values())
    panel = Panel(convention_id=convention.id, name=kipp.PANEL, weight=1.0)
    session.add(panel)
    session.flush()
    for stage_code, criteria in kipp.CRITERIA.items():
        _criteria(session, convention, stages[stage_code], criteria, kipp.SCALE)
    entries: list[tuple[Entry, float, bool]] = []
    for opd_code, opd_name, acronym, title, category, quality, passes in kipp.ENTRIES:
        opd = Opd(convention_id=convention.id, code=opd_code, name=opd_name)
        session.add(opd)
        session.flush()
        entry = _entry(convention, opd, acronym, title, category, acronym)
        session.add(entry)
        entries.append((entry, quality, passes))
    jurors, logins = _jurors(
        session,
        hash_password,
        convention,
        [(username, name, panel) for username, name in kipp.JURORS],
    )
    # The screening is done: its decisions recorded, the stage frozen, the passed entries
    # admitted to the proposal evaluation, now current.
    screening, proposal = stages["SELEKSI"], stages["PROPOSAL"]
    for entry, _quality, passes in entries:
        session.add(Admission(stage_id=screening.id, entry_id=entry.id))
        session.add(
            ScreeningDecision(
                stage_id=screening.id,
                entry_id=entry.id,
                passed=passes,
                reason=None if passes else kipp.SCREENING_REASON,
                decided_at=JUDGED_AT,
            )
        )
        if passes:
            session.add(Admission(stage_id=proposal.id, entry_id=entry.id))
    passed = sorted(e.id for e, _q, ok in entries if ok)
    session.add(
        StageResult(
            stage_id=screening.id,
            method="mean",
            rows=[
                {"entry_id": e.id, "title": e.title, "passed": ok, "advances": ok}
                for e, _q, ok in entries
            ],
            warnings=[],
            selected_entry_ids=passed,
            added_entry_ids=[],
            removed_entry_ids=[],
            reason=None,
            created_at=JUDGED_AT,
        )
    )
    screening.advanced_at = JUDGED_AT
    rng = random.Random(2018)
    codes = [code for code, _n, _w, _t in kipp.CRITERIA["PROPOSAL"]]
    for entry, quality, passes in entries:
        if not passes:
            continue
        for juror in jurors:
            scores = {
                c: float(min(100, max(0, round(quality * 10 + rng.uniform(-6, 6))))) for c in codes
            }
            session.add(_sheet(convention, proposal, juror, entry, scores, SheetStatus.SUBMITTED))
    session.flush()
    return convention, logins


def load(session: Session, hash_password: Callable[[str], str], *, with_admin: bool) -> DemoLogins:
    """Load the demo conventions, their juror accounts, Solok's secretariat account (scoped to
    Solok) and, ``with_admin``, an admin account."""
    solok_convention, logins = load_solok(session, hash_password)
    kipp_convention, kipp_logins = load_kipp(session, hash_password)
    logins.extend(kipp_logins)
    if with_admin:
        _admin, password = _account(
            session, hash_password, Role.ADMIN, DEMO_ADMIN, "Sekretariat Konvensi"
        )
        logins.insert(0, ("admin", DEMO_ADMIN, password))
    if not accounts.username_taken(session, DEMO_SECRETARIAT):
        # Kota Solok's own secretariat: the admin's rights on Solok, nothing on the KIPP.
        _secretariat, password = _account(
            session,
            hash_password,
            Role.SECRETARIAT,
            DEMO_SECRETARIAT,
            "Sekretariat Kota Solok",
            scopes=[AccountConvention(convention_id=solok_convention.id)],
        )
        logins.append(("secretariat", DEMO_SECRETARIAT, password))
    session.flush()
    return DemoLogins(
        solok_convention.id,
        logins,
        [(solok_convention.id, solok_convention.name), (kipp_convention.id, kipp_convention.name)],
    )


__all__ = [
    "DEMO_ADMIN",
    "DEMO_SECRETARIAT",
    "AdvanceRule",
    "DemoLogins",
    "StageKind",
    "database_is_empty",
    "load",
]
