"""The rankings Step 8 computes again (the final one, a category's, a stage's), with the
ranks and awards of each without one juror."""

import math
from collections.abc import Iterable, Mapping
from functools import partial
from itertools import chain, compress, repeat
from operator import mul, sub, truediv

from scoring._engine import TOLERANCE
from scoring.model import Advance, AdvanceRule, AwardScope, Contest
from scoring.stability.ranks import Tier, _categories, _members, _ranks, _within
from scoring.stability.stage import _Reduced, _Stage
from scoring.stages import FinalPlan, Level, StageRun
from scoring.stages.order import _memo


class _Board:
    """A ranking as Step 8 needs it: J, and the ranks and awards without one juror."""

    category: str | None
    members: dict[str | None, frozenset[int]]

    def jurors(self) -> list[int]:
        raise NotImplementedError

    def listed(self) -> list[int]:
        """The entries the ranking lists, by id."""
        raise NotImplementedError

    def outcome(self, juror_id: int | None, exact: bool) -> tuple[dict[int, int], set[int]] | None:
        """Ranks of the listed entries and the awarded (advancing) entries with the juror
        left out (None: the full ranking); None when the shortcut cannot decide and `exact`
        is false."""
        raise NotImplementedError

    def _rankings(
        self, tiers: list[Tier], delta: float, overall_needed: bool
    ) -> tuple[dict[int, int] | None, dict[int, int]] | None:
        """The overall ranks (None unless the listed ranking or `overall_needed` wants them)
        and the listed ranking's; None when the shortcut cannot order them (see _ranks)."""
        category = self.category
        overall = None
        if category is None or overall_needed:
            overall = _ranks(tiers, None, delta)
            if overall is None:
                return None
        listed: dict[int, int] | None
        if category is None:
            listed = overall
        elif category == "":
            listed = {}  # no ranking is named "" (see _categories)
        else:
            listed = _ranks(tiers, self.members.get(category, frozenset()), delta)
        if listed is None:
            return None
        return overall, listed


def _scope(
    stages: Iterable[_Stage], category_of: Mapping[int, str | None], category: str | None
) -> list[int]:
    """J: the jurors with a sheet counted in these stages (for an entry of the category)."""
    found: set[int] = set()
    for st in stages:
        for j in st.by_juror:
            if j in found:
                continue
            sheets = st.sheets(j)
            assert sheets is not None
            if category is None or any(category_of[e] == category for e in sheets.entry_ids):
                found.add(j)
    return sorted(found)


class _FinalBoard(_Board):
    """The final ranking (Step 6), or a category's (Step 7)."""

    def __init__(self, contest: Contest, plan: FinalPlan, category: str | None) -> None:
        self.plan = plan
        self.stages = {i: _Stage(run) for i, run in plan.runs.items()}
        self.category = category
        self.category_of = {e.id: e.category for e in contest.entries}
        self.top_n = contest.top_n
        self.per_category = contest.award_scope is AwardScope.PER_CATEGORY
        runs = plan.runs
        # One stage (the common case): F = (V S) / V, or S when V = 0, for every entry.
        self.solo: float | None = None
        if len(plan.stages) == 1 and 0 in runs:
            self.solo = plan.stages[0].weight
        final: dict[int, float] = {}
        by_reach: dict[int, list[int]] = {}
        if self.solo is not None:
            final = self._solo(runs[0].scores, list(runs[0].scores))
            if final:
                by_reach[0] = list(final)
        else:
            for e, reach in plan.reach.items():
                f = plan.final(e, lambda i: runs[i].scores)
                if f is not None:
                    final[e] = f
                    by_reach.setdefault(reach, []).append(e)
        self.final = final
        # (entries, t) per reach, the later first, entries in the full ranking's order (a
        # reduced ranking sorts them again: nearly sorted, fast); a reach has one t.
        self.by_reach = [
            (
                sorted(by_reach[r], key=final.__getitem__, reverse=True),
                plan.scored_reach[by_reach[r][0]],
            )
            for r in sorted(by_reach, reverse=True)
        ]
        self.categories = _categories(final, self.category_of)
        self.members = {c: _members(self.category_of, c) for c in self.categories}

    def _solo(self, scores: Mapping[int, float], ids: list[int]) -> dict[int, float]:
        """F of these entries (all scored) in a one-stage contest."""
        v = self.solo
        assert v is not None
        got = map(scores.__getitem__, ids)
        new = map(truediv, map(mul, repeat(v), got), repeat(v)) if v > 0 else got
        return dict(zip(ids, new, strict=True))

    def listed(self) -> list[int]:
        category = self.category
        if category is None:
            return list(self.plan.reach)
        return [e for e in self.plan.reach if self.category_of[e] == category]

    def jurors(self) -> list[int]:
        return _scope(self.stages.values(), self.category_of, self.category)

    def _final(self, reduced: Mapping[int, _Reduced]) -> dict[int, float]:
        """F(e) without the juror: again only where a stage score changed."""
        final = dict(self.final)
        if self.solo is not None:
            found = reduced[0]
            scores = found.scores
            ids = found.changed
            if len(scores) < len(self.plan.runs[0].scores):
                for e in ids:
                    if e not in scores:
                        final.pop(e, None)
                ids = [e for e in ids if e in scores]
            final.update(self._solo(scores, list(ids)))
            return final
        scores_of = lambda i: reduced[i].scores  # noqa: E731
        changed = set(chain.from_iterable(r.changed for r in reduced.values()))
        for e in changed:
            if e in self.plan.reach:
                f = self.plan.final(e, scores_of)
                if f is None:
                    final.pop(e, None)
                else:
                    final[e] = f
        return final

    def outcome(self, juror_id: int | None, exact: bool) -> tuple[dict[int, int], set[int]] | None:
        reduced = {i: st.scores(juror_id, exact) for i, st in self.stages.items()}
        delta = max((r.delta for r in reduced.values()), default=0.0)
        if delta:
            # F is a weighted mean of stage scores: as far off as the farthest, and a rounding.
            delta *= 2
        final = self._final(reduced)
        lost = len(final) < len(self.final)
        levels: dict[int, list[Level]] = {}
        tiers: list[Tier] = []
        for items, t in self.by_reach:
            chosen = [e for e in items if e in final] if lost else items
            if not chosen:
                continue
            if t not in levels:
                levels[t] = self._levels(juror_id, t, reduced[t])
            tiers.append((chosen, final, levels[t]))
        category = self.category
        found = self._rankings(tiers, delta, not self.per_category)
        if found is None:
            return None
        overall, listed = found
        top_n = self.top_n
        awarded: set[int] = set()
        if not self.per_category:
            assert overall is not None
            awarded = _within(overall, top_n)
        elif category is not None:
            awarded = _within(listed, top_n)
        else:
            for c in self.categories:
                ranks = _ranks(tiers, self.members[c], delta)
                if ranks is None:
                    return None
                awarded |= _within(ranks, top_n)
        return listed, awarded

    def _levels(self, juror_id: int | None, t: int, reduced: _Reduced) -> list[Level]:
        st = self.stages[t]
        levels: list[Level] = []
        if self.plan.k1:
            label = f"stage:{self.plan.stages[t].code}"
            if reduced.delta:
                levels.append((label, _memo(partial(st.exact, juror_id))))
            else:
                scores = reduced.scores
                levels.append((label, lambda _need: scores))
        levels.extend(st.levels(juror_id))
        return levels


class _StageBoard(_Board):
    """A scored stage's ranking, where "awarded" means "advances" (Step 6's rules)."""

    def __init__(
        self, contest: Contest, rule: Advance, run: StageRun, category: str | None
    ) -> None:
        self.stage = _Stage(run)
        self.rule = rule
        self.category = category
        self.category_of = {e.id: e.category for e in contest.entries}
        # In the full ranking's order (see _FinalBoard).
        self.items = sorted(run.scores, key=run.scores.__getitem__, reverse=True)
        self.categories = _categories(self.items, self.category_of)
        self.members = {c: _members(self.category_of, c) for c in self.categories}
        self.entry_ids = run.entry_ids

    def jurors(self) -> list[int]:
        return _scope([self.stage], self.category_of, self.category)

    def listed(self) -> list[int]:
        category = self.category
        if category is None:
            return list(self.entry_ids)
        return [e for e in self.entry_ids if self.category_of.get(e) == category]

    def outcome(self, juror_id: int | None, exact: bool) -> tuple[dict[int, int], set[int]] | None:
        reduced = self.stage.scores(juror_id, exact)
        scores = reduced.scores
        delta = reduced.delta
        items = self.items
        if len(scores) < len(items):
            items = [e for e in items if e in scores]
        tiers: list[Tier] = [(items, scores, self.stage.levels(juror_id))]
        rule = self.rule
        category = self.category
        found = self._rankings(tiers, delta, rule.rule is AdvanceRule.TOP)
        if found is None:
            return None
        overall, listed = found
        count = rule.count if rule.count is not None else 0
        advancing: set[int]
        if rule.rule is AdvanceRule.ALL:
            advancing = set(items)
        elif rule.rule is AdvanceRule.MIN_SCORE:
            low = (rule.min_score if rule.min_score is not None else math.inf) - TOLERANCE
            got = [scores[e] for e in items]
            if delta and min(map(abs, map(sub, got, repeat(low))), default=math.inf) <= 2 * delta:
                return None
            advancing = set(compress(items, map(low.__le__, got)))
        elif rule.rule is AdvanceRule.TOP:
            assert overall is not None
            advancing = _within(overall, count)
        else:
            advancing = set()
            # An entry advances on its own category's rank: only the listed one matters.
            wanted = self.categories if category is None else [category]
            for c in (c for c in wanted if c in self.members):
                ranks = listed if c == category else _ranks(tiers, self.members[c], delta)
                if ranks is None:
                    return None
                advancing |= _within(ranks, count)
        return listed, advancing
