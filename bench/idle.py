"""Idle connections: server memory per open websocket, Hearth against the bare ceiling.

    .venv/bin/python -m bench.idle [--n 10000] [--users 100] [--only hearth|ceiling]

For each server (a subprocess pinned to CPU 0): warm up with a few connections, read the
server's RSS (/proc/<pid>/status VmRSS), open `--n` connections from a picows client
process pinned to CPU 1 (at most 500 handshakes in flight), wait for every Hearth
connection's `welcome` and, after a `resume`, its `caught_up`, let the server settle,
read RSS again and report (after - before) / n in KB.

Hearth connections are spread over `--users` enrolled members, each in a cohort of its
own, all sharing one session per user (so --n / --users tabs per user). Presence is
announced to every connection of a room on each connect, so connections per room is
quadratic work; a realistic 10,000 would be 10,000 people in rooms of ~12.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import harness as h

RESULTS = Path(__file__).resolve().parent / "results"


def settle_rss(pid: int, *, quiet: float = 1.0, limit: float = 20.0) -> tuple[int, float]:
    """RSS once it stops moving (and the server's CPU goes quiet), bounded by `limit` s."""
    deadline = time.monotonic() + limit
    last, cpu = h.rss_kb(pid), h.cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        rss, cpu2 = h.rss_kb(pid), h.cpu_seconds(pid)
        if abs(rss - last) <= max(256, last // 200) and cpu2 - cpu < 0.1 * quiet:
            return rss, limit - (deadline - time.monotonic())
        last, cpu = rss, cpu2
    return h.rss_kb(pid), limit


def hold(cfg: dict[str, Any], work: h.Workdir, name: str, server_pid: int,
         timeout: float) -> dict[str, Any]:
    """Open the connections, measure the server while they are held, then close them."""
    cfg_path, out_path = work.path / f"{name}.cfg.json", work.path / f"{name}.out.json"
    cfg_path.write_text(json.dumps(cfg))
    proc = h.spawn([h.PY, "-m", "bench.loadgen", str(cfg_path), str(out_path)],
                   cpu=h.CLIENT_CPU, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                   stderr=None)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        line = proc.stdout.readline() if ready else b""
        if not line:
            raise RuntimeError(f"{name}: the client did not report its connections in time")
        opened = json.loads(line)
        rss, settle = settle_rss(server_pid)
        opened.update(rss_kb=rss, settle_s=round(settle, 1), client_rss_kb=h.rss_kb(proc.pid))
        proc.stdin.write(b"close\n")
        proc.stdin.flush()
        proc.wait(60)
        if out_path.exists():
            opened["end"] = json.loads(out_path.read_text())
        return dict(opened)
    finally:
        h.stop(proc)


def measure(name: str, server_pid: int, cfg: dict[str, Any], warm: dict[str, Any],
            work: h.Workdir, n: int) -> dict[str, Any]:
    hold({**cfg, "n": min(50, n)}, work, f"{name}-warm", server_pid, 60)   # lazy imports, pools
    before, _ = settle_rss(server_pid)
    print(f"{name}: RSS before {before / 1024:.1f} MB; opening {n} connections ...", flush=True)
    res = hold({**cfg, "n": n}, work, name, server_pid, 300)
    after_close, _ = settle_rss(server_pid)
    per = (res["rss_kb"] - before) / max(1, res["ready"])
    res.update(rss_before_kb=before, rss_after_close_kb=after_close, kb_per_conn=per, **warm)
    print(f"{name}: {res['ready']} open ({res['failed']} failed) in {res['open_seconds']}s; "
          f"RSS {before / 1024:.1f} -> {res['rss_kb'] / 1024:.1f} MB = {per:.1f} KB per "
          f"connection; after closing {after_close / 1024:.1f} MB", flush=True)
    return res


def idle_ceiling(args: argparse.Namespace, work: h.Workdir) -> dict[str, Any]:
    port = h.free_port()
    server = h.start_ceiling(port, work)
    try:
        cfg = {"mode": "idle", "flavor": "ceiling", "url": f"ws://127.0.0.1:{port}/ws",
               "origin": f"http://127.0.0.1:{port}", "handshakes": args.handshakes,
               "conns": [{"room": r} for r in range(args.users)], "resume": False}
        return measure("ceiling", server.pid, cfg, {}, work, args.n)
    finally:
        h.stop(server)


def idle_hearth(args: argparse.Namespace, work: h.Workdir) -> dict[str, Any]:
    port = h.free_port()
    server = h.start_hearth(port, work)
    try:
        base = f"http://127.0.0.1:{port}"
        print(f"hearth: enrolling {args.users} members, one per cohort ...", flush=True)
        members = asyncio.run(h.enrol(base, args.users, 1, prefix="i"))
        cfg = {"mode": "idle", "flavor": "hearth", "url": f"ws://127.0.0.1:{port}/ws",
               "origin": base, "handshakes": args.handshakes, "resume": not args.no_resume,
               "conns": [{"room": m["room"], "cookie": m["cookie"]} for m in members]}
        profiler = None
        if args.profile:
            profiler = h.spawn([str(Path(h.PY).parent / "py-spy"), "record", "--nonblocking",
                                "-r", "100", "--format", "raw", "-o", args.profile,
                                "-p", str(server.pid)], cpu=None)
        try:
            return measure("hearth", server.pid, cfg, {"users": args.users}, work, args.n)
        finally:
            if profiler is not None:
                os.kill(profiler.pid, signal.SIGINT)   # py-spy writes its output on SIGINT
                with contextlib.suppress(subprocess.TimeoutExpired):
                    profiler.wait(30)
                h.stop(profiler)
                print(f"profile written to {args.profile}")
    except Exception:
        print(h.log_tail(work, "hearth.log"), file=sys.stderr)
        raise
    finally:
        h.stop(server)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="connections to hold open")
    ap.add_argument("--users", type=int, default=100,
                    help="Hearth members (one cohort each) sharing the connections")
    ap.add_argument("--handshakes", type=int, default=500, help="handshakes in flight")
    ap.add_argument("--no-resume", action="store_true", help="stop at the welcome frame")
    ap.add_argument("--only", choices=["hearth", "ceiling"])
    ap.add_argument("--quick", action="store_true", help="200 connections, 10 users")
    ap.add_argument("--profile", metavar="FILE",
                    help="record Hearth with py-spy (collapsed stacks) while it runs")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.users = 200, 10
    work = h.Workdir.make()
    rev = h.revision()   # what the servers will import; others may commit meanwhile
    print(f"idle bench: {args.n} connections; revision {rev}; load average "
          f"{h.load_average()}", flush=True)
    results: dict[str, Any] = {}
    started = time.time()
    try:
        if args.only != "hearth":
            results["ceiling"] = idle_ceiling(args, work)
        if args.only != "ceiling":
            results["hearth"] = idle_hearth(args, work)
    except KeyboardInterrupt:
        h._kill_children()
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    finally:
        h._kill_children()
    print(f"\n{'server':>8} {'open':>6} {'failed':>6} {'open s':>7} {'RSS before':>11} "
          f"{'RSS held':>9} {'KB/conn':>8}")
    for name, r in results.items():
        print(f"{name:>8} {r['ready']:>6} {r['failed']:>6} {r['open_seconds']:>7} "
              f"{r['rss_before_kb'] / 1024:>9.1f}MB {r['rss_kb'] / 1024:>7.1f}MB "
              f"{r['kb_per_conn']:>8.1f}")
    if "hearth" in results:
        print(f"target: <= 25 KB per idle Hearth connection "
              f"({'met' if results['hearth']['kb_per_conn'] <= 25 else 'NOT met'})")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"idle-{time.strftime('%Y%m%d-%H%M%S', time.localtime(started))}.json"
    out.write_text(json.dumps({"started": started, "revision": rev,
                               "args": vars(args), "results": results,
                               "load_average_end": h.load_average()}, indent=2))
    print(f"results: {out.relative_to(h.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
