"""The schema, as typed SQLAlchemy 2 models, one module per part of the domain. Alembic
migrations are written from these; import the models from here."""

from app.models.accounts import (
    Account,
    AccountConvention,
    JurorConflict,
    LoginFailure,
    username_key,
)
from app.models.base import NAMING_CONVENTION, Base, Timestamps, utcnow
from app.models.convention import (
    Convention,
    ConventionLogo,
    Criterion,
    Entry,
    Innovator,
    Opd,
    Panel,
)
from app.models.judging import Assignment, AuditEvent, Recusal, Sheet
from app.models.results import Award, Certificate, Objection, Result, ResultSheet, Reward
from app.models.stages import Admission, ScreeningDecision, Stage, StagePanel, StageResult

__all__ = [
    "NAMING_CONVENTION",
    "Account",
    "AccountConvention",
    "Admission",
    "Assignment",
    "AuditEvent",
    "Award",
    "Base",
    "Certificate",
    "Convention",
    "ConventionLogo",
    "Criterion",
    "Entry",
    "Innovator",
    "JurorConflict",
    "LoginFailure",
    "Objection",
    "Opd",
    "Panel",
    "Recusal",
    "Result",
    "ResultSheet",
    "Reward",
    "ScreeningDecision",
    "Sheet",
    "Stage",
    "StagePanel",
    "StageResult",
    "Timestamps",
    "username_key",
    "utcnow",
]
