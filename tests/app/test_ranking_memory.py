"""A large ranking's memory policy (app/services/ranking_input.py): the collector kept off the
input while it is ranked, the freed C heap given back to the system afterwards."""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator

import pytest

from app.services import ranking_input
from app.services.ranking_input import BIG_INPUT, big_input, give_back


@pytest.fixture
def trims(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The calls to malloc_trim, recorded instead of made."""
    calls: list[int] = []

    def trim(pad: int) -> int:
        calls.append(pad)
        return 1

    monkeypatch.setattr(ranking_input, "_malloc_trim", lambda: trim)
    yield calls


def test_a_large_input_is_frozen_while_ranked_then_trimmed(trims: list[int]) -> None:
    assert gc.get_freeze_count() == 0
    with big_input(BIG_INPUT):
        assert gc.get_freeze_count() > 0
        assert trims == []
    assert gc.get_freeze_count() == 0
    assert trims == [0]


def test_a_small_input_is_left_alone(trims: list[int]) -> None:
    with big_input(BIG_INPUT - 1):
        assert gc.get_freeze_count() == 0
    assert trims == []


def test_memory_is_given_back_even_when_the_ranking_fails(trims: list[int]) -> None:
    with pytest.raises(ValueError, match="boom"), big_input(BIG_INPUT * 20):
        raise ValueError("boom")
    assert gc.get_freeze_count() == 0
    assert trims == [0]


def test_give_back_calls_the_c_librarys_trim_where_there_is_one() -> None:
    ranking_input._malloc_trim.cache_clear()
    try:
        found = ranking_input._malloc_trim()
        libc = ctypes.CDLL(None)
        if hasattr(libc, "malloc_trim"):  # glibc, as in the image and on CI
            assert found is not None
            assert found(0) in (0, 1)
        else:  # pragma: no cover - musl, macOS
            assert found is None
        give_back()
    finally:
        ranking_input._malloc_trim.cache_clear()


def test_without_malloc_trim_nothing_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoTrim:
        """A C library without malloc_trim."""

    ranking_input._malloc_trim.cache_clear()
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: NoTrim())
    try:
        assert ranking_input._malloc_trim() is None
        give_back()  # a no-op, not an error
    finally:
        ranking_input._malloc_trim.cache_clear()
