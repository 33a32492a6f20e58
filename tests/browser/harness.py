"""The browser-test harness: a real `hearth serve` subprocess, a REST helper, and
Playwright pages on Debian's Chromium. Fixtures are re-exported by conftest.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

ROOT = Path(__file__).resolve().parents[2]
HEARTH = ROOT / ".venv" / "bin" / "hearth"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = ROOT / "test-output"
ADMIN_PASSWORD = "correct horse battery"
STAFF_PASSWORD = "kind words every day"
AFTER_HOURS = "+1 555 0100"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`hearth serve` on a fixed port and database, so it can be killed and restarted."""

    def __init__(self, workdir: Path, **env: str) -> None:
        self.port = free_port()
        self.db = workdir / "hearth.db"
        self.log = workdir / "server.log"
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "HEARTH_DATABASE": f"sqlite:///{self.db}",
            "HEARTH_PORT": str(self.port),
            "HEARTH_AFTER_HOURS_LINE": AFTER_HOURS,
            "HEARTH_LOG_LEVEL": "WARNING",
            # The XSS test posts a hundred messages at once.
            "HEARTH_SEND_RATE": "100",
            "HEARTH_SEND_BURST": "300",
            # Staff sign in with a password alone here; test_access.py asks for TOTP.
            "HEARTH_STAFF_SECOND_FACTOR": "optional",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def create_admin(self) -> None:
        subprocess.run(
            [
                str(HEARTH),
                "create-admin",
                "--username",
                "admin",
                "--name",
                "Admin",
                "--password-stdin",
            ],
            input=(ADMIN_PASSWORD + "\n").encode(),
            env=self.env,
            check=True,
            timeout=60,
            capture_output=True,
        )

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(HEARTH), "serve"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start in 20 s")

    def kill(self) -> None:
        """Die like a crash: SIGKILL, no goodbye frames."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


@dataclass
class Rest:
    """A tiny REST client with its own session cookie (urllib, no event loop needed)."""

    base: str
    cookie: str | None = None
    user: dict[str, Any] = field(default_factory=dict)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
            req.add_header("Origin", self.base)
        if self.cookie:
            req.add_header("Cookie", f"hearth_session={self.cookie}")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                for header in r.headers.get_all("Set-Cookie") or []:
                    jar = SimpleCookie(header)
                    if "hearth_session" in jar:
                        self.cookie = jar["hearth_session"].value
                raw = r.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raise AssertionError(f"{method} {path} -> {err.code} {err.read()[:300]!r}") from None

    def login(self, username: str, password: str) -> Rest:
        self.user = self.call("POST", "/api/session", {"username": username, "password": password})[
            "user"
        ]
        return self


@dataclass
class Program:
    """A server with an admin, a facilitator and one cohort, ready for invites."""

    server: Server
    admin: Rest
    staff: Rest
    cohort: dict[str, Any]

    @property
    def url(self) -> str:
        return self.server.url

    def new_cohort(self, name: str) -> dict[str, Any]:
        """A cohort (and room) of its own, so tests do not see each other's messages."""
        return self.staff.call("POST", "/api/cohorts", {"name": name})["cohort"]

    def invite(self, cohort: int | None = None) -> dict[str, Any]:
        cid = cohort or self.cohort["id"]
        return self.staff.call("POST", f"/api/cohorts/{cid}/invites", {})

    def enrol(
        self,
        name: str,
        username: str,
        password: str = "quiet morning walk",
        cohort: int | None = None,
    ) -> Rest:
        """Enrol a client over REST; returns their logged-in REST session."""
        invite = self.invite(cohort)
        token = invite["token"]
        info = Rest(self.url).call("GET", f"/api/invites/{token}")
        client = Rest(self.url)
        client.user = client.call(
            "POST",
            f"/api/invites/{token}",
            {
                "username": username,
                "name": name,
                "password": password,
                "agreement_version": info["agreement"]["version"],
                "accept_confidentiality": True,
            },
        )["user"]
        return client


async def post_as(
    program: Program,
    who: Rest,
    room: int,
    payloads: list[str],
    reply_to: int | None = None,
    react: str | None = "heart",
) -> list[int]:
    """Send messages over a real websocket as `who` (every fourth replying to
    `reply_to`), then react to the first; returns their seqs."""
    seqs: list[int] = []
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(
        cookie_jar=jar, cookies={"hearth_session": who.cookie or ""}
    ) as s:
        async with s.ws_connect(
            program.url.replace("http", "ws") + "/ws",
            origin=program.url,
            timeout=aiohttp.ClientWSTimeout(ws_close=5),
        ) as ws:
            welcome = json.loads((await ws.receive(timeout=5)).data)
            latest = {r["id"]: r["latest_seq"] for r in welcome["rooms"]}
            await ws.send_str(json.dumps({"type": "resume", "rooms": latest}))
            await ws.send_str(json.dumps({"type": "typing", "room": room}))
            for i, text in enumerate(payloads):
                frame: dict[str, Any] = {
                    "type": "send",
                    "ref": i,
                    "room": room,
                    "client_id": f"x-{uuid.uuid4().hex}",
                    "text": text,
                }
                if reply_to and i % 4 == 0:
                    frame["reply_to"] = reply_to
                await ws.send_str(json.dumps(frame))
            while len(seqs) < len(payloads):
                frame = json.loads((await ws.receive(timeout=10)).data)
                assert frame["type"] != "error", frame
                if frame["type"] == "ack":
                    seqs.append(frame["message"])
            if seqs and react:
                await ws.send_str(
                    json.dumps(
                        {
                            "type": "react",
                            "ref": "r",
                            "room": room,
                            "message": seqs[0],
                            "reaction": react,
                        }
                    )
                )
                while True:
                    frame = json.loads((await ws.receive(timeout=10)).data)
                    if frame["type"] in ("ack", "error"):
                        assert frame["type"] == "ack", frame
                        break
    return seqs


def make_program(server: Server) -> Program:
    server.create_admin()
    server.start()
    admin = Rest(server.url).login("admin", ADMIN_PASSWORD)
    admin.call(
        "POST",
        "/api/staff",
        {
            "username": "rivera",
            "name": "Dana (facilitator)",
            "password": STAFF_PASSWORD,
            "role": "facilitator",
        },
    )
    staff = Rest(server.url).login("rivera", STAFF_PASSWORD)
    cohort = staff.call(
        "POST",
        "/api/cohorts",
        {
            "name": "Tuesday Evening IOP",
            "schedule": {
                "time_zone": "America/Chicago",
                "sessions": [
                    {"weekday": day, "time": "18:00", "duration_minutes": 180, "place": "Room 2"}
                    for day in ("tuesday", "thursday")
                ],
            },
        },
    )["cohort"]
    return Program(server, admin, staff, cohort)


def running_program() -> Iterator[Program]:
    """A server in a scratch folder, set up with a program, removed afterwards."""
    if not HEARTH.exists():
        pytest.fail(f"{HEARTH} is missing: run `make test` once to build the venv")
    workdir = Path(tempfile.mkdtemp(prefix="hearth-browser-"))
    server = Server(workdir)
    try:
        yield make_program(server)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def program() -> Iterator[Program]:
    """One shared server for the tests that do not restart it."""
    yield from running_program()


@pytest.fixture
def fresh_program() -> Iterator[Program]:
    """A server of its own, for tests that kill and restart it."""
    yield from running_program()


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian chromium is missing: apt-get install -y chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            with contextlib.suppress(Exception):
                await b.close()


class Watch:
    """Collects what must never happen on a page: dialogs, page errors, CSP violations."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console_errors: list[str] = []

    def attach(self, page: Any) -> None:
        async def on_dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            await d.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )


# Records CSP violations in the page before any of the app's code runs.
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


async def new_page(
    browser: Any,
    program_or_url: Any,
    *,
    rest: Rest | None = None,
    viewport: dict[str, int] | None = None,
    path: str = "/",
    before: Any = None,
) -> tuple[Any, Any, Watch]:
    """A fresh context (optionally logged in with `rest`'s cookie) and page at `path`.
    `before(page)`, if given, is awaited before the page loads (to route its socket)."""
    url = program_or_url if isinstance(program_or_url, str) else program_or_url.url
    context = await browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    if rest is not None and rest.cookie:
        await context.add_cookies([{"name": "hearth_session", "value": rest.cookie, "url": url}])
    page = await context.new_page()
    await page.add_init_script(CSP_WATCH)
    watch = Watch()
    watch.attach(page)
    if before is not None:
        await before(page)
    await page.goto(url + path)
    return context, page, watch


def texts(page: Any) -> Any:
    """The text of every message shown in the room, in order."""
    return page.locator("ol.messages li.msg .text")


async def send(page: Any, text: str) -> None:
    """Type a message and press Enter, as a person would."""
    box = page.get_by_label("Message", exact=True)
    await box.fill(text)
    await box.press("Enter")


async def wait_connected(page: Any) -> None:
    from playwright.async_api import expect

    await expect(page.locator("body")).to_have_attribute("data-ws", "open", timeout=10_000)


async def axe_violations(page: Any) -> list[tuple[str, str, int, list[str]]]:
    await page.evaluate(AXE_JS.read_text())
    result = await page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        (v["id"], v["impact"], len(v["nodes"]), [n["target"][0] for n in v["nodes"]][:3])
        for v in result["violations"]
    ]


def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


async def request_as(program: Program, who: Rest, fields: dict[str, Any]) -> dict[str, Any]:
    """One request frame over a websocket of its own; returns the `done` frame."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(
        cookie_jar=jar, cookies={"hearth_session": who.cookie or ""}
    ) as s:
        async with s.ws_connect(
            program.url.replace("http", "ws") + "/ws", origin=program.url
        ) as ws:
            await ws.receive(timeout=5)  # welcome
            await ws.send_str(json.dumps({"ref": "m", **fields}))
            while True:
                frame = json.loads((await ws.receive(timeout=10)).data)
                if frame.get("ref") == "m":
                    assert frame["type"] == "done", frame
                    return frame
