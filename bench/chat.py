"""Chat throughput: Hearth against a bare aiohttp broadcast server, in one invocation.

    .venv/bin/python -m bench.chat [--quick] [--only hearth|ceiling] [--steps 500,1000,...]

Both servers run as subprocesses pinned to CPU 0 (`taskset -c 0`); the picows load
generator (bench/loadgen.py) runs in another process pinned to CPU 1 and, at each rate,
drives the ceiling then Hearth, so the two are measured side by side in time. 10 rooms x 12
members = 120 connections; the offered send rate steps up and each step reports
delivered messages/s, send-to-receive latency p50/p99, losses and errors. The best rate
is the highest step with p99 < 50 ms, nothing lost, nothing unacked, no error frame
and no disconnect. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import harness as h

RESULTS = Path(__file__).resolve().parent / "results"
# Fine steps from 4,000 to 10,000, where both servers' knees lie on 2-core machines: a coarse
# step there turns "Hearth passes 5,000, fails 6,000" into a best of 4,000.
DEFAULT_STEPS = (
    "500,1000,2000,3000,4000,4500,5000,5500,6000,7000,8000,9000,10000,12000,14000,16000,18000,20000"
)


def run_loadgen(cfg: dict[str, Any], work: h.Workdir, name: str, timeout: float,
                ) -> dict[str, Any]:
    cfg_path, out_path = work.path / f"{name}.cfg.json", work.path / f"{name}.out.json"
    cfg_path.write_text(json.dumps(cfg))
    proc = h.spawn([h.PY, "-m", "bench.loadgen", str(cfg_path), str(out_path)],
                   cpu=h.CLIENT_CPU, stdout=None, stderr=None)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        h.stop(proc)
        raise RuntimeError(f"load generator for {name} ran past {timeout:.0f}s") from None
    finally:
        h.stop(proc)
    if proc.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"load generator for {name} failed (exit {proc.returncode})")
    return dict(json.loads(out_path.read_text()))


def load_cfg(args: argparse.Namespace, targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "mode": "load", "targets": targets, "rates": args.rates, "duration": args.duration,
        "drain": args.drain, "warmup_rate": 200, "warmup_seconds": 1.0, "p99_limit_ms": 50.0,
        "stop_after_fails": 2, "retries": args.retries, "pad": 60,
        "quiet_below": args.quiet_below, "quiet_wait": args.quiet_wait,
        "server_core": int(h.SERVER_CPU), "client_core": int(h.CLIENT_CPU),
    }


def budget(args: argparse.Namespace, servers: int) -> float:
    per_step = args.duration + args.drain + 1.5 + args.quiet_wait
    return 120 + servers * (len(args.rates) * (args.retries + 3) + 1) * per_step


def start_ceiling(args: argparse.Namespace, work: h.Workdir,
                  ) -> tuple[subprocess.Popen[Any], dict[str, Any]]:
    port = h.free_port()
    server = h.start_ceiling(port, work, direct=args.direct)
    fanout = "direct send_str" if args.direct else "queue + writer task"
    print(f"ceiling: bare aiohttp broadcast ({fanout} fan-out), pid {server.pid}", flush=True)
    conns = [{"room": r} for _m in range(args.members) for r in range(args.rooms)]
    return server, {"name": "ceiling", "flavor": "ceiling", "url": f"ws://127.0.0.1:{port}/ws",
                    "origin": f"http://127.0.0.1:{port}", "conns": conns,
                    "server_pid": server.pid}


def start_hearth(args: argparse.Namespace, work: h.Workdir,
                 ) -> tuple[subprocess.Popen[Any], dict[str, Any]]:
    port = h.free_port()
    server = h.start_hearth(port, work)
    base = f"http://127.0.0.1:{port}"
    print(f"hearth: pid {server.pid} (synchronous=FULL, send rate limit raised); enrolling "
          f"{args.rooms}x{args.members} members ...", flush=True)
    t0 = time.monotonic()
    try:
        members = asyncio.run(h.enrol(base, args.rooms, args.members))
    except Exception:
        print(h.log_tail(work, "hearth.log"), file=sys.stderr)
        raise
    print(f"hearth: enrolled in {time.monotonic() - t0:.1f}s", flush=True)
    # Interleave rooms so that round-robin sending spreads over rooms.
    members.sort(key=lambda m: (int(m["username"].rsplit("-", 1)[1]) % args.members, m["room"]))
    conns = [{"room": m["room"], "cookie": m["cookie"]} for m in members]
    return server, {"name": "hearth", "flavor": "hearth", "url": f"ws://127.0.0.1:{port}/ws",
                    "origin": base, "conns": conns, "server_pid": server.pid}


def run(args: argparse.Namespace, work: h.Workdir) -> dict[str, dict[str, Any]]:
    servers: dict[str, subprocess.Popen[Any]] = {}
    targets = []
    if args.only != "hearth":
        servers["ceiling"], t = start_ceiling(args, work)
        targets.append(t)
    if args.only != "ceiling":
        servers["hearth"], t = start_hearth(args, work)
        targets.append(t)
    print(f"load average {h.load_average()}; stepping ...", flush=True)
    profiler = None
    if args.profile and "hearth" in servers:
        # py-spy samples Hearth from outside (unpinned; --nonblocking never pauses it);
        # collapsed stacks per thread. It covers the ceiling's steps too, while Hearth idles.
        profiler = h.spawn([str(Path(h.PY).parent / "py-spy"), "record", "--nonblocking",
                            "--threads", "-r", "250", "--format", "raw", "-o", args.profile,
                            "-p", str(servers["hearth"].pid)], cpu=None)
    try:
        cfg = load_cfg(args, targets)
        cfg["all_server_pids"] = [p.pid for p in servers.values()]
        results = run_loadgen(cfg, work, "load", budget(args, len(targets)))
    finally:
        if profiler is not None:
            os.kill(profiler.pid, signal.SIGINT)   # py-spy writes its output on SIGINT
            try:
                profiler.wait(30)
            except subprocess.TimeoutExpired:
                pass
            h.stop(profiler)
            print(f"profile written to {args.profile}")
    for name, proc in servers.items():
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited during the run:\n"
                               + h.log_tail(work, f"{name}.log"))
        results[name]["server_rss_kb_end"] = h.rss_kb(proc.pid)
        h.stop(proc)
    return results


def best(result: dict[str, Any] | None) -> float | None:
    if not result:
        return None
    ok = [s["offered"] for s in result["steps"] if s["ok"]]
    return max(ok) if ok else None


def _f(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    rates = sorted({s["offered"] for r in results.values() for s in r["steps"]})
    cols = "{:>16} {:>7} {:>7} {:>5} {:>4} {:>5} {:>5}"
    head = f"{'offered/s':>9}"
    for n in names:
        head += " | " + cols.format(n + " deliv/s", "p50", "p99", "lost", "err", "noise", "ok")
    lines = [head, "-" * len(head)]
    for rate in rates:
        line = f"{rate:>9.0f}"
        for n in names:
            row = next((s for s in results[n]["steps"] if s["offered"] == rate), None)
            if row is None:
                line += " | " + cols.format("(not run)", "", "", "", "", "", "")
                continue
            err = row["errors"] + row["unacked"] + row["disconnects"]
            ok = ("yes" if row["ok"] else "noisy" if row.get("noisy") else "NO") + (
                "*" if row.get("attempt", 1) > 1 else "")
            line += " | " + cols.format(
                _f(row["delivered_per_s"], ",.0f"), _f(row["p50_ms"], ".1f"),
                _f(row["p99_ms"], ".1f"), row["lost"], err,
                _f(row.get("noise_server_core"), ".2f"), ok)
        lines.append(line)
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", default=DEFAULT_STEPS,
                    help="offered sends/s across all members, comma-separated")
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per step")
    ap.add_argument("--drain", type=float, default=3.0,
                    help="max seconds to wait for outstanding deliveries after a step")
    ap.add_argument("--rooms", type=int, default=10)
    ap.add_argument("--members", type=int, default=12)
    ap.add_argument("--only", choices=["hearth", "ceiling"])
    ap.add_argument("--direct", action="store_true",
                    help="ceiling fans out with inline await send_str instead of queues")
    ap.add_argument("--retries", type=int, default=1,
                    help="re-run a step that failed marginally (p99 < 1 s), for noise")
    ap.add_argument("--quiet-below", type=float, default=0.15,
                    help="before each step, wait until other processes use less than this "
                         "share of the server's core")
    ap.add_argument("--quiet-wait", type=float, default=20.0,
                    help="...but wait at most this many seconds per step")
    ap.add_argument("--quick", action="store_true", help="a tiny smoke-test run")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the whole stepping this many times, each with fresh servers, "
                         "and report the median of the rounds' ratios (the ceiling alone "
                         "moves by half from one run to the next on this kind of machine)")
    ap.add_argument("--profile", metavar="FILE",
                    help="record Hearth with py-spy (collapsed stacks) during its run")
    args = ap.parse_args(argv)
    if args.quick:
        args.rooms, args.members, args.duration, args.drain = 2, 3, 1.0, 1.0
        args.steps = "100,200"
    args.rates = [float(x) for x in args.steps.split(",") if x.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    work = h.Workdir.make()
    rev = h.revision()   # what the servers will import; others may commit meanwhile
    print(f"hearth bench: {args.rooms} rooms x {args.members} members, steps {args.steps} "
          f"({args.duration:g}s each), server on CPU {h.SERVER_CPU}, client on CPU "
          f"{h.CLIENT_CPU}; revision {rev}; load average {h.load_average()}",
          flush=True)
    started = time.time()
    rounds: list[dict[str, dict[str, Any]]] = []
    try:
        for n in range(args.rounds):
            if args.rounds > 1:
                print(f"\nround {n + 1} of {args.rounds}", flush=True)
            rounds.append(run(args, work if n == 0 else h.Workdir.make()))
            h._kill_children()
    except KeyboardInterrupt:
        h._kill_children()
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    finally:
        h._kill_children()

    for n, results in enumerate(rounds):
        if len(rounds) > 1:
            print(f"\nround {n + 1}:")
        print("\n" + table(results))
    print("\n(deliv/s: event frames received per second during the send window; p50/p99: "
          "send-to-receive ms;\n lost: expected deliveries (acked x room size) missing "
          "after the drain; err: error frames + unacked sends + disconnects;\n noise: CPU share "
          "of the server's core used by other processes during the step;\n noisy: failed while "
          "other processes used > 0.2 of a pinned core, even after retries; *: not the first "
          "attempt)")
    summaries: list[dict[str, Any]] = []
    ratios: list[float] = []
    for n, results in enumerate(rounds):
        summary: dict[str, Any] = {}
        tag = f"round {n + 1}: " if len(rounds) > 1 else ""
        for name, res in results.items():
            b = best(res)
            summary[name] = b
            print(f"{tag}best {name:>8}: {_f(b, ',.0f')} sends/s "
                  f"({_f(b and b * args.members, ',.0f')} deliveries/s) with p99 < 50 ms, "
                  "nothing lost")
        for name, res in results.items():
            noisy = [s["offered"] for s in res["steps"] if s.get("noisy") and not s["ok"]]
            if noisy:
                print(f"warning: {name} failed at {', '.join(f'{r:.0f}' for r in noisy)}/s "
                      "while the machine was busy; its best may be understated (check "
                      "`uptime`, rerun)")
        if summary.get("hearth") is not None and summary.get("ceiling"):
            ratios.append(summary["hearth"] / summary["ceiling"])
            print(f"{tag}Hearth / ceiling = {ratios[-1]:.2f} (target >= 0.50)")
        summaries.append(summary)
    ratio = statistics.median(ratios) if ratios else None
    if len(rounds) > 1 and ratio is not None:
        for name in summaries[0]:
            bests = [s[name] for s in summaries if s.get(name) is not None]
            if bests:
                print(f"median best {name:>8}: {statistics.median(bests):,.0f} sends/s over "
                      f"{len(bests)} rounds")
        print(f"median Hearth / ceiling over {len(ratios)} rounds = {ratio:.2f} "
              f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)}; target >= 0.50)")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"chat-{time.strftime('%Y%m%d-%H%M%S', time.localtime(started))}.json"
    out.write_text(json.dumps({
        "started": started, "revision": rev, "args": vars(args),
        "load_average_end": h.load_average(), "results": rounds[-1], "best": summaries[-1],
        "ratio": ratio, "rounds": [{"results": r, "best": s} for r, s in zip(
            rounds, summaries, strict=True)], "ratios": ratios,
    }, indent=2))
    print(f"results: {out.relative_to(h.ROOT)}; load average now {h.load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
