"""The process's small caches (PDF images, font subsets, logos): the least recently used goes."""

from __future__ import annotations

from app.services.kept import Kept


def test_the_least_recently_used_value_goes_first() -> None:
    kept: Kept[str, int] = Kept(2)
    assert kept.keep("a", 1) == 1
    kept.keep("b", 2)
    assert kept.get("a") == 1  # found: "b" is now the oldest
    kept.keep("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (1, None, 3)


def test_keeping_a_key_again_replaces_its_value_and_makes_it_the_newest() -> None:
    kept: Kept[str, int] = Kept(2)
    kept.keep("a", 1)
    kept.keep("b", 2)
    kept.keep("a", 10)
    kept.keep("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (10, None, 3)
