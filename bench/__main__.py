"""``python -m bench [submit|ranking|stability|memory|certificates|scoring|all] [options]``:
the benchmarks of issues 4, 6, 12, 16 and 17, and the timing of ``scoring`` alone.

``make bench`` runs submit, ranking, memory and stability with their defaults (15 s per load
point; ranking sizes 158, 5,000 and 50,000 entries, then two stages at 5,000 x 20 a stage;
stability at 5,000 x 20; memory at 50,000 x 20). Examples::

    python -m bench submit --quick
    python -m bench submit --engines sqlite --workers 1 --connections 64
    python -m bench ranking --sizes 158,5000
    python -m bench ranking --stages 2             # issue 17: 2 stages, 5,000 x 20 a stage
    python -m bench scoring --order interleaved --repeat 3
    python -m bench stability --repeat 5
    python -m bench memory
    python -m bench certificates                   # issue 16: 327 and 9,000 piagam
    python -m bench certificates --sizes 327 --no-http
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bench import common


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def _engines(text: str) -> tuple[str, ...]:
    names = tuple(x.strip() for x in text.split(",") if x.strip())
    for name in names:
        if name not in common.ENGINES:
            raise argparse.ArgumentTypeError(f"unknown engine {name!r}")
    return names


def _choice(group: Any, flag: str, choices: tuple[Any, ...], text: str) -> None:
    """An option of a few ``choices``, the first by default."""
    kind = type(choices[0])
    group.add_argument(flag, type=kind, choices=choices, default=choices[0], help=text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "which",
        nargs="?",
        default="all",
        choices=("all", "submit", "ranking", "stability", "memory", "certificates", "scoring"),
    )
    parser.add_argument(
        "--engines", type=_engines, default=common.ENGINES, help="sqlite,postgresql"
    )
    parser.add_argument("--quick", action="store_true", help="short points (4 s), fewer repeats")
    sub = parser.add_argument_group("submit")
    sub.add_argument("--workers", type=_ints, default=(1, 2), help="worker counts, e.g. 1,2")
    sub.add_argument("--connections", type=_ints, default=(16, 64, 256), help="e.g. 16,64,256")
    sub.add_argument("--duration", type=float, default=None, help="seconds per point (15)")
    sub.add_argument("--threads", type=int, default=1, help="wrk threads / client processes")
    _choice(
        sub, "--client", ("auto", "wrk", "asyncio"), "load generator (auto: wrk when installed)"
    )
    sub.add_argument("--targets", default="floor,service", help="floor,service")
    rank = parser.add_argument_group("ranking")
    rank.add_argument("--sizes", type=_ints, default=None, help="entries, e.g. 158,5000,50000")
    rank.add_argument("--repeat", type=int, default=None, help="timings per point (best kept)")
    rank.add_argument(
        "--no-http", action="store_true", help="skip the server and its memory (certificates too)"
    )
    _choice(
        rank,
        "--stages",
        (1, 2),
        "2: a convention judged in two scored stages (proposal 70, presentation 30)",
    )
    pure = parser.add_argument_group("scoring (also takes --repeat)")
    _choice(
        pure,
        "--order",
        ("sorted", "interleaved", "shuffled"),
        "the order the sheets are handed over in",
    )
    pure.add_argument("--float-scores", action="store_true", help="scores with decimals")
    steady = parser.add_argument_group("stability and ranking (--sizes and --repeat as well)")
    steady.add_argument("--jurors", type=int, default=None, help="jurors (a stage's; 20)")
    args = parser.parse_args(argv)

    common.install_signal_handlers()
    try:
        if args.which in ("all", "submit"):
            from bench import submit

            duration = args.duration or (4.0 if args.quick else 15.0)
            submit.run(
                engines=args.engines,
                workers=args.workers,
                connections=args.connections,
                duration=duration,
                use_wrk=None if args.client == "auto" else args.client == "wrk",
                threads=args.threads,
                targets=tuple(t for t in args.targets.split(",") if t),
            )
        if args.which in ("all", "ranking"):
            from bench import ranking

            # `all` ranks one stage, then two (issue 17); `ranking` what --stages says.
            for stages in (1, 2) if args.which == "all" else (args.stages,):
                default_sizes = ranking.SIZES if stages == 1 else ranking.STAGES_SIZES
                ranking.run(
                    engines=args.engines,
                    sizes=args.sizes or ((158, 5000) if args.quick else default_sizes),
                    repeat=args.repeat or (1 if args.quick else 3),
                    http=not args.no_http,
                    stages=stages,
                    jurors=args.jurors,
                )
        if args.which == "scoring":
            from bench import scoring_perf

            scoring_perf.run(
                order=args.order,
                float_scores=args.float_scores,
                repeat=args.repeat or 1,
                entries=5_000 if args.quick else scoring_perf.N_ENTRIES,
            )
        if args.which in ("all", "memory"):
            from bench import memory

            memory.run(jurors=args.jurors or 20)
        if args.which in ("all", "stability"):
            from bench import stability

            stability.run(
                sizes=args.sizes or stability.SIZES,
                jurors=args.jurors or stability.JURORS,
                repeat=args.repeat or (3 if args.quick else 5),
            )
        if args.which in ("all", "certificates"):
            from bench import certificates

            certificates.run(
                args.sizes or ((327,) if args.quick else certificates.SIZES),
                http=not args.no_http,
            )
    except KeyboardInterrupt:
        common.stop_all()
        return 130
    finally:
        common.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
