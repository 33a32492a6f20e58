"""Several Hearth processes on one PostgreSQL and one Redis, as deployed (docs/deploy.md).

Real server subprocesses on different ports share a database of the test's own and a
Redis channel prefix of its own. The faults are real: a private redis-server is killed
and restarted; a server is SIGKILLed; PostgreSQL connections are cut by a TCP proxy in
front of the database (the machine's shared PostgreSQL itself is never stopped).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from websockets.exceptions import ConnectionClosed
from yarl import URL

from tests.conftest import PASSWORD, TIMEOUT, Api, Socket, enrol
from tests.services import (
    REDIS_URL,
    free_port,
    need,
    pg_database,
    private_redis,
)

pytestmark = pytest.mark.slow

VENV_BIN = Path(sys.executable).parent


@dataclass
class Node:
    """One `hearth serve` process; duck-types the in-process `Server` for Api/Socket."""

    port: int
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "hearth"), "serve"],
                env={**self.env, "HEARTH_PORT": str(self.port)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        async with aiohttp.ClientSession() as http:
            for _ in range(400):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(self.url + "/readyz") as resp:
                        ready = resp.status == 200 and (await resp.json())["relay"]
                        if ready in ("ok", "off"):
                            return
                await asyncio.sleep(0.05)
        raise AssertionError("server did not start: " + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@dataclass
class Cluster:
    database: str
    redis: str
    tmp: Path
    nodes: list[Node] = field(default_factory=list)
    prefix: str = field(default_factory=lambda: "hearth_test_" + secrets.token_hex(4))
    apis: list[Api] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "HEARTH_DATABASE": self.database,
            "HEARTH_REDIS_URL": self.redis,
            "HEARTH_REDIS_PREFIX": self.prefix,
            # A killed process leaves presence after 3 s rather than 15.
            "HEARTH_PRESENCE_HEARTBEAT_SECONDS": "1",
            # Every node shares the data keys, as a real deployment must on PostgreSQL.
            "HEARTH_KEY_FILE": str(self.tmp / "hearth.key"),
            # Staff sign in with a password alone here, as in tests/conftest.py.
            "HEARTH_STAFF_SECOND_FACTOR": "optional",
            **extra,
        }

    async def cli(self, *args: str, stdin: str = "") -> None:
        # Not subprocess.run: the test's own loop may be serving a proxy the CLI needs.
        proc = await asyncio.create_subprocess_exec(
            str(VENV_BIN / "hearth"),
            *args,
            env=self.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(proc.communicate(stdin.encode()), 60)
        assert proc.returncode == 0, out.decode()

    async def node(self, **extra: str) -> Node:
        n = Node(free_port(), self.env(**extra), self.tmp / f"node{len(self.nodes)}.log")
        self.nodes.append(n)
        await n.start()
        return n

    def api(self, node: Node) -> Api:
        api = Api(node)  # type: ignore[arg-type]
        self.apis.append(api)
        return api


@dataclass
class Group:
    fran: Api
    alice: Api
    bob: Api
    cohort: int
    room: int


async def _group(cluster: Cluster, a: Node, b: Node) -> Group:
    """Fran (facilitator) and Alice on node a, Bob on node b, one cohort."""
    await cluster.cli(
        "create-facilitator",
        "--username",
        "fran",
        "--name",
        "Fran",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    fran = await cluster.api(a).login("fran")
    _, c = await fran.call("POST", "/api/cohorts", {"name": "Tuesday"}, expect=201)
    cohort, room = c["cohort"]["id"], c["cohort"]["room"]
    alice = await enrol(a, fran, cohort, "alice", "Alice")  # type: ignore[arg-type]
    bob = await enrol(b, fran, cohort, "bob", "Bob")  # type: ignore[arg-type]
    cluster.apis += [alice, bob]
    return Group(fran, alice, bob, cohort, room)


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    need("Redis", REDIS_URL, 6379)
    async with pg_database() as url:
        c = Cluster(url, REDIS_URL, tmp_path)
        try:
            yield c
        finally:
            for api in c.apis:
                await api.close()
            for n in c.nodes:
                n.stop()


async def _event(sock: Socket, text: str | None = None) -> dict[str, Any]:
    frame = await sock.expect("event")
    if text is not None:
        assert frame["message"]["text"] == text, frame
    return frame


async def _presence(sock: Socket, names: set[str]) -> None:
    """Wait until the room's presence list is exactly `names`."""
    deadline = asyncio.get_running_loop().time() + 3 * TIMEOUT
    while True:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"presence never became {names}"
        frame = await sock.recv(left)
        if frame["type"] == "presence":
            if {u["name"] for u in frame["online"]} == names:
                return


async def _log(api: Api, room: int) -> list[dict[str, Any]]:
    _, page = await api.call("GET", f"/api/rooms/{room}/messages?limit=200", expect=200)
    return list(page["messages"])


async def test_two_processes_serve_one_program(cluster: Cluster) -> None:
    """One deployment, in phases: members on different processes chat both ways and
    see each other; concurrent writers share one gap-free sequence; send limits and a
    mute hold across processes; a SIGKILLed process's client resumes on the other."""
    limits = {"HEARTH_SEND_BURST": "30", "HEARTH_SEND_RATE": "0.01", "HEARTH_LOGIN_FAILURES": "2"}
    a = await cluster.node(**limits)
    b = await cluster.node(**limits)
    g = await _group(cluster, a, b)

    # -- login guesses spread over processes count as one: the second failure (on b)
    # locks the name on a too.
    guesser_a, guesser_b = cluster.api(a), cluster.api(b)
    wrong = {"username": "nobody", "password": "not the password"}
    await guesser_a.call("POST", "/api/session", wrong, expect=401)
    await guesser_b.call("POST", "/api/session", wrong, expect=401)
    _, err = await guesser_a.call("POST", "/api/session", wrong, expect=429)
    assert err["error"]["code"] == "rate_limited", err
    alice = await g.alice.connect()
    bob = await g.bob.connect()
    watcher = await g.fran.connect()  # on node a
    # Each sees the other as present, across processes.
    await _presence(alice, {"Alice", "Bob", "Fran"})

    # -- chat both ways
    for i in range(5):
        assert (await alice.post(g.room, f"from a {i}"))["type"] == "ack"
        await _event(bob, f"from a {i}")
        assert (await bob.post(g.room, f"from b {i}"))["type"] == "ack"
        await _event(alice, f"from b {i}")
    assert [m["seq"] for m in await _log(g.bob, g.room)] == list(range(1, 11))
    assert [(await _event(watcher))["seq"] for _ in range(10)] == list(range(1, 11))

    # -- two processes writing to one room at once
    async def burst(sock: Socket, name: str) -> list[int]:
        for i in range(15):  # fifteen sends in flight at once, then their acks
            await sock.send(
                {
                    "type": "send",
                    "ref": f"{name}{i}",
                    "room": g.room,
                    "client_id": f"{name}{i}",
                    "text": f"{name} {i}",
                }
            )
        seqs = []
        while len(seqs) < 15:
            frame = await sock.recv()
            assert frame["type"] != "error", frame
            if frame["type"] == "ack":
                seqs.append(frame["seq"])
        return seqs

    seqs = await asyncio.gather(burst(alice, "alice"), burst(bob, "bob"))
    assert sorted(seqs[0] + seqs[1]) == list(range(11, 41))
    # A third socket receives all 30, in order, exactly once.
    assert [(await _event(watcher))["seq"] for _ in range(30)] == list(range(11, 41))

    # -- one send budget per person, wherever their sockets are (30, nearly no refill)
    carol = await enrol(b, g.fran, g.cohort, "carol", "Carol")  # type: ignore[arg-type]
    cluster.apis.append(carol)
    carol_a = await Socket.open(a, carol.token)  # type: ignore[arg-type]
    carol_b = await carol.connect()
    for i in range(15):
        assert (await carol_a.post(g.room, f"c a {i}"))["type"] == "ack"
        assert (await carol_b.post(g.room, f"c b {i}"))["type"] == "ack"
    limited = await carol_a.post(g.room, "one too many")
    assert limited["type"] == "error" and limited["code"] == "rate_limited", limited

    # -- a mute given on node a holds for Bob's socket on node b (no stale cache)
    fran = await g.fran.connect()
    done = await fran.answer(
        {
            "type": "moderate",
            "action": "mute",
            "room": g.room,
            "user": g.bob.user["id"],
            "minutes": 10,
        }
    )
    assert done["type"] == "done", done
    muted = await bob.post(g.room, "muted now")
    assert muted["type"] == "error" and muted["code"] == "muted", muted
    await fran.answer(
        {"type": "moderate", "action": "unmute", "room": g.room, "user": g.bob.user["id"]}
    )
    # -- and so does a lock, and its end (node b had the room's state cached)
    await fran.answer({"type": "moderate", "action": "lock", "room": g.room})
    locked = await bob.post(g.room, "locked now")
    assert locked["type"] == "error" and locked["code"] == "room_locked", locked
    await fran.answer({"type": "moderate", "action": "unlock", "room": g.room})
    assert (await bob.post(g.room, "unlocked"))["type"] == "ack"

    # -- slow mode counts a member's posts through either process
    await fran.answer({"type": "moderate", "action": "slow_mode", "room": g.room, "seconds": 600})
    bob_a = await Socket.open(a, g.bob.token)  # type: ignore[arg-type]
    assert (await bob_a.post(g.room, "slowly, via a"))["type"] == "ack"
    slowed = await bob.post(g.room, "and at once via b")
    assert slowed["type"] == "error" and slowed["code"] == "rate_limited", slowed
    assert 590 < slowed["retry_after"] <= 600, slowed
    await fran.answer({"type": "moderate", "action": "slow_mode", "room": g.room, "seconds": 0})
    await bob_a.close()

    # -- a new agreement Bob accepts through node a lets his socket on node b post (node
    #    b had cached the membership that still lacked it)
    bob_at_a = cluster.api(a)
    bob_at_a.http.cookie_jar.update_cookies({"hearth_session": g.bob.token}, URL(a.url))
    await g.fran.call("PUT", f"/api/rooms/{g.room}/agreement", {"text": "v2: kind"}, expect=200)
    refused = await bob.post(g.room, "before accepting")
    assert refused["type"] == "error" and refused["code"] == "agreement_required", refused
    _, agreement = await bob_at_a.call("GET", f"/api/rooms/{g.room}/agreement", expect=200)
    accept = {"version": agreement["version"]}
    await bob_at_a.call("POST", f"/api/rooms/{g.room}/agreement/accept", accept, expect=204)
    await g.alice.call("POST", f"/api/rooms/{g.room}/agreement/accept", accept, expect=204)
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while (answer := await bob.post(g.room, "accepted"))["type"] != "ack":
        assert answer.get("code") == "agreement_required", answer
        assert asyncio.get_running_loop().time() < deadline, "node b never saw the acceptance"
        await asyncio.sleep(0.1)

    # -- Bob hides his presence (asking node a); his socket on node b stops showing him
    await bob_at_a.call("PATCH", "/api/me", {"hide_presence": True}, expect=200)
    await _presence(alice, {"Alice", "Carol", "Fran"})
    await bob_at_a.call("PATCH", "/api/me", {"hide_presence": False}, expect=200)
    await _presence(alice, {"Alice", "Bob", "Carol", "Fran"})

    # -- a cohort created on node a reaches its facilitator's socket on node b at once
    fran_b = await Socket.open(b, g.fran.token)  # type: ignore[arg-type]
    _, new = await g.fran.call("POST", "/api/cohorts", {"name": "Friday"}, expect=201)
    joined = await fran_b.expect("notice")
    assert joined["kind"] == "joined" and joined["room"]["id"] == new["cohort"]["room"], joined
    await fran_b.close()

    # -- node a is killed; Alice's browser resumes on node b with nothing lost
    seen = (await _log(g.alice, g.room))[-1]["seq"]
    a.kill()
    with contextlib.suppress(Exception):
        while True:
            await alice.recv(TIMEOUT)  # until the socket ends
    for i in range(3):
        assert (await bob.post(g.room, f"while away {i}"))["type"] == "ack"
    again = await Socket.open(b, g.alice.token, resume={})  # type: ignore[arg-type]
    await again.send({"type": "resume", "rooms": {str(g.room): seen}})
    replayed = [(await _event(again))["message"]["text"] for _ in range(3)]
    assert replayed == [f"while away {i}" for i in range(3)]
    await again.expect("caught_up")
    assert (await again.post(g.room, "back"))["type"] == "ack"
    await _event(bob, "back")
    # Fran's presence went with node a (its goodbye never came: it expired).
    await _presence(again, {"Alice", "Bob", "Carol"})


async def test_redis_away_sends_commit_and_clients_converge(cluster: Cluster) -> None:
    with private_redis() as redis:
        cluster.redis = redis.url
        a = await cluster.node()
        b = await cluster.node()
        g = await _group(cluster, a, b)
        alice = await g.alice.connect()
        bob = await g.bob.connect()
        assert (await alice.post(g.room, "before"))["type"] == "ack"
        await _event(bob, "before")

        redis.stop()
        # Sends still commit and ack while Redis is gone, on both processes.
        for i in range(3):
            assert (await alice.post(g.room, f"during a {i}"))["type"] == "ack"
        assert (await bob.post(g.room, "during b"))["type"] == "ack"

        redis.start()
        # Each side converges on the whole log, in order, with no gap...
        got_bob = [(await _event(bob))["message"]["text"] for _ in range(3)]
        assert got_bob == ["during a 0", "during a 1", "during a 2"]
        await _event(bob, "during b")
        # (Alice's own sends were read past by `post`, which waits for each ack.)
        await _event(alice, "during b")
        # ...and live delivery across processes is back.
        assert (await alice.post(g.room, "after"))["type"] == "ack"
        await _event(bob, "after")
        assert [m["seq"] for m in await _log(g.alice, g.room)] == list(range(1, 7))


async def test_break_glass_ends_on_every_process(cluster: Cluster) -> None:
    """An admin's break-glass grant ends on time on both processes: whichever process's
    sweep ends it, the admin's sockets on the other stop hearing the room too."""
    short = {"HEARTH_BREAK_GLASS_MINUTES": "0.05"}  # 3 seconds
    a = await cluster.node(**short)
    b = await cluster.node(**short)
    g = await _group(cluster, a, b)
    await cluster.cli(
        "create-admin",
        "--username",
        "admin",
        "--name",
        "Admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    admin = await cluster.api(a).login("admin")
    reason = {"reason": "a safety report about this room"}
    await admin.call("POST", f"/api/rooms/{g.room}/break-glass", reason, expect=201)
    watching = [await Socket.open(n, admin.token, resume={}) for n in (a, b)]  # type: ignore[arg-type]
    for sock in watching:
        await sock.send({"type": "resume", "rooms": {str(g.room): 0}})
        await sock.expect("caught_up")
    for sock in watching:
        while (await sock.expect("notice", timeout=3 * TIMEOUT))["kind"] != "break_glass_ended":
            pass
    alice = await g.alice.connect()
    assert (await alice.post(g.room, "after the grant ended"))["type"] == "ack"
    for sock in watching:
        await sock.nothing(1.0, ignore=("presence", "notice"))
        await sock.send({"type": "resume", "rooms": {str(g.room): 0}})
        refused = await sock.expect("error", "caught_up")
        assert refused["type"] == "error" and refused["code"] == "not_member", refused


async def _closed_with(sock: Socket, code: int) -> None:
    """Read until the server closes the socket; it must close with `code`."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await sock.recv(3 * TIMEOUT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code, closed.value


async def test_what_changed_while_redis_was_away_is_not_missed(cluster: Cluster) -> None:
    """A removal and an alert made on one process while Redis is gone never reached the
    other. When Redis is back, that process reads the store afresh: the removed member's
    socket there is closed (1012) and cannot post, and a facilitator's socket there
    reconnects to reload the alert list; a member whose rooms did not change stays."""
    with private_redis() as redis:
        cluster.redis = redis.url
        a = await cluster.node()
        b = await cluster.node()
        g = await _group(cluster, a, b)
        fran = await g.fran.connect()
        fran_b = await Socket.open(b, g.fran.token)  # type: ignore[arg-type]
        alice = await g.alice.connect()
        bob = await g.bob.connect()
        # Alice signed in on a second device too, whose socket is on node b.
        phone = await cluster.api(a).login("alice")
        phone_b = await Socket.open(b, phone.token)  # type: ignore[arg-type]
        assert (await bob.post(g.room, "hello from b"))["type"] == "ack"
        await _event(alice, "hello from b")

        redis.stop()
        removal = {"type": "moderate", "action": "remove_member", "room": g.room}
        removal |= {"user": g.bob.user["id"], "reason": "left the program"}
        assert (await fran.answer(removal))["type"] == "done"
        assert (await alice.answer({"type": "help"}))["type"] in ("done", "ack")
        await phone.call("DELETE", "/api/session", expect=204)  # signed out, through a
        redis.start()

        await _closed_with(bob, 1012)
        await _closed_with(fran_b, 1012)
        await _closed_with(phone_b, 4001)  # not left to the 30-second sweep
        again = await Socket.open(b, g.bob.token, resume={})  # type: ignore[arg-type]
        refused = await again.post(g.room, "still here?")
        assert refused["type"] == "error" and refused["code"] == "not_member", refused
        # Alice's rooms did not change: her socket carries on, live across processes.
        fran_again = await Socket.open(b, g.fran.token)  # type: ignore[arg-type]
        assert (await fran_again.post(g.room, "after the outage"))["type"] == "ack"
        await _event(alice, "after the outage")


class CutProxy:
    """A TCP proxy in front of PostgreSQL that can drop every connection at once."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
            with contextlib.suppress(Exception):
                w.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    async def cut(self) -> None:
        """The database goes away: live connections drop, new ones are refused."""
        assert self.server is not None
        self.server.close()
        for w in list(self.writers):
            w.transport.abort()
        await self.server.wait_closed()
        self.server = None

    async def close(self) -> None:
        if self.server is not None:
            await self.cut()


async def test_postgres_restart_fails_sends_clearly_and_retries_do_not_duplicate(
    cluster: Cluster,
) -> None:
    proxy = CutProxy(5432)
    await proxy.start()
    try:
        direct = cluster.database
        cluster.database = direct.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        assert cluster.database != direct
        a = await cluster.node(HEARTH_SEND_RATE="10000", HEARTH_SEND_BURST="10000")
        g = await _group(cluster, a, a)
        acked: dict[str, int] = {}
        failed: set[str] = set()
        cut = asyncio.Event()

        async def sender(alice: Socket, name: str) -> None:
            i = 0
            while not cut.is_set() or i % 5:
                client_id = f"{name}-{i}"
                answer = await alice.post(g.room, client_id, client_id=client_id)
                if answer["type"] == "ack":
                    acked[client_id] = answer["seq"]
                else:
                    # A clear, retryable error: never a false ack.
                    assert answer["code"] == "unavailable", answer
                    failed.add(client_id)
                i += 1

        socks = [await g.alice.connect() for _ in range(4)]
        senders = [asyncio.create_task(sender(sock, f"s{n}")) for n, sock in enumerate(socks)]
        while len(acked) < 40:
            await asyncio.sleep(0.01)
        await proxy.cut()  # the database restarts: mid-stream, sends in flight
        cut.set()
        await asyncio.wait_for(asyncio.gather(*senders), 3 * TIMEOUT)
        assert failed, "no send saw the outage"

        await proxy.start()  # the database is back
        # The client retries every unacknowledged send with the same client id.
        alice = await g.alice.connect()
        for client_id in sorted(failed):
            for _ in range(100):
                answer = await alice.post(g.room, client_id, client_id=client_id)
                if answer["type"] == "ack":
                    acked[client_id] = answer["seq"]
                    break
                assert answer["code"] == "unavailable", answer
                await asyncio.sleep(0.05)
        # A retry of something already acked gets the same message back.
        first = sorted(acked)[0]
        again = await alice.post(g.room, first, client_id=first)
        assert again["type"] == "ack" and again["seq"] == acked[first]

        log: list[dict[str, Any]] = []
        before = None
        while True:
            query = "?limit=200" + (f"&before={before}" if before else "")
            _, page = await g.alice.call("GET", f"/api/rooms/{g.room}/messages{query}")
            log = page["messages"] + log
            if not page["has_more"]:
                break
            before = page["messages"][0]["seq"]
        stored = [m["client_id"] for m in log]
        assert len(stored) == len(set(stored)), "a message was stored twice"
        assert set(stored) == set(acked), "an acked message is missing, or one was not acked"
        assert [m["seq"] for m in log] == list(range(1, len(log) + 1))
    finally:
        await proxy.close()


async def test_migrate_store_moves_a_program_from_sqlite_to_postgresql(
    cluster: Cluster, tmp_path: Path
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'old.db'}"
    pg_url = cluster.database
    cluster.database = sqlite_url
    cluster.redis = ""
    a = await cluster.node()
    g = await _group(cluster, a, a)
    alice = await g.alice.connect()
    for i in range(3):
        assert (await alice.post(g.room, f"kept {i}"))["type"] == "ack"
    react = await alice.answer(
        {"type": "react", "room": g.room, "message": 1, "reaction": "heart", "add": True}
    )
    assert react["type"] == "ack", react
    await alice.close()
    a.stop()

    result = subprocess.run(
        [str(VENV_BIN / "hearth"), "migrate-store", "--from", sqlite_url, "--to", pg_url],
        env=cluster.env(),
        capture_output=True,
        timeout=60,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "messages" in result.stdout
    # Copying twice is refused: the target is no longer empty.
    again = subprocess.run(
        [str(VENV_BIN / "hearth"), "migrate-store", "--from", sqlite_url, "--to", pg_url],
        env=cluster.env(),
        capture_output=True,
        timeout=60,
        text=True,
    )
    assert again.returncode == 1 and "already" in again.stderr

    cluster.database = pg_url
    cluster.redis = REDIS_URL
    b = await cluster.node()
    fran = await cluster.api(b).login("fran")
    alice_b = await cluster.api(b).login("alice")
    log = await _log(alice_b, g.room)
    assert [m["text"] for m in log] == ["kept 0", "kept 1", "kept 2"]
    assert log[0]["reactions"] == {"heart": [alice_b.user["id"]]}
    sock = await alice_b.connect()
    # Sequences and ids continue where SQLite left off.
    assert (await sock.post(g.room, "next"))["seq"] == 5
    _, c = await fran.call("POST", "/api/cohorts", {"name": "New"}, expect=201)
    assert c["cohort"]["id"] == g.cohort + 1
