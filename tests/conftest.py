"""Shared fixtures: a real Hearth server on a free loopback port, real HTTP and the
independent `websockets` client. The clock is injectable, so expiry is tested without
sleeping; the argon2 cost is lowered for speed (the production profile has its own test).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import websockets
from aiohttp import web
from argon2 import PasswordHasher
from yarl import URL

from server.app import make_app
from server.appkeys import CHAT
from server.auth import Passwords
from server.config import Settings
from server.models import Role

TIMEOUT = 5.0
ANSWERS = ("ack", "held", "done", "pong", "error")
PASSWORD = "correct horse battery"


# ---- logs carry no secrets -------------------------------------------------------------
# Every test runs with the server's loggers (and its libraries') at DEBUG; the
# helpers below register what is secret (passwords, session tokens, invite tokens,
# message texts, display names and usernames); a test whose logs contain any of them
# fails at teardown.
SECRETS: set[str] = set()
SERVER_LOGGERS = ("server", "moderation", "aiohttp", "aiosqlite", "asyncio")
SECRET_MIN = 5  # shorter strings ("hi", "Bob") occur in ordinary log words


def secret(value: str) -> str:
    """Mark `value` as something no log line may contain; returns it."""
    if len(value) >= SECRET_MIN:
        SECRETS.add(value)
    return value


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(autouse=True)
def logs_carry_no_secrets() -> Iterator[None]:
    capture = _Capture()
    loggers = [logging.getLogger(name) for name in SERVER_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.addHandler(capture)
    SECRETS.clear()
    secret(PASSWORD)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(capture)
            lg.setLevel(level)
    logged = "\n".join(capture.lines)
    leaked = sorted(s for s in SECRETS if s in logged)
    if leaked:
        lines = [line for line in capture.lines if any(s in line for s in leaked)]
        for s in leaked:
            lines = [line.replace(s, "<secret>") for line in lines]
        pytest.fail(f"{len(leaked)} secret(s) reached the logs, e.g.: {lines[0][:200]}")


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Server:
    url: str
    app: web.Application
    clock: Clock
    settings: Settings

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/ws"

    @property
    def chat(self) -> Any:
        return self.app[CHAT]


def fast_passwords() -> Passwords:
    return Passwords(2, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


async def start_server(
    tmp_path: Path, clock: Clock, **overrides: Any
) -> tuple[Server, web.AppRunner]:
    # Existing suites sign staff in with a password alone; tests/e2e/test_access.py runs
    # the default, where staff must pass a second factor.
    overrides.setdefault("staff_second_factor", "optional")
    overrides.setdefault("database", f"sqlite:///{tmp_path / 'hearth.db'}")
    settings = Settings(port=0, **overrides)
    app = make_app(settings, clock=clock, passwords=fast_passwords())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return Server(f"http://127.0.0.1:{port}", app, clock, settings), runner


@pytest.fixture
def clock() -> Clock:
    return Clock()


@contextlib.asynccontextmanager
async def serving(tmp_path: Path, clock: Clock, **overrides: Any) -> AsyncIterator[Server]:
    """The in-process server on SQLite, or on PostgreSQL under `make test-pg` (the
    end-to-end suite again, on a database of its own)."""
    async with contextlib.AsyncExitStack() as stack:
        if os.environ.get("HEARTH_TEST_STORE") == "postgresql":
            from tests.services import pg_database

            overrides["database"] = await stack.enter_async_context(pg_database())
            # PostgreSQL has no database file to keep the data key beside.
            overrides.setdefault("key_file", str(tmp_path / "hearth.key"))
        srv, runner = await start_server(tmp_path, clock, **overrides)
        try:
            yield srv
        finally:
            await runner.cleanup()


@pytest.fixture
async def server(tmp_path: Path, clock: Clock) -> AsyncIterator[Server]:
    async with serving(tmp_path, clock) as srv:
        yield srv


class Api:
    """One person's browser: a cookie jar and JSON over real HTTP."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.user: dict[str, Any] = {}

    async def call(
        self, method: str, path: str, body: Any = None, *, expect: int | None = None, **kw: Any
    ) -> tuple[int, Any]:
        headers = {"Origin": self.server.url}
        async with self.http.request(
            method,
            self.server.url + path,
            json=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=TIMEOUT),
            **kw,
        ) as resp:
            text = await resp.text()
            data = json.loads(text) if text else None
            if expect is not None:
                assert resp.status == expect, (resp.status, data)
            return resp.status, data

    @property
    def token(self) -> str:
        cookie = self.http.cookie_jar.filter_cookies(URL(self.server.url)).get("hearth_session")
        assert cookie is not None, "not logged in"
        return cookie.value

    async def login(self, username: str, password: str = PASSWORD) -> Api:
        _, data = await self.call(
            "POST", "/api/session", {"username": username, "password": password}, expect=200
        )
        self.user = data["user"]
        secret(self.token)
        secret(self.user["name"])
        secret(username)
        secret(password)
        return self

    async def connect(self, **kw: Any) -> Socket:
        return await Socket.open(self.server, self.token, **kw)

    async def close(self) -> None:
        await self.http.close()


class Socket:
    """A websocket with helpers that never wait forever."""

    _refs = itertools.count(1)

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.welcome: dict[str, Any] = {}

    @classmethod
    async def open(
        cls,
        server: Server,
        token: str | None,
        *,
        origin: str | None = None,
        resume: dict[int, int] | None = None,
    ) -> Socket:
        headers = {"Cookie": f"hearth_session={token}"} if token else {}
        ws = await websockets.connect(
            server.ws_url,
            origin=origin or server.url,
            additional_headers=headers,  # type: ignore[arg-type]
            open_timeout=TIMEOUT,
            max_size=2**22,
            compression=None,
            max_queue=None,
        )
        sock = cls(ws)
        sock.welcome = await sock.expect("welcome")
        if resume is None:
            resume = {r["id"]: r["latest_seq"] for r in sock.welcome["rooms"]}
        if resume:
            await sock.send({"type": "resume", "rooms": {str(k): v for k, v in resume.items()}})
            for _ in resume:
                await sock.expect("caught_up", "resync")
        return sock

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def expect(self, *types: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next frame of one of `types`, skipping presence/typing/read chatter."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            frame = await self.recv(max(left, 0.01))
            if frame["type"] in types:
                return frame
            if frame["type"] not in ("presence", "typing", "read"):
                raise AssertionError(f"expected {types}, got {frame}")

    async def nothing(self, within: float = 0.3, ignore: tuple[str, ...] = ("presence",)) -> None:
        """Assert no frame (other than `ignore`) arrives within `within` seconds."""
        deadline = asyncio.get_running_loop().time() + within
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                frame = await self.recv(left)
            except TimeoutError:
                return
            assert frame["type"] in ignore, f"unexpected frame {frame}"

    async def answer(self, frame: dict[str, Any], timeout: float = TIMEOUT) -> dict[str, Any]:
        """Send a frame and return the frame that answers it (ack, held, done, pong or
        error with the same ref), letting everything else go by: events may come first,
        since the room hears a message before its sender is acked."""
        ref = frame.setdefault("ref", f"r{next(self._refs)}")
        await self.send(frame)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            got = await self.recv(max(deadline - asyncio.get_running_loop().time(), 0.01))
            if got.get("ref") == ref and got["type"] in ANSWERS:
                return got

    async def post(
        self, room: int, text: str, client_id: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        secret(text)
        return await self.answer(
            {
                "type": "send",
                "room": room,
                "client_id": client_id or f"c{next(self._refs)}",
                "text": text,
                **extra,
            }
        )

    async def close(self) -> None:
        await self.ws.close()


@dataclass
class Cohort:
    id: int
    room: int


@dataclass
class World:
    """An admin, a facilitator running cohort A (alice, bob) and B (carol)."""

    server: Server
    admin: Api
    fran: Api
    alice: Api
    bob: Api
    carol: Api
    a: Cohort
    b: Cohort
    apis: list[Api] = field(default_factory=list)


async def enrol(server: Server, staff: Api, cohort_id: int, username: str, name: str) -> Api:
    _, invite = await staff.call("POST", f"/api/cohorts/{cohort_id}/invites", {}, expect=201)
    secret(invite["token"])
    secret(username)
    secret(name)
    api = Api(server)
    _, info = await api.call("GET", f"/api/invites/{invite['token']}", expect=200)
    _, data = await api.call(
        "POST",
        f"/api/invites/{invite['token']}",
        {
            "username": username,
            "name": name,
            "password": PASSWORD,
            "agreement_version": info["agreement"]["version"],
            "accept_confidentiality": True,
        },
        expect=201,
    )
    api.user = data["user"]
    secret(api.token)
    return api


@pytest.fixture
async def world(server: Server) -> AsyncIterator[World]:
    await server.chat.create_account(None, "admin", "Admin", PASSWORD, Role.ADMIN)
    admin = await Api(server).login("admin")
    await admin.call(
        "POST",
        "/api/staff",
        {"username": "fran", "name": "Fran", "password": PASSWORD, "role": "facilitator"},
        expect=201,
    )
    fran = await Api(server).login("fran")
    _, a = await fran.call("POST", "/api/cohorts", {"name": "Tuesday evening"}, expect=201)
    _, b = await fran.call("POST", "/api/cohorts", {"name": "Thursday evening"}, expect=201)
    ca = Cohort(a["cohort"]["id"], a["cohort"]["room"])
    cb = Cohort(b["cohort"]["id"], b["cohort"]["room"])
    alice = await enrol(server, fran, ca.id, "alice", "Alice")
    bob = await enrol(server, fran, ca.id, "bob", "Bob")
    carol = await enrol(server, fran, cb.id, "carol", "Carol")
    w = World(server, admin, fran, alice, bob, carol, ca, cb, [admin, fran, alice, bob, carol])
    yield w
    for api in w.apis:
        await api.close()
