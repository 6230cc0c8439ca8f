"""Awards, issued from the published results with their certificates (``certificates``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AwardScope, Category, CertificateKind
from app.models import (
    AuditEvent,
    Award,
    Certificate,
    Convention,
    Entry,
    Innovator,
    Opd,
    Result,
)
from app.security import Principal
from app.services import audit, certificates, results
from app.services.certificates import Planned
from app.services.common import get_in_convention, paginate

AWARD = audit.Target("award")


def award_name(convention: Convention, rank: int, top_n: int) -> str:
    """``award_names[rank - 1]``, or "Top {top_n}" past the list's end."""
    names = list(convention.award_names or [])
    return names[rank - 1] if rank <= len(names) else f"Top {top_n}"


def _entry_details(session: Session, entry_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    details: dict[int, dict[str, Any]] = {}
    for entry_id, title, acronym, opd_id, opd_code, opd_name in session.execute(
        select(Entry.id, Entry.title, Entry.acronym, Opd.id, Opd.code, Opd.name)
        .join(Opd, Opd.id == Entry.opd_id)
        .where(Entry.id.in_(entry_ids))
    ):
        details[entry_id] = {
            "title": title,
            "acronym": acronym,
            "opd_id": opd_id,
            "opd_code": opd_code,
            "opd_name": opd_name,
            "innovators": [],
        }
    for entry_id, innovator_id, name in session.execute(
        select(Innovator.entry_id, Innovator.id, Innovator.name)
        .where(Innovator.entry_id.in_(entry_ids))
        .order_by(Innovator.entry_id, Innovator.position)
    ):
        details[entry_id]["innovators"].append((innovator_id, name))
    return details


def per_category(result: Result) -> bool:
    """Whether the results award per category (recorded when they were published)."""
    return bool(result.rubric.get("award_scope") == AwardScope.PER_CATEGORY)


_CATEGORY_ORDER = {c.value: i for i, c in enumerate(Category)}


def standing(row: dict[str, Any], by_category: bool) -> tuple[int, str | None]:
    """The rank an award or certificate carries, and its category: the category rank with
    awards per category, else the overall rank and no category."""
    if by_category:
        return row["category_rank"], row.get("category")
    return row["rank"], None


def _order(row: dict[str, Any], by_category: bool) -> tuple[int, int, int]:
    """Certificate order: by rank then entry (overall), or by category in the list's order,
    then category rank, then entry."""
    if by_category:
        return (
            _CATEGORY_ORDER.get(row.get("category") or "", 99),
            row["category_rank"],
            row["entry_id"],
        )
    return (0, row["rank"], row["entry_id"])


def _plan(
    convention: Convention, result: Result, details: dict[int, dict[str, Any]]
) -> list[Planned]:
    by_category = per_category(result)
    ranked = sorted(
        (row for row in result.rows if row["rank"] is not None),
        key=lambda row: _order(row, by_category),
    )
    winners = [row for row in ranked if row["awarded"]]
    others = [row for row in ranked if not row["awarded"]]
    plan: list[Planned] = []
    for kind, rows in ((CertificateKind.WINNER, winners), (CertificateKind.PARTICIPANT, others)):
        for row in rows:
            entry = details.get(row["entry_id"])
            if entry is None:
                continue
            rank, category = standing(row, by_category)
            name = (
                award_name(convention, rank, result.top_n)
                if kind == CertificateKind.WINNER
                else None
            )
            common = {
                "entry_id": row["entry_id"],
                "juror_id": None,
                "rank": rank,
                "category": category,
                "award_name": name,
                "entry_title": entry["title"],
                "opd_name": entry["opd_name"],
            }
            if kind == CertificateKind.WINNER:
                plan.append(
                    Planned(kind, "opd", f"opd:{row['entry_id']}", entry["opd_name"], **common)
                )
            for innovator_id, innovator_name in entry["innovators"]:
                plan.append(
                    Planned(
                        kind, "innovator", f"innovator:{innovator_id}", innovator_name, **common
                    )
                )
    return plan


def issue_awards(
    session: Session, principal: Principal | None, convention: Convention
) -> tuple[dict[str, Any], bool]:
    """One award per awarded entry and the certificates; repeating issues nothing twice.
    Returns the issue summary and whether this was the first issue (the results are frozen,
    so only the first can issue anything). ``principal`` is None when the ``konvensi``
    command issues them on the database directly."""
    results.lock(session, convention)
    result = results.final_result(session, convention.id, "awards")
    first = (
        session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.convention_id == convention.id, AuditEvent.action == "awards.issue"
            )
        )
        is None
    )
    ranked_ids = [row["entry_id"] for row in result.rows if row["rank"] is not None]
    details = _entry_details(session, ranked_ids)
    existing = set(
        session.scalars(select(Award.entry_id).where(Award.convention_id == convention.id))
    )
    new_awards = 0
    by_category = per_category(result)
    awarded = [r for r in result.rows if r["awarded"] and r["rank"] is not None]
    for row in sorted(awarded, key=lambda r: _order(r, by_category)):
        if row["entry_id"] not in existing and row["entry_id"] in details:
            rank, category = standing(row, by_category)
            session.add(
                Award(
                    convention_id=convention.id,
                    entry_id=row["entry_id"],
                    rank=rank,
                    category=category,
                    name=award_name(convention, rank, result.top_n),
                )
            )
            new_awards += 1
    session.flush()
    new_certificates = certificates.issue_planned(
        session, convention, _plan(convention, result, details)
    )
    if first or new_awards or new_certificates:
        after = {"awards": new_awards, "certificates": new_certificates}
        AWARD.record_all(session, principal, "awards.issue", convention.id, after=after)
    summary = {
        "awards": list_awards_all(session, convention.id),
        "certificates": certificates.certificate_dicts(
            session,
            session.scalars(
                select(Certificate)
                .where(Certificate.convention_id == convention.id)
                .order_by(Certificate.sequence)
            ),
        ),
        "issued_awards": new_awards,
        "issued_certificates": new_certificates,
    }
    return summary, first


def _award_dict(award: Award, details: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": award.id,
        "entry_id": award.entry_id,
        "rank": award.rank,
        "name": award.name,
        "category": award.category,
    }
    if details:
        out.update({k: details[k] for k in ("title", "acronym", "opd_id", "opd_code", "opd_name")})
        out["innovators"] = [name for _id, name in details["innovators"]]
    return out


def list_awards_all(session: Session, convention_id: int) -> list[dict[str, Any]]:
    awards = list(
        session.scalars(
            select(Award).where(Award.convention_id == convention_id).order_by(Award.id)
        )
    )
    details = _entry_details(session, [a.entry_id for a in awards])
    return [_award_dict(a, details.get(a.entry_id)) for a in awards]


def list_awards(
    session: Session, convention_id: int, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    stmt = select(Award).where(Award.convention_id == convention_id).order_by(Award.id)
    awards, total = paginate(session, stmt, limit, offset)
    details = _entry_details(session, [a.entry_id for a in awards])
    return [_award_dict(a, details.get(a.entry_id)) for a in awards], total


def get_award(session: Session, convention_id: int, award_id: int) -> Award:
    return get_in_convention(session, Award, convention_id, award_id, "Award")
