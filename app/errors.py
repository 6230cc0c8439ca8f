"""One error hierarchy. Services raise these; ``app.routers.problems`` turns them into RFC 9457
problem details (this module knows nothing of the web framework)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error the API answers with; ``type`` is ``/problems/<name>``."""

    status: ClassVar[int] = 500
    name: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        """The problem details object (RFC 9457) this error answers with."""
        body: dict[str, Any] = {
            "type": f"/problems/{self.name}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class ValidationFailed(Problem):
    status, name, title = 422, "validation", "Invalid input"

    @classmethod
    def field(cls, loc: Sequence[str | int], msg: str) -> ValidationFailed:
        """A 422 naming one field."""
        where = ".".join(str(part) for part in loc)
        return cls(f"{where}: {msg}", errors=[{"loc": list(loc), "msg": msg}])


class Unauthenticated(Problem):
    status, name, title = 401, "unauthenticated", "Not authenticated"

    def __init__(self, detail: str = "A valid bearer token is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(Problem):
    status, name, title = 403, "forbidden", "Forbidden"


class ConflictOfInterest(Problem):
    status, name, title = 403, "conflict-of-interest", "Conflict of interest"


class NotFound(Problem):
    status, name, title = 404, "not-found", "Not found"


class MethodNotAllowed(Problem):
    status, name, title = 405, "method-not-allowed", "Method not allowed"


class Duplicate(Problem):
    status, name, title = 409, "duplicate", "Already exists"


class InUse(Problem):
    status, name, title = 409, "in-use", "In use"


class ConventionState(Problem):
    status, name, title = 409, "convention-state", "Not allowed in the convention's status"


class SheetFinal(Problem):
    status, name, title = 409, "sheet-final", "Sheet already submitted"


class NotInStage(Problem):
    status, name, title = 409, "not-in-stage", "Entry not admitted to the current stage"


class Incomplete(Problem):
    """409 naming the entries that still miss something, in ``entry_ids``."""

    status, name, title = 409, "incomplete", "Incomplete"

    def __init__(self, detail: str, entry_ids: Sequence[int]) -> None:
        super().__init__(detail, extra={"entry_ids": list(entry_ids)})


class PreconditionFailed(Problem):
    status, name, title = 412, "precondition-failed", "Precondition failed"


class TooLarge(Problem):
    status, name, title = 413, "too-large", "Request too large"


class UnsupportedMediaType(Problem):
    status, name, title = 415, "unsupported-media-type", "Unsupported media type"


class RateLimited(Problem):
    status, name, title = 429, "rate-limited", "Too many requests"


class Unavailable(Problem):
    status, name, title = 503, "unavailable", "Service unavailable"
