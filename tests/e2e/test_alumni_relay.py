"""Discharge and the alumni network across processes: two in-process servers on one
PostgreSQL database and one Redis (a channel prefix of the test's own), as deployed
behind a load balancer. What one process decides reaches the person's sockets on the
other at once: the notice, the end of the room, the role."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.config import Secret
from server.models import Role
from tests.conftest import PASSWORD, Api, Clock, Server, Socket, enrol, start_server
from tests.e2e.test_alumni import LONG_SESSIONS, frames_until
from tests.services import REDIS_URL, need, pg_database


@dataclass
class Pair:
    a: Server
    b: Server
    fran: Api  # signed in on a
    cohort: int
    room: int
    apis: list[Api]


@pytest.fixture
async def pair(tmp_path: Path, clock: Clock) -> AsyncIterator[Pair]:
    need("Redis", REDIS_URL, 6379)
    prefix = "hearth_test_" + secrets.token_hex(4)
    async with pg_database() as url:
        servers, runners = [], []
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            srv, runner = await start_server(
                tmp_path / name,
                clock,
                database=url,
                key_file=str(tmp_path / "hearth.key"),  # one key file both processes share
                redis_url=Secret(REDIS_URL),
                redis_prefix=prefix,
                **LONG_SESSIONS,
            )
            servers.append(srv)
            runners.append(runner)
        a, b = servers
        apis: list[Api] = []
        try:
            await a.chat.create_account(None, "admin", "Admin", PASSWORD, Role.ADMIN)
            admin = await Api(a).login("admin")
            apis.append(admin)
            await admin.call(
                "POST",
                "/api/staff",
                {"username": "fran", "name": "Fran", "password": PASSWORD, "role": "facilitator"},
                expect=201,
            )
            fran = await Api(a).login("fran")
            apis.append(fran)
            _, made = await fran.call("POST", "/api/cohorts", {"name": "Tuesday"}, expect=201)
            yield Pair(a, b, fran, made["cohort"]["id"], made["cohort"]["room"], apis)
        finally:
            for api in apis:
                await api.close()
            for runner in runners:
                await runner.cleanup()


async def _member(pair: Pair, username: str, name: str) -> Api:
    api = await enrol(pair.a, pair.fran, pair.cohort, username, name)
    pair.apis.append(api)
    return api


async def _on_b(pair: Pair, api: Api) -> Socket:
    """A socket of this person's on the other process (same session)."""
    return await Socket.open(pair.b, api.token)


async def test_a_discharge_on_one_process_reaches_the_sockets_on_the_other(pair: Pair) -> None:
    alice = await _member(pair, "alice", "Alice")
    bob = await _member(pair, "bob", "Bob")
    alice_b, bob_b = await _on_b(pair, alice), await _on_b(pair, bob)
    await alice_b.post(pair.room, "hello from process b")

    _, done = await pair.fran.call(
        "POST",
        f"/api/cohorts/{pair.cohort}/discharges",
        {"user": alice.user["id"], "outcome": "completed"},
        expect=201,
    )
    assert done["discharge"]["read_only_until"] is None
    # Decided on a, heard on b: the person's notice and the room's.
    notice = await frames_until(alice_b, "notice", kind="discharged")
    assert notice["room"] == pair.room and notice["consent"]["version"] == 1
    await frames_until(bob_b, "moved_on")

    # b stopped delivering the room to her at once.
    await bob_b.post(pair.room, "see you thursday")
    await alice_b.nothing(0.5, ignore=("presence", "moved_on"))
    answer = await alice_b.post(pair.room, "can I still post?")
    assert answer["type"] == "error" and answer["code"] == "not_member"
    # b's sockets carry her new role: the alumni network is hers to answer on b too.
    assert pair.b.chat.hub.connections_of(alice.user["id"])[0].user.role is Role.ALUM
    for s in (alice_b, bob_b):
        await s.close()


async def test_withdrawn_consent_and_invitations_reach_the_other_process(pair: Pair) -> None:
    alice = await _member(pair, "alice", "Alice")
    await pair.fran.call(
        "POST",
        f"/api/cohorts/{pair.cohort}/discharges",
        {"user": alice.user["id"], "outcome": "completed"},
        expect=201,
    )
    admin = pair.apis[0]
    _, made = await admin.call(
        "POST",
        "/api/alumni/rooms",
        {"name": "Book club", "category": "interest", "access": "invite"},
        expect=201,
    )
    room = made["room"]["id"]
    await alice.call("PUT", "/api/me/alumni-consent", {"consent": True, "version": 1}, expect=200)
    alice_b = await _on_b(pair, alice)

    # Invited on a: her socket on b hears of it.
    await admin.call(
        "POST", f"/api/alumni/rooms/{room}/invitations", {"user": alice.user["id"]}, expect=204
    )
    invited = await frames_until(alice_b, "notice", kind="alumni_invited")
    assert invited["room"] == room
    await alice.call("POST", f"/api/alumni/rooms/{room}/join", {}, expect=200)
    joined = await frames_until(alice_b, "notice", kind="joined")
    assert joined["room"]["id"] == room

    # Withdrawn on a: b stops delivering the room to her at once.
    await alice.call("PUT", "/api/me/alumni-consent", {"consent": False, "version": 1}, expect=200)
    await frames_until(alice_b, "notice", kind="removed_from_room", room=room)
    admin_b = await _on_b(pair, admin)
    await admin_b.post(room, "welcome, everyone")
    await alice_b.nothing(0.5, ignore=("presence",))
    for s in (alice_b, admin_b):
        await s.close()
