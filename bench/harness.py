"""Process and set-up helpers shared by the benchmarks (orchestrator side only).

Owns: starting the servers as pinned subprocesses in their own process groups, killing
exactly those on exit (normal, exception, Ctrl+C or SIGTERM), reading a process's RSS,
and enrolling benchmark users into a fresh Hearth database over its REST API.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HEARTH = str(ROOT / ".venv" / "bin" / "hearth")
ADMIN_PASSWORD = "correct horse battery"
SERVER_CPU = "0"
CLIENT_CPU = "1"

_children: list[subprocess.Popen[Any]] = []


def _kill_children() -> None:
    """Stop every subprocess we started (each leads its own process group)."""
    for proc in list(_children):
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for proc in list(_children):
        remaining = max(0.1, deadline - time.monotonic())
        try:
            proc.wait(remaining)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(2)
        _children.remove(proc)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


atexit.register(_kill_children)
signal.signal(signal.SIGTERM, _interrupt)
# Our own SIGINT handler (same effect as Python's) keeps asyncio.run() from installing its
# own, which only cancels the running task and can let a set-up phase run on to the end.
signal.signal(signal.SIGINT, _interrupt)


def spawn(cmd: list[str], *, cpu: str | None, env: dict[str, str] | None = None,
          log: Path | None = None, **kw: Any) -> subprocess.Popen[Any]:
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", cpu, *cmd]   # taskset execs: the pid is the program's
    out = open(log, "ab") if log else None  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **(env or {})}, start_new_session=True,
        stdout=kw.pop("stdout", out), stderr=kw.pop("stderr", out), **kw,
    )
    _children.append(proc)
    return proc


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    if proc in _children:
        _children.remove(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_http(url: str, proc: subprocess.Popen[Any], timeout: float = 20.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def revision() -> str:
    """The commit measured, with '+dirty' when server/ or moderation/ has local changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "server", "moderation"],
                               cwd=ROOT, text=True, capture_output=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + ("+dirty" if dirty.strip() else "")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Workdir:
    path: Path

    @classmethod
    def make(cls) -> Workdir:
        path = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
        atexit.register(shutil.rmtree, path, True)
        return cls(path)


# ---- servers ---------------------------------------------------------------------

def start_ceiling(port: int, work: Workdir, *, direct: bool = False) -> subprocess.Popen[Any]:
    cmd = [PY, "-m", "bench.ceiling", "--port", str(port)] + (["--direct"] if direct else [])
    proc = spawn(cmd, cpu=SERVER_CPU, log=work.path / "ceiling.log")
    wait_http(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def hearth_env(port: int, work: Workdir, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "HEARTH_DATABASE": f"sqlite:///{work.path / 'hearth.db'}",
        "HEARTH_HOST": "127.0.0.1",
        "HEARTH_PORT": str(port),
        # The per-user limit (5/s by default) would cap the offered load, not the server.
        "HEARTH_SEND_RATE": "1000",
        "HEARTH_SEND_BURST": "1000",
        "HEARTH_LOG_LEVEL": "WARNING",
        # The load's staff sign in with a password alone; the second factor has its tests.
        "HEARTH_STAFF_SECOND_FACTOR": "optional",
        # One data key every process of a run shares (PostgreSQL has no file to keep it by).
        "HEARTH_KEY_FILE": str(work.path / "hearth.key"),
        **(extra or {}),
    }


def start_hearth(port: int, work: Workdir, extra_env: dict[str, str] | None = None,
                 ) -> subprocess.Popen[Any]:
    env = hearth_env(port, work, extra_env)
    if not (work.path / "hearth.db").exists():
        subprocess.run(
            [HEARTH, "create-admin", "--username", "admin", "--name", "Admin",
             "--password-stdin"],
            input=ADMIN_PASSWORD.encode(), env={**os.environ, **env}, cwd=ROOT, check=True,
            stdout=subprocess.DEVNULL, timeout=60,
        )
    proc = spawn([HEARTH, "serve"], cpu=SERVER_CPU, env=env, log=work.path / "hearth.log")
    wait_http(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def log_tail(work: Workdir, name: str, lines: int = 30) -> str:
    path = work.path / name
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# ---- Hearth set-up over REST -----------------------------------------------------

class SetupError(RuntimeError):
    pass


async def _call(session: aiohttp.ClientSession, method: str, url: str,
                body: dict[str, Any] | None = None, expect: tuple[int, ...] = (200, 201),
                ) -> tuple[dict[str, Any], aiohttp.ClientResponse]:
    for attempt in range(5):
        async with session.request(method, url, json=body) as resp:
            data = await resp.json(content_type=None) if resp.content_length != 0 else {}
            if resp.status in expect:
                return data or {}, resp
            if resp.status in (429, 503) and attempt < 4:
                await asyncio.sleep(float(resp.headers.get("Retry-After", "1")))
                continue
            raise SetupError(f"{method} {url} -> {resp.status}: {data}")
    raise SetupError(f"{method} {url}: gave up")


async def enrol(base: str, cohorts: int, members: int, *, prefix: str = "m",
                concurrency: int = 8) -> list[dict[str, Any]]:
    """Create `cohorts` cohorts of `members` enrolled clients each.

    Returns one dict per member: username, room, cookie (the session token)."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as admin:
        await _call(admin, "POST", f"{base}/api/session",
                    {"username": "admin", "password": ADMIN_PASSWORD})
        tag = f"{prefix}{int(time.time() * 1000) % 10_000_000}"
        staff, _ = await _call(admin, "POST", f"{base}/api/staff", {
            "username": f"fac-{tag}", "name": "Bench Facilitator",
            "password": f"bench-facilitator-pw-{secrets.token_hex(6)}", "role": "facilitator",
        })
        fac_id = staff["user"]["id"]
        plan: list[tuple[int, str]] = []   # (room, invite token)
        for c in range(cohorts):
            cohort, _ = await _call(admin, "POST", f"{base}/api/cohorts",
                                    {"name": f"Bench {tag} {c}", "facilitators": [fac_id]})
            cid, room = cohort["cohort"]["id"], cohort["cohort"]["room"]
            for _m in range(members):
                inv, _ = await _call(admin, "POST", f"{base}/api/cohorts/{cid}/invites", {})
                plan.append((room, inv["token"]))

    sem = asyncio.Semaphore(concurrency)

    async def redeem(i: int, room: int, token: str) -> dict[str, Any]:
        async with sem, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
            username = f"{tag}-{i}"
            _, resp = await _call(s, "POST", f"{base}/api/invites/{token}", {
                "username": username, "name": f"Member {i}",
                "password": f"bench-member-pw-{secrets.token_hex(6)}", "agreement_version": 1,
                "accept_confidentiality": True,
            })
            morsel = resp.cookies.get("hearth_session")
            if morsel is None:
                raise SetupError("enrolment returned no hearth_session cookie")
            return {"username": username, "room": room, "cookie": morsel.value}

    return list(await asyncio.gather(*(redeem(i, r, t) for i, (r, t) in enumerate(plan))))
