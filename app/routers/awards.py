"""Awards, certificates (piagam) and rewards of a convention (the secretariat's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from app.enums import CertificateKind, RecipientType, RewardKind, RewardStatus
from app.routers.deps import (
    WRITE_PROBLEMS,
    Filter,
    Managing,
    PageDep,
    convention_router,
    created,
    created_as,
    id_filter,
    item_url,
    only,
    page_of,
    problems,
)
from app.schemas import (
    AwardOut,
    CertificateOut,
    IssueOut,
    Page,
    RevokeIn,
    RewardCreate,
    RewardOut,
    RewardTotals,
    RewardUpdate,
)
from app.schemas.analysis import (
    JurorCertificatesOut,
)
from app.services import awards, certificates, rewards

router = convention_router("awards")

CertificateKindFilter = Annotated[Filter[CertificateKind], only("this kind")]


@router.post(
    "/awards",
    status_code=201,
    responses={**WRITE_PROBLEMS, 200: {"model": IssueOut, "description": "Nothing new"}},
)
async def issue_awards(scope: Managing, response: Response) -> IssueOut:
    """From the published results: one award per awarded entry, a `winner` certificate for
    its OPD and each innovator, and a `participant` certificate for each innovator of every
    other ranked entry. Calling again issues nothing twice and answers 200."""
    summary, first = awards.issue_awards(scope.session, scope.caller, scope.convention)
    if first:
        created(response, f"/api/v1/conventions/{scope.cid}/awards")
    else:
        response.status_code = 200
    return IssueOut.model_validate(summary)


@router.get("/awards")
async def list_awards(scope: Managing, page: PageDep) -> Page[AwardOut]:
    """Awards, by id, with the entry, its OPD and innovators."""
    return page.of(AwardOut, awards.list_awards(scope.session, scope.cid, page.limit, page.offset))


@router.get("/awards/{award_id}")
async def read_award(scope: Managing, award_id: int) -> AwardOut:
    """One award."""
    award = awards.get_award(scope.session, scope.cid, award_id)
    details = awards.list_awards_all(scope.session, scope.cid)
    return AwardOut.model_validate(next(a for a in details if a["id"] == award.id))


@router.get("/certificates")
async def list_certificates(
    scope: Managing,
    page: PageDep,
    kind: CertificateKindFilter = None,
    recipient_type: Annotated[Filter[RecipientType], only("this recipient type")] = None,
) -> Page[CertificateOut]:
    """Certificates, by id."""
    items, total = certificates.list_certificates(
        scope.session,
        scope.cid,
        kind=kind,
        recipient_type=recipient_type,
        limit=page.limit,
        offset=page.offset,
    )
    return page_of(
        CertificateOut, certificates.certificate_dicts(scope.session, items), total, page
    )


@router.post(
    "/certificates/jurors",
    status_code=201,
    responses={**WRITE_PROBLEMS, 200: {"description": "Every juror already has one"}},
)
async def issue_juror_certificates(scope: Managing, response: Response) -> JurorCertificatesOut:
    """Certificates of appreciation (`juror` kind) for every juror (idempotent)."""
    issued = certificates.issue_juror_certificates(scope.session, scope.caller, scope.convention)
    if issued:
        created(response, f"/api/v1/conventions/{scope.cid}/certificates?kind=juror")
    else:
        response.status_code = 200
    return JurorCertificatesOut(issued_certificates=issued)


@router.get("/certificates/{certificate_id}")
async def read_certificate(scope: Managing, certificate_id: int) -> CertificateOut:
    """One certificate."""
    cert = certificates.get_certificate(scope.session, scope.cid, certificate_id)
    return CertificateOut.model_validate(certificates.certificate_dicts(scope.session, [cert])[0])


@router.post("/certificates/{certificate_id}/revoke", responses=WRITE_PROBLEMS)
async def revoke_certificate(
    scope: Managing, certificate_id: int, data: RevokeIn
) -> CertificateOut:
    """Revoke a certificate, with a reason. It stays on record; verification then says it
    is revoked."""
    cert = certificates.get_certificate(scope.session, scope.cid, certificate_id)
    revoked = certificates.revoke(scope.session, scope.caller, cert, data.reason)
    return CertificateOut.model_validate(
        certificates.certificate_dicts(scope.session, [revoked])[0]
    )


@router.post(
    "/certificates/{certificate_id}/reissue",
    status_code=201,
    responses={
        **WRITE_PROBLEMS,
        **problems(
            409,
            s409="`convention-state`: the certificate is valid, or was already reissued",
        ),
    },
)
async def reissue_certificate(
    scope: Managing, certificate_id: int, response: Response
) -> CertificateOut:
    """Replace a revoked certificate: a new one for the same recipient, with the next number,
    a new code and the names as they stand now (correct them first), the same kind, rank and
    award; its `replaces_id` is the old one, whose `replaced_by_code` (and verification page)
    now name the new. Only a revoked certificate without a replacement (else 409
    `convention-state`); the new one may in turn be revoked and reissued."""
    cert = certificates.get_certificate(scope.session, scope.cid, certificate_id)
    new = certificates.reissue(scope.session, scope.caller, scope.convention, cert)
    location = item_url(scope.cid, "certificates", new.id)
    return created_as(response, location, CertificateOut, certificates.certificate_dict(new))


@router.post("/rewards", status_code=201, responses=WRITE_PROBLEMS)
async def create_reward(scope: Managing, data: RewardCreate, response: Response) -> RewardOut:
    """Plan a reward for an award: `cash` (uang pembinaan, whole rupiah), `plaque`,
    `trophy` or `other`."""
    reward = rewards.create(scope.session, scope.caller, scope.convention, data)
    return scope.created(response, "rewards", RewardOut, reward)


@router.get("/rewards")
async def list_rewards(
    scope: Managing,
    page: PageDep,
    status: Annotated[Filter[RewardStatus], only("this status")] = None,
    kind: Annotated[Filter[RewardKind], only("this kind")] = None,
    award_id: Annotated[int | None, id_filter("this award's")] = None,
) -> Page[RewardOut]:
    """Rewards, by id."""
    found = rewards.list_rewards(
        scope.session,
        scope.cid,
        status=status,
        kind=kind,
        award_id=award_id,
        limit=page.limit,
        offset=page.offset,
    )
    return page.of(RewardOut, found)


@router.get("/rewards/totals")
async def read_reward_totals(scope: Managing) -> RewardTotals:
    """Count and rupiah per kind and per status."""
    return RewardTotals.model_validate(rewards.totals(scope.session, scope.cid))


@router.get("/rewards/{reward_id}")
async def read_reward(scope: Managing, reward_id: int) -> RewardOut:
    """One reward."""
    return RewardOut.model_validate(rewards.get(scope.session, scope.cid, reward_id))


@router.patch("/rewards/{reward_id}", responses=WRITE_PROBLEMS)
async def update_reward(scope: Managing, reward_id: int, data: RewardUpdate) -> RewardOut:
    """Mark a reward `delivered` (who and when are recorded) or back to `planned`; correct
    a planned one."""
    reward = rewards.get(scope.session, scope.cid, reward_id)
    return RewardOut.model_validate(rewards.update(scope.session, scope.caller, reward, data))


@router.delete("/rewards/{reward_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_reward(scope: Managing, reward_id: int) -> None:
    """Delete a planned reward; a delivered one stays on record (409)."""
    rewards.delete(scope.session, scope.caller, rewards.get(scope.session, scope.cid, reward_id))
