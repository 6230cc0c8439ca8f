"""Who is expected to judge what: the one rule, for the ranking and for the service's progress.

A juror is expected to score an entry unless it declared a conflict of interest with the
entry's OPD, or recused itself from the entry; and, when the convention judges by assignment,
only the entries assigned to it. Only the submitted sheets of expected jurors count
(docs/scoring.md, Notation and Step 5).
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from scoring.model import Entry


@dataclass(frozen=True, slots=True)
class Eligibility:
    """`conflicts`: (juror id, OPD id); `recusals`: (juror id, entry id); `assignments`:
    (juror id, entry id), or None when every juror judges every entry.

    >>> rule = Eligibility.of(conflicts=[(1, 10)], recusals=[(2, 5)])
    >>> rule.eligible(1, entry_id=5, opd_id=10), rule.eligible(2, 5, 11), rule.eligible(3, 5, 10)
    (False, False, True)
    """

    conflicts: frozenset[tuple[int, int]] = frozenset()
    recusals: frozenset[tuple[int, int]] = frozenset()
    assignments: frozenset[tuple[int, int]] | None = None

    @classmethod
    def of(
        cls,
        conflicts: Iterable[tuple[int, int]] = (),
        recusals: Iterable[tuple[int, int]] = (),
        assignments: Iterable[tuple[int, int]] | None = None,
    ) -> "Eligibility":
        return cls(
            frozenset(conflicts),
            frozenset(recusals),
            None if assignments is None else frozenset(assignments),
        )

    def conflicted(self, juror_id: int, entry_id: int, opd_id: int) -> bool:
        """A declared conflict with the entry's OPD, or a recusal from the entry."""
        return (juror_id, opd_id) in self.conflicts or (juror_id, entry_id) in self.recusals

    def assigned(self, juror_id: int, entry_id: int) -> bool:
        return self.assignments is None or (juror_id, entry_id) in self.assignments

    def eligible(self, juror_id: int, entry_id: int, opd_id: int) -> bool:
        return self.assigned(juror_id, entry_id) and not self.conflicted(juror_id, entry_id, opd_id)

    def by_entry(
        self, entries: Sequence[Entry], juror_ids: Collection[int]
    ) -> tuple[dict[int, set[int]], dict[int, set[int]] | None]:
        """The same rule per entry, for many entries at once: entry id -> the jurors it
        excludes (conflict or recusal), and entry id -> the jurors assigned to it (None when
        every juror is). Pairs naming jurors outside `juror_ids` are ignored."""
        by_opd: dict[int, list[int]] = {}
        for e in entries:
            by_opd.setdefault(e.opd_id, []).append(e.id)
        known_entries = {e.id for e in entries}
        excluded: dict[int, set[int]] = {}
        for juror_id, opd_id in self.conflicts:
            if juror_id in juror_ids:
                for entry_id in by_opd.get(opd_id, ()):
                    excluded.setdefault(entry_id, set()).add(juror_id)
        for juror_id, entry_id in self.recusals:
            if juror_id in juror_ids and entry_id in known_entries:
                excluded.setdefault(entry_id, set()).add(juror_id)
        if self.assignments is None:
            return excluded, None
        allowed: dict[int, set[int]] = {}
        for juror_id, entry_id in self.assignments:
            if juror_id in juror_ids and entry_id in known_entries:
                allowed.setdefault(entry_id, set()).add(juror_id)
        return excluded, allowed
