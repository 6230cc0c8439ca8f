"""Serving the public piagam PDF (``GET /api/v1/certificates/{code}.pdf``) to anyone who
scans a QR code, without letting anyone make a worker render all day.

- ``cache_key``: a hash of everything a piagam prints (the certificate's state, revoked and
  replaced included; its names; the convention's piagam settings; the logo's hash; the
  public URL in the QR code). A change to any of them is a new key: no invalidation to call.
- ``PdfCache``: rendered PDFs by key, at most so many bytes, least recently used out first.
- ``Renderer``: a miss is rendered once however many ask at the same time (they wait for the
  one rendering), a few at a time per worker, in a thread off the event loop; past a queue
  of waiting renders, 503 with ``Retry-After``.
- ``AddressLimiter``: so many requests a minute per client address, in bursts of at most 10
  (a token bucket), then 429 with ``Retry-After``.

All of it is per worker process: with N workers, N caches and N limits.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import anyio.to_thread

from app.errors import RateLimited, Unavailable
from app.services import certificate_pdf
from app.services.certificate_pdf import Piagam

# Part of every key: a change to how the page is drawn is a new key too.
LAYOUT_VERSION = "2"


def cache_key(p: Piagam) -> str:
    """A hash of everything ``p`` prints: equal keys, equal PDFs."""
    fields = dataclasses.asdict(p)
    logo = fields.pop("logo")
    fields["logo"] = None if logo is None else logo["sha256"]
    text = repr((LAYOUT_VERSION, sorted(fields.items())))
    return hashlib.sha256(text.encode()).hexdigest()


def etag(key: str) -> str:
    return f'"{key[:32]}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weak or strong, or ``*``)."""
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or tag in tags


class PdfCache:
    """Rendered PDFs by key, at most ``max_bytes`` in all (0: none kept)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += len(data) - (len(old) if old is not None else 0)
            self._items[key] = data
            while self._bytes > self.max_bytes:
                _key, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    @property
    def size(self) -> int:
        """The bytes held."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


class Renderer:
    """PDFs from the cache, or rendered: once per key however many wait for it, at most
    ``concurrency`` at a time, at most ``queue`` waiting (then 503)."""

    def __init__(
        self,
        cache: PdfCache,
        *,
        concurrency: int = 1,
        queue: int = 32,
        render: Callable[[Piagam], bytes] = certificate_pdf.render,
    ) -> None:
        self.cache = cache
        self.queue = queue
        self.concurrency = concurrency
        self._render = render
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots = asyncio.Semaphore(concurrency)
        self._inflight: dict[str, asyncio.Task[bytes]] = {}
        self.renders = 0

    def _bind(self) -> None:
        """The semaphore and tasks of the running event loop (a server has one; tests start
        one per client)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop = loop
            self._slots = asyncio.Semaphore(self.concurrency)
            self._inflight = {}

    async def pdf(self, key: str, p: Piagam) -> bytes:
        found = self.cache.get(key)
        if found is not None:
            return found
        self._bind()
        task = self._inflight.get(key)
        if task is None:
            if len(self._inflight) >= self.queue + self.concurrency:
                raise Unavailable(
                    "Too many certificates are being drawn right now; try again in a second.",
                    headers={"Retry-After": "1"},
                )
            task = asyncio.get_running_loop().create_task(self._rendered(key, p))
            self._inflight[key] = task
            task.add_done_callback(lambda _t: self._inflight.pop(key, None))
        # Shielded: a caller that goes away does not cancel the render the others await.
        return await asyncio.shield(task)

    async def _rendered(self, key: str, p: Piagam) -> bytes:
        async with self._slots:
            self.renders += 1
            data = await anyio.to_thread.run_sync(self._render, p)
        self.cache.put(key, data)
        return data


class AddressLimiter:
    """At most ``per_minute`` requests a minute from one address, in bursts of at most
    ``burst`` (a token bucket per address; the ``max_addresses`` seen last are remembered)."""

    def __init__(
        self,
        per_minute: int,
        *,
        burst: int = 10,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.capacity = float(min(per_minute, burst))
        self.rate = per_minute / 60.0
        self.max_addresses = max_addresses
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, address: str) -> None:
        """Count a request from ``address``; 429 ``rate-limited`` when it has none left."""
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.pop(address, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            if tokens >= 1:
                self._buckets[address] = (tokens - 1, now)
            else:
                self._buckets[address] = (tokens, now)
            while len(self._buckets) > self.max_addresses:
                self._buckets.popitem(last=False)
        if tokens < 1:
            retry = max(1, math.ceil((1 - tokens) / self.rate))
            raise RateLimited(
                f"At most {self.per_minute} certificate PDFs a minute from one address; "
                f"try again in {retry} seconds.",
                headers={"Retry-After": str(retry)},
            )
