"""Step 4 of docs/scoring.md: groups tied within 1e-9 (chained), split on the next keys."""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from scoring._engine import TOLERANCE

Key = float | None
Level = tuple[str, Callable[[list[int]], Mapping[int, float]]]
"""A key of Step 4 after K0: its label (what decided, when it splits a group) and how to
compute it for the entries (ids) still tied."""


def chain_groups(items: Iterable[int], key: Callable[[int], float]) -> list[list[int]]:
    """Step 4.1: sort by key descending; neighbours within 1e-9 join a group, which chains."""
    ordered = sorted(items, key=key, reverse=True)
    groups: list[list[int]] = []
    prev = math.inf
    for item in ordered:
        k = key(item)
        if groups and prev - k <= TOLERANCE:
            groups[-1].append(item)
        else:
            groups.append([item])
        prev = k
    return groups


def _chain_missing(items: list[int], key: Callable[[int], Key]) -> list[list[int]]:
    """`chain_groups` where a key may be missing: lower than any number, equal to another
    missing one (Step 6, "Final order")."""
    present = [i for i in items if key(i) is not None]
    absent = [i for i in items if key(i) is None]
    groups = chain_groups(present, key) if present else []  # type: ignore[arg-type]
    if absent:
        groups.append(absent)
    return groups


@dataclass(frozen=True, slots=True)
class Ordered:
    """Step 4 over some entries: groups best first (ids inside a group in input order), the
    keys each entry was compared on, and what set each entry apart."""

    groups: list[list[int]]
    keys: dict[int, list[Key]]
    decided: dict[int, str]


def order(items: Sequence[int], k0: Mapping[int, float], levels: Sequence[Level]) -> Ordered:
    """Step 4: chain groups on K0, then inside each group of two or more on the next key,
    and so on until the groups are single entries or the keys run out. `items` in ascending
    id order; later keys are computed only for the entries still tied."""
    keys: dict[int, list[Key]] = {i: [k0[i]] for i in items}
    groups = chain_groups(items, k0.__getitem__)
    decided: dict[int, str] = {}
    level = 0
    while True:
        label = "score" if level == 0 else levels[level - 1][0]
        for g in groups:
            if len(g) == 1:
                decided.setdefault(g[0], label)
        need = sorted(i for g in groups if len(g) > 1 for i in g)
        if not need:
            break
        if level == len(levels):
            decided.update(dict.fromkeys(need, "tie"))
            break
        level_key = levels[level][1](need)
        level += 1
        get = level_key.get
        for i in need:
            keys[i].append(get(i))
        split: list[list[int]] = []
        for g in groups:
            if len(g) == 1:
                split.append(g)
            else:
                split.extend(_chain_missing(g, get))
        groups = split
    return Ordered(groups, keys, decided)


def _memo(
    compute: Callable[[list[int]], Mapping[int, float]],
) -> Callable[[list[int]], Mapping[int, float]]:
    """A level's keys, each computed once however many orders (categories) ask for it."""
    cache: dict[int, float] = {}
    asked: set[int] = set()

    def keys(need: list[int]) -> Mapping[int, float]:
        todo = [i for i in need if i not in asked]
        if todo:
            cache.update(compute(todo))
            asked.update(todo)
        return cache

    return keys
