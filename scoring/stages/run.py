"""Steps 1 to 3 inside one scored stage, over the entries admitted to it (Step 6,
"Admission")."""

from collections.abc import Sequence
from functools import partial
from operator import and_

from scoring._engine import Engine, check_method
from scoring.model import (
    Contest,
    Criterion,
    Entry,
    Juror,
    Method,
    Panel,
    SheetColumns,
    Stage,
    StageKind,
)
from scoring.stages.order import Level, _memo


class StageRun:
    """Steps 1 to 3 inside one scored stage, over its admitted entries: S_s(e) and the panel
    scores, and the stage's tie-break keys on demand."""

    __slots__ = ("engine", "method", "min_sheets", "panel_names", "panel_scores", "scores", "stage")

    def __init__(
        self,
        contest: Contest,
        stage: Stage,
        admitted: frozenset[int] | None,
        method: Method,
    ) -> None:
        self.stage = stage
        self.method = method
        self.min_sheets = contest.zscore_min_sheets
        panels: Sequence[Panel] = contest.panels
        if stage.panel_ids is not None:
            chosen = set(stage.panel_ids)
            panels = [p for p in panels if p.id in chosen]
        jurors: Sequence[Juror] = contest.jurors
        entries: Sequence[Entry] = contest.entries
        sheets = stage.sheets
        if stage.panel_ids is not None or admitted is not None:
            # Only the jurors of the stage's panels judge it, only its admitted entries are
            # ranked in it; other sheets do not count here.
            panel_ids = {p.id for p in panels}
            jurors = [j for j in jurors if j.panel_id in panel_ids]
            juror_ids = {j.id for j in jurors}
            if admitted is not None:
                entries = [e for e in entries if e.id in admitted]
            entry_ids = {e.id for e in entries}
            if isinstance(sheets, SheetColumns):
                keep = map(
                    and_,
                    map(juror_ids.__contains__, sheets.juror_ids),
                    map(entry_ids.__contains__, sheets.entry_ids),
                )
                sheets = sheets.select(keep)
            else:
                sheets = [s for s in sheets if s[0] in juror_ids and s[1] in entry_ids]
        self.engine = engine = Engine(
            stage.criteria, panels, jurors, entries, sheets, contest.eligibility
        )
        self.panel_names = [p.name for p in engine.panels]
        by_pos: dict[int, dict[int, float]] = {}
        scores = engine.entry_scores(
            method, engine.values(method, self.min_sheets), engine.scored_positions(), by_pos
        )
        self.scores: dict[int, float] = engine.by_entry_id(scores)
        self.panel_scores: dict[int, dict[int, float]] = engine.by_entry_id(by_pos)

    @property
    def entry_ids(self) -> list[int]:
        return self.engine.entry_ids

    def named_panel_scores(self, entry_id: int) -> dict[str, float]:
        ps = self.panel_scores.get(entry_id)
        if not ps:
            return {}
        name = self.panel_names.__getitem__
        return dict(zip(map(name, ps), ps.values(), strict=True))

    def counts(self, entry_id: int) -> tuple[int, int]:
        """(sheet_count, expected_sheet_count) of the entry in this stage (Step 5)."""
        pos = self.engine.entry_pos[entry_id]
        return self.engine.sheet_count[pos], self.engine.expected[pos]

    def tie_break(self, criterion: Criterion, entry_ids: list[int]) -> dict[int, float]:
        """C(c, e) inside this stage (Step 4) for the entries given that have sheets here."""
        engine = self.engine
        positions, wanted = engine.positions(entry_ids)
        values = engine.values(self.method, self.min_sheets, criterion, wanted)
        return engine.by_entry_id(engine.entry_scores(self.method, values, positions))

    def totals(self) -> list[tuple[int, int, float]]:
        """The counted (juror_id, entry_id, T(j, e)) of the stage (Step 1), by entry and
        juror."""
        return self.engine.juror_totals()

    def panels(self) -> list[Panel]:
        return list(self.engine.panels)

    def levels(self) -> list[Level]:
        return [(c.code, _memo(partial(self.tie_break, c))) for c in self.engine.tie_breaks]


def stage_runs(contest: Contest, method: str = "mean") -> dict[int, StageRun]:
    """Steps 1 to 3 of every scored stage that admits someone, by stage id."""
    method = check_method(method)
    admitted = admissions(contest)
    runs: dict[int, StageRun] = {}
    for i, stage in enumerate(contest.stages):
        if stage.kind is StageKind.SCORED and admitted[i]:
            everyone = i == 0 and stage.admitted is None
            runs[stage.id] = StageRun(contest, stage, None if everyone else admitted[i], method)
    return runs


def admissions(contest: Contest) -> list[frozenset[int]]:
    """A_s for every stage, in position order: as recorded; A_1 is every entry until it is
    fixed, a later stage not yet reached admits nobody. Only entries of the contest count
    (a disqualified one has no row)."""
    known = frozenset(e.id for e in contest.entries)
    out: list[frozenset[int]] = []
    for i, stage in enumerate(contest.stages):
        if stage.admitted is None:
            out.append(known if i == 0 else frozenset())
        else:
            out.append(stage.admitted & known)
    return out


def _stage_index(contest: Contest, stage_id: int) -> int:
    for i, stage in enumerate(contest.stages):
        if stage.id == stage_id:
            return i
    raise ValueError(f"unknown stage {stage_id}")


def stage_run(contest: Contest, stage_id: int, method: Method) -> tuple[Stage, StageRun]:
    """A scored stage and Steps 1 to 3 inside it over its admitted entries; a screening stage
    raises ValueError."""
    index = _stage_index(contest, stage_id)
    stage = contest.stages[index]
    if stage.kind is not StageKind.SCORED:
        raise ValueError(f"stage {stage.code!r} is a screening stage: it has no ranking")
    admitted = admissions(contest)[index]
    everyone = index == 0 and stage.admitted is None
    return stage, StageRun(contest, stage, None if everyone else admitted, method)
