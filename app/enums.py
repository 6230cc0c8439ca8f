"""The closed lists of the domain, one StrEnum each.

Each is the single source of its values: the models' CHECK constraints, the Pydantic types
of the API (and so the OpenAPI ``enum``s) and the code all read them from here. A member is
its value (``ConventionStatus.JUDGING == "judging"``), so rows and JSON hold plain strings.
"""

from enum import StrEnum

# The lists the ranking itself knows are scoring's own; the service uses the same members.
from scoring.model import AdvanceRule, AwardScope, StageKind

__all__ = [
    "AdvanceRule",
    "AssignmentMode",
    "AwardScope",
    "Category",
    "CertificateKind",
    "CertificateStatus",
    "ConventionStatus",
    "ImportKind",
    "ObjectionStatus",
    "RecipientType",
    "ResultStatus",
    "RewardKind",
    "RewardStatus",
    "Role",
    "SheetState",
    "SheetStatus",
    "StageKind",
    "StageState",
    "SyncOutcome",
]


class Category(StrEnum):
    """The seven categories of an innovation (docs/api.md), in the order certificates and
    per-category lists follow."""

    TEKNOLOGI = "teknologi"
    PRODUK = "produk"
    PROSES = "proses"
    SDM = "sdm"
    METODE = "metode"
    KONSEPTUAL = "konseptual"
    HUBUNGAN = "hubungan"


class ConventionStatus(StrEnum):
    DRAFT = "draft"
    JUDGING = "judging"
    CLOSED = "closed"


class ImportKind(StrEnum):
    """What a bulk import file holds (``POST …/imports/{kind}``)."""

    OPDS = "opds"
    ENTRIES = "entries"
    JURORS = "jurors"


class AssignmentMode(StrEnum):
    ALL = "all"
    ASSIGNED = "assigned"


class SheetStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class SheetState(StrEnum):
    """Where a juror stands on an entry of the current stage (its progress): the sheet's status,
    or why it has none."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CONFLICT = "conflict"
    NOT_ASSIGNED = "not_assigned"


class SyncOutcome(StrEnum):
    """What became of one queued sheet of a tablet's sync."""

    ACCEPTED = "accepted"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    INVALID = "invalid"
    REFUSED = "refused"


class Role(StrEnum):
    """Who an account is: ``admin`` (every convention), ``secretariat`` (the admin's rights on
    the conventions it is given) or ``juror`` (one convention's panel)."""

    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    JUROR = "juror"


class CertificateKind(StrEnum):
    WINNER = "winner"
    PARTICIPANT = "participant"
    JUROR = "juror"


class RecipientType(StrEnum):
    OPD = "opd"
    INNOVATOR = "innovator"
    JUROR = "juror"


class RewardKind(StrEnum):
    CASH = "cash"
    PLAQUE = "plaque"
    TROPHY = "trophy"
    OTHER = "other"


class RewardStatus(StrEnum):
    PLANNED = "planned"
    DELIVERED = "delivered"


class CertificateStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


class StageState(StrEnum):
    PENDING = "pending"
    CURRENT = "current"
    DONE = "done"


class ResultStatus(StrEnum):
    PROVISIONAL = "provisional"
    FINAL = "final"


class ObjectionStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    VOID = "void"
