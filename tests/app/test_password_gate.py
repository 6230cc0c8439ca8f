"""PasswordGate: at most N Argon2 computations at once per worker, a bounded queue, and 503
with Retry-After beyond (issue 13, defect 2). The memory a burst costs a live worker is
measured in tests/slow/test_logins.py."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from app.errors import Unavailable
from app.security import BUSY_RETRY_AFTER, PasswordGate


class Work:
    """A blocking job that counts how many of its kind run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.release = threading.Event()

    def __call__(self, value: int) -> int:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            self.release.wait(5)
            time.sleep(0.01)
            return value * 2
        finally:
            with self.lock:
                self.running -= 1


def test_gate_runs_at_most_its_concurrency_at_once_and_every_call_finishes() -> None:
    gate = PasswordGate(2, 64, 5.0)
    work = Work()

    async def burst() -> list[int]:
        calls = [asyncio.create_task(gate.run(work, n)) for n in range(12)]
        await asyncio.sleep(0.05)
        work.release.set()
        return await asyncio.gather(*calls)

    assert asyncio.run(burst()) == [n * 2 for n in range(12)]
    assert work.peak == 2
    assert gate.waiting == 0


def test_gate_refuses_with_503_when_its_queue_is_full() -> None:
    gate = PasswordGate(1, 1, 5.0)
    work = Work()

    async def burst() -> tuple[list[int], Unavailable]:
        first = asyncio.create_task(gate.run(work, 1))
        await asyncio.sleep(0.02)
        second = asyncio.create_task(gate.run(work, 2))
        await asyncio.sleep(0.02)
        with pytest.raises(Unavailable) as refused:
            await gate.run(work, 3)
        work.release.set()
        return list(await asyncio.gather(first, second)), refused.value

    done, refused = asyncio.run(burst())
    assert done == [2, 4]
    assert refused.status == 503 and refused.name == "unavailable"
    assert refused.headers == {"Retry-After": str(BUSY_RETRY_AFTER)}


def test_gate_refuses_a_caller_that_waited_too_long_and_frees_its_place() -> None:
    gate = PasswordGate(1, 8, 0.1)
    work = Work()

    async def burst() -> tuple[float, int]:
        first = asyncio.create_task(gate.run(work, 1))
        await asyncio.sleep(0.02)
        started = time.monotonic()
        with pytest.raises(Unavailable):
            await gate.run(work, 2)
        waited = time.monotonic() - started
        work.release.set()
        await first
        # The slot and the queue place are free again.
        return waited, await gate.run(work, 5)

    waited, later = asyncio.run(burst())
    assert 0.09 <= waited < 2
    assert later == 10
    assert gate.waiting == 0
