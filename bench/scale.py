"""Scale-out: the cohort-chat benchmark on one process and on two, in one invocation.

    .venv/bin/python -m bench.scale [--steps 250,500,1000,2000] [--duration 5]

Three targets, driven side by side at each offered rate by the same picows load
generator as `bench.chat` (10 rooms x 12 members; see bench/README.md for the columns):

- `sqlite-1p`: one `hearth serve` on the embedded SQLite default;
- `pg-1p`: one `hearth serve` on PostgreSQL, with the Redis bus on;
- `pg-2p`: two `hearth serve` processes on one PostgreSQL database and one Redis. Each
  room's members alternate between the two processes, so every message crosses Redis.

Every Hearth process is pinned to the same CPU (`taskset -c 0`): the two-process figure
is the cost of scaling out on the same budget, not a gain from a second core (this
machine has two, and the load generator has the other). PostgreSQL and Redis are the
machine's services (127.0.0.1:5432 and :6379, or HEARTH_BENCH_POSTGRES /
HEARTH_BENCH_REDIS), unpinned. Each run creates its own database and drops it after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from typing import Any

from . import chat
from . import harness as h

PG = os.environ.get("HEARTH_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("HEARTH_BENCH_REDIS", "redis://127.0.0.1:6379/0")


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _cluster(args: argparse.Namespace, work: h.Workdir, name: str, nodes: int,
             database: str, redis: str) -> tuple[list[subprocess.Popen[Any]], dict[str, Any]]:
    env_extra = {"HEARTH_DATABASE": database, "HEARTH_REDIS_URL": redis,
                 "HEARTH_REDIS_PREFIX": f"bench-{secrets.token_hex(4)}"}
    env = {**os.environ, **h.hearth_env(0, work, env_extra)}
    subprocess.run(
        [h.HEARTH, "create-admin", "--username", "admin", "--name", "Admin", "--password-stdin"],
        input=h.ADMIN_PASSWORD.encode(), env=env, cwd=h.ROOT, check=True,
        stdout=subprocess.DEVNULL, timeout=60,
    )
    procs, bases = [], []
    for i in range(nodes):
        port = h.free_port()
        proc = h.spawn([h.HEARTH, "serve"], cpu=h.SERVER_CPU,
                       env=h.hearth_env(port, work, env_extra), log=work.path / f"{name}{i}.log")
        h.wait_http(f"http://127.0.0.1:{port}/healthz", proc)
        procs.append(proc)
        bases.append(f"http://127.0.0.1:{port}")
    print(f"{name}: {nodes} process(es) {[p.pid for p in procs]}; enrolling ...", flush=True)
    members = asyncio.run(h.enrol(bases[0], args.rooms, args.members, prefix=name[:2]))
    members.sort(key=lambda m: (int(m["username"].rsplit("-", 1)[1]) % args.members, m["room"]))
    conns = []
    for i, m in enumerate(members):
        base = bases[(i // args.rooms) % nodes]   # a room's members alternate processes
        conns.append({"room": m["room"], "cookie": m["cookie"],
                      "url": base.replace("http", "ws") + "/ws", "origin": base})
    target = {"name": name, "flavor": "hearth", "url": conns[0]["url"],
              "origin": conns[0]["origin"], "conns": conns, "server_pid": procs[0].pid}
    return procs, target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", default="250,500,1000,2000,3000")
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--drain", type=float, default=3.0)
    ap.add_argument("--rooms", type=int, default=10)
    ap.add_argument("--members", type=int, default=12)
    ap.add_argument("--retries", type=int, default=1)
    ap.add_argument("--quiet-below", type=float, default=0.15)
    ap.add_argument("--quiet-wait", type=float, default=5.0)
    ap.add_argument("--targets", default="sqlite-1p,pg-1p,pg-2p",
                    help="which of sqlite-1p, pg-1p, pg-2p to run")
    args = ap.parse_args(argv)
    args.rates = [float(x) for x in args.steps.split(",") if x.strip()]
    work = h.Workdir.make()
    dbs = [f"hearth_bench_{secrets.token_hex(4)}" for _ in range(2)]
    print(f"scale bench: {args.rooms}x{args.members}, steps {args.steps}, revision "
          f"{h.revision()}, load average {h.load_average()}", flush=True)
    procs: list[subprocess.Popen[Any]] = []
    try:
        for db in dbs:
            asyncio.run(_admin(f'CREATE DATABASE "{db}"'))
        targets = []
        for name, nodes, database, redis in (
            ("sqlite-1p", 1, f"sqlite:///{work.path / 'bench.db'}", ""),
            ("pg-1p", 1, PG.rsplit("/", 1)[0] + "/" + dbs[0], REDIS),
            ("pg-2p", 2, PG.rsplit("/", 1)[0] + "/" + dbs[1], REDIS),
        ):
            if name not in args.targets.split(","):
                continue
            ps, target = _cluster(args, work, name, nodes, database, redis)
            procs += ps
            targets.append(target)
        cfg = chat.load_cfg(args, targets)
        cfg["all_server_pids"] = [p.pid for p in procs]
        results = chat.run_loadgen(cfg, work, "scale", chat.budget(args, len(targets)))
    finally:
        for p in procs:
            h.stop(p)
        h._kill_children()
        for db in dbs:
            try:
                asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
            except Exception as exc:  # noqa: BLE001 - report, do not hide the run's outcome
                print(f"could not drop {db}: {exc}", file=sys.stderr)
    print("\n" + chat.table(results))
    for name, res in results.items():
        b = chat.best(res)
        ok = [s for s in res["steps"] if s["ok"]]
        top = max(ok, key=lambda s: s["offered"]) if ok else None
        print(f"best {name:>9}: {chat._f(b, ',.0f')} sends/s"
              + (f", {top['delivered_per_s']:,.0f} delivered/s, p99 {top['p99_ms']:.1f} ms"
                 if top else ""))
    chat.RESULTS.mkdir(exist_ok=True)
    out = chat.RESULTS / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
    print(f"results: {out.relative_to(h.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
