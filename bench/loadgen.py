"""The load generator: wrk with a Lua script when it is installed, else our own client.

Both replay a pre-generated list of requests (path, token, two bodies per sheet) over
keep-alive connections to a loopback address, for a fixed duration:

* the list is split between wrk's threads (or the client's processes), so a sheet is only
  ever written by one of them;
* each one sends all its sheets with body A, then all with body B, then A again: two
  consecutive writes of one sheet always differ, so every request is a real write (never
  the contract's equal-body no-op), and with thousands of sheets per cycle the previous
  write of a sheet has long finished.

The fallback client (``python -m bench.loadgen``) is a minimal asyncio HTTP/1.1 client over
raw sockets, one process per core; ``make bench`` works without wrk, with a note.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from bench.common import HOST, ROOT, python

LUA = r"""
local reqs = {}
local n = 0
local idx = 0
local thread_counter = 0

function setup(thread)
  thread:set("tid", thread_counter)
  thread_counter = thread_counter + 1
end

function init(args)
  local nthreads = tonumber(args[2])
  local a, b = {}, {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == tid then
      local path, token, body_a, body_b = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
      local headers = {}
      headers["Authorization"] = "Bearer " .. token
      headers["Content-Type"] = "application/json"
      a[#a + 1] = wrk.format("PUT", path, headers, body_a)
      b[#b + 1] = wrk.format("PUT", path, headers, body_b)
    end
    i = i + 1
  end
  for _, r in ipairs(a) do reqs[#reqs + 1] = r end
  for _, r in ipairs(b) do reqs[#reqs + 1] = r end
  n = #reqs
end

function request()
  idx = idx + 1
  if idx > n then idx = 1 end
  return reqs[idx]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.6f, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, ' ..
    '"max_ms": %.3f, "mean_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, latency.mean / 1e3))
end
"""


@dataclass
class Load:
    """What one run measured, as the table prints it."""

    tool: str
    connections: int
    requests: int
    duration_s: float
    errors: int
    error_kinds: dict[str, int]
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    client_cpu_s: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rps": self.rps}


@dataclass(frozen=True)
class Request:
    path: str
    token: str
    body_a: bytes
    body_b: bytes


def write_requests(requests: list[Request], path: Path) -> None:
    with path.open("wb") as f:
        for r in requests:
            f.write(b"\t".join([r.path.encode(), r.token.encode(), r.body_a, r.body_b]) + b"\n")


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run(
    port: int,
    requests: list[Request],
    connections: int,
    duration: float,
    *,
    use_wrk: bool,
    threads: int = 1,
) -> Load:
    with tempfile.TemporaryDirectory(prefix="konvensi_bench_load_") as tmp:
        listing = Path(tmp) / "requests.tsv"
        write_requests(requests, listing)
        if use_wrk:
            return _wrk(port, listing, connections, duration, threads, Path(tmp))
        return _client(port, listing, connections, duration, threads)


def _wrk(
    port: int, listing: Path, connections: int, duration: float, threads: int, tmp: Path
) -> Load:
    script = tmp / "sheets.lua"
    script.write_text(LUA)
    threads = max(1, min(threads, connections))
    argv = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        f"http://{HOST}:{port}/",
        "--",
        str(listing),
        str(threads),
    ]
    before = _children_cpu()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=duration + 60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    cpu = _children_cpu() - before
    line = next((x for x in out.decode().splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out.decode()}\n{err.decode()}")
    data = orjson.loads(line[len("WRK_JSON ") :])
    kinds = {k: int(data[k]) for k in ("connect", "read", "write", "status", "timeout")}
    return Load(
        "wrk",
        connections,
        int(data["requests"]),
        float(data["duration_s"]),
        sum(kinds.values()),
        kinds,
        float(data["p50_ms"]),
        float(data["p90_ms"]),
        float(data["p99_ms"]),
        float(data["max_ms"]),
        cpu,
    )


def _children_cpu() -> float:
    """CPU seconds of every child waited for so far: around a run, the load generator's
    (the server under test is still running, so it is not counted)."""
    usage = os.times()
    return usage.children_user + usage.children_system


# --- the fallback client -------------------------------------------------------------------


def _client(port: int, listing: Path, connections: int, duration: float, processes: int) -> Load:
    processes = max(1, min(processes, connections))
    procs = []
    before = _children_cpu()
    with tempfile.TemporaryDirectory(prefix="konvensi_bench_client_") as tmp:
        for part in range(processes):
            share = connections // processes + (1 if part < connections % processes else 0)
            out = Path(tmp) / f"part{part}.json"
            argv = [
                python(),
                "-m",
                "bench.loadgen",
                "--port",
                str(port),
                "--file",
                str(listing),
                "--connections",
                str(share),
                "--duration",
                str(duration),
                "--part",
                f"{part}/{processes}",
                "--out",
                str(out),
            ]
            procs.append((subprocess.Popen(argv, cwd=ROOT), out))
        try:
            for proc, _ in procs:
                proc.wait(timeout=duration + 60)
        finally:
            for proc, _ in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=10)
        parts = [orjson.loads(out.read_bytes()) for _, out in procs]
    cpu = _children_cpu() - before
    latencies = sorted(x for p in parts for x in p["latencies_ms"])
    kinds: dict[str, int] = {}
    for p in parts:
        for k, v in p["errors"].items():
            kinds[k] = kinds.get(k, 0) + v
    elapsed = max(p["duration_s"] for p in parts)
    return Load(
        "asyncio-client",
        connections,
        sum(p["requests"] for p in parts),
        elapsed,
        sum(kinds.values()),
        kinds,
        _percentile(latencies, 50),
        _percentile(latencies, 90),
        _percentile(latencies, 99),
        latencies[-1] if latencies else 0.0,
        cpu,
    )


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def _load_part(listing: Path, part: int, parts: int, port: int) -> list[bytes]:
    a: list[bytes] = []
    b: list[bytes] = []
    for i, line in enumerate(listing.read_bytes().splitlines()):
        if i % parts != part:
            continue
        path, token, body_a, body_b = line.split(b"\t")
        head = (
            b"PUT " + path + b" HTTP/1.1\r\nHost: " + f"{HOST}:{port}".encode() + b"\r\n"
            b"Authorization: Bearer " + token + b"\r\nContent-Type: application/json\r\n"
        )
        for body, out in ((body_a, a), (body_b, b)):
            out.append(head + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    return a + b


async def _connection(
    port: int,
    requests: list[bytes],
    cursor: list[int],
    deadline: float,
    latencies: list[float],
    errors: dict[str, int],
) -> None:
    n = len(requests)
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError:
        errors["connect"] = errors.get("connect", 0) + 1
        return
    try:
        while time.monotonic() < deadline:
            request = requests[cursor[0] % n]
            cursor[0] += 1
            start = time.perf_counter()
            writer.write(request)
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5.0)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                        break
                if length:
                    await asyncio.wait_for(reader.readexactly(length), 5.0)
            except TimeoutError:
                errors["timeout"] = errors.get("timeout", 0) + 1
                return
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                errors["read"] = errors.get("read", 0) + 1
                return
            latencies.append((time.perf_counter() - start) * 1000)
            status = int(head[9:12])
            if not 200 <= status < 300:
                errors["status"] = errors.get("status", 0) + 1
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _client_main(
    port: int, requests: list[bytes], connections: int, duration: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    cursor = [0]
    start = time.monotonic()
    deadline = start + duration
    await asyncio.wait_for(
        asyncio.gather(
            *(
                _connection(port, requests, cursor, deadline, latencies, errors)
                for _ in range(connections)
            )
        ),
        duration + 30,
    )
    return {
        "requests": len(latencies),
        "duration_s": time.monotonic() - start,
        "latencies_ms": latencies,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="bench's fallback HTTP/1.1 load client")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--part", default="0/1")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    part, parts = (int(x) for x in args.part.split("/"))
    requests = _load_part(args.file, part, parts, args.port)
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    result = runner(_client_main(args.port, requests, args.connections, args.duration))
    args.out.write_bytes(orjson.dumps(result))


if __name__ == "__main__":
    main()
