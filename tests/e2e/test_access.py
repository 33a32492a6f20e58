"""Access you can prove: staff pass a second factor, sessions end on time by role,
break-glass is reasoned, time-boxed, audited and told, and exports carry the federal
notice and land in a ledger the member can read. Time comes from the injected clock."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import websockets

from server import totp
from server.app import sweep_grace, sweep_sessions
from server.export import PART2_NOTICE
from server.models import Role
from tests.conftest import PASSWORD, Api, Clock, Server, Socket, enrol, start_server


@pytest.fixture
async def strict(tmp_path: Path, clock: Clock) -> AsyncIterator[Server]:
    """The production default: staff must pass a second factor."""
    srv, runner = await start_server(tmp_path, clock, staff_second_factor="required")
    yield srv
    await runner.cleanup()


@dataclass
class Staff:
    api: Api
    secret: str
    recovery: list[str]


async def first_login(server: Server, username: str) -> Staff:
    """Password, then the enrolment this first login forces, then a first code."""
    api = Api(server)
    status, data = await api.call(
        "POST", "/api/session", {"username": username, "password": PASSWORD}
    )
    assert status == 202 and data["second_factor"]["enrol"] is True
    challenge = data["second_factor"]["challenge"]
    _, setup = await api.call(
        "POST", "/api/session/totp/setup", {"challenge": challenge}, expect=200
    )
    assert setup["uri"].startswith("otpauth://totp/") and setup["secret"] in setup["uri"]
    code = totp.code_at(setup["secret"], server.clock())
    _, done = await api.call(
        "POST", "/api/session/totp", {"challenge": challenge, "code": code}, expect=200
    )
    api.user = done["user"]
    return Staff(api, setup["secret"], done["recovery_codes"])


async def second_login(server: Server, username: str, code: str) -> tuple[Api, int, Any]:
    api = Api(server)
    _, data = await api.call(
        "POST", "/api/session", {"username": username, "password": PASSWORD}, expect=202
    )
    assert data["second_factor"]["enrol"] is False
    status, body = await api.call(
        "POST",
        "/api/session/totp",
        {"challenge": data["second_factor"]["challenge"], "code": code},
    )
    return api, status, body


@dataclass
class Program:
    server: Server
    admin: Staff
    fran: Staff
    alice: Api
    bob: Api
    carol: Api
    room_a: int
    room_b: int
    apis: list[Api]


@pytest.fixture
async def program(strict: Server) -> AsyncIterator[Program]:
    await strict.chat.create_account(None, "admin", "Admin", PASSWORD, Role.ADMIN)
    await strict.chat.create_account(None, "fran", "Fran", PASSWORD, Role.FACILITATOR)
    admin = await first_login(strict, "admin")
    fran = await first_login(strict, "fran")
    _, a = await fran.api.call("POST", "/api/cohorts", {"name": "Tuesday"}, expect=201)
    _, b = await fran.api.call("POST", "/api/cohorts", {"name": "Thursday"}, expect=201)
    alice = await enrol(strict, fran.api, a["cohort"]["id"], "alice", "Alice")
    bob = await enrol(strict, fran.api, a["cohort"]["id"], "bob", "Bob")
    carol = await enrol(strict, fran.api, b["cohort"]["id"], "carol", "Carol")
    apis = [admin.api, fran.api, alice, bob, carol]
    yield Program(
        strict, admin, fran, alice, bob, carol, a["cohort"]["room"], b["cohort"]["room"], apis
    )
    for api in apis:
        await api.close()


async def audit_actions(p: Program) -> list[dict[str, Any]]:
    _, log = await p.admin.api.call("GET", "/api/audit?limit=1000", expect=200)
    return list(log["entries"])


# ---- the second factor -------------------------------------------------------------


async def test_staff_first_login_forces_enrolment_and_no_session_before_the_code(
    strict: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await strict.chat.create_account(None, "admin", "Admin", PASSWORD, Role.ADMIN)
    api = Api(strict)
    status, data = await api.call(
        "POST", "/api/session", {"username": "admin", "password": PASSWORD}
    )
    assert status == 202 and data["second_factor"]["enrol"]
    assert (await api.call("GET", "/api/me"))[0] == 401  # no cookie yet
    challenge = data["second_factor"]["challenge"]
    _, setup = await api.call(
        "POST", "/api/session/totp/setup", {"challenge": challenge}, expect=200
    )
    wrong = "000000" if totp.code_at(setup["secret"], strict.clock()) != "000000" else "111111"
    status, err = await api.call(
        "POST", "/api/session/totp", {"challenge": challenge, "code": wrong}
    )
    assert status == 401 and err["error"]["code"] == "bad_credentials"
    assert (await api.call("GET", "/api/me"))[0] == 401
    code = totp.code_at(setup["secret"], strict.clock())
    _, done = await api.call(
        "POST", "/api/session/totp", {"challenge": challenge, "code": code}, expect=200
    )
    codes = done["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    _, me = await api.call("GET", "/api/me", expect=200)
    assert me["user"]["username"] == "admin"
    _, access = await api.call("GET", "/api/me/access", expect=200)
    assert access["totp"] == {"enrolled": True, "required": True, "recovery_codes_left": 10}
    # Neither the secret nor any code reaches the logs or the audit log.
    _, log = await api.call("GET", "/api/audit", expect=200)
    dumped = json.dumps(log) + caplog.text
    for secret in (setup["secret"], code, *codes):
        assert secret not in dumped
    actions = [e["action"] for e in log["entries"]]
    assert {"login.password", "totp.enrol_start", "totp.enrol_failed", "login"} <= set(actions)
    await api.close()


async def test_codes_are_single_use_and_recovery_codes_work_once(program: Program) -> None:
    server, secret = program.server, program.fran.secret
    # The step fran's first login used is spent: the same code is refused.
    same = totp.code_at(secret, server.clock())
    api, status, err = await second_login(server, "fran", same)
    assert status == 401 and err["error"]["code"] == "bad_credentials"
    await api.close()
    server.clock.advance(30)
    api, status, body = await second_login(server, "fran", totp.code_at(secret, server.clock()))
    assert status == 200 and body["user"]["username"] == "fran" and "recovery_codes" not in body
    await api.call("GET", "/api/me", expect=200)
    await api.close()

    recovery = program.fran.recovery[0]
    api, status, _ = await second_login(server, "fran", recovery.upper())
    assert status == 200
    await api.close()
    api, status, _ = await second_login(server, "fran", recovery)
    assert status == 401
    await api.close()
    _, access = await program.fran.api.call("GET", "/api/me/access", expect=200)
    assert access["totp"]["recovery_codes_left"] == 9


async def test_a_waiting_login_dies_after_five_wrong_codes_or_five_minutes(
    program: Program,
) -> None:
    server = program.server
    api = Api(server)
    _, data = await api.call(
        "POST", "/api/session", {"username": "fran", "password": PASSWORD}, expect=202
    )
    challenge = data["second_factor"]["challenge"]
    right = totp.code_at(program.fran.secret, server.clock() + 30)
    wrong = "999999" if right != "999999" else "888888"
    for _ in range(5):
        await api.call("POST", "/api/session/totp", {"challenge": challenge, "code": wrong})
    status, err = await api.call(
        "POST", "/api/session/totp", {"challenge": challenge, "code": right}
    )
    assert status == 401 and err["error"]["code"] == "unauthenticated"

    server.clock.advance(2)  # the throttle's first, short back-off
    _, data = await api.call(
        "POST", "/api/session", {"username": "fran", "password": PASSWORD}, expect=202
    )
    server.clock.advance(301)
    code = totp.code_at(program.fran.secret, server.clock())
    status, err = await api.call(
        "POST", "/api/session/totp", {"challenge": data["second_factor"]["challenge"], "code": code}
    )
    assert status == 401 and err["error"]["code"] == "unauthenticated"
    await api.close()
    assert "login.second_factor_failed" in [e["action"] for e in await audit_actions(program)]


async def test_wrong_codes_are_throttled_across_fresh_challenges(program: Program) -> None:
    server = program.server
    api = Api(server)
    right = totp.code_at(program.fran.secret, server.clock() + 30)
    wrong = "999999" if right != "999999" else "888888"
    statuses = []
    for _ in range(server.settings.login_failures):
        _, data = await api.call(
            "POST", "/api/session", {"username": "fran", "password": PASSWORD}, expect=202
        )
        status, _ = await api.call(
            "POST",
            "/api/session/totp",
            {"challenge": data["second_factor"]["challenge"], "code": wrong},
        )
        statuses.append(status)
    assert statuses == [401] * server.settings.login_failures
    # Backed off: a fresh challenge does not buy fresh guesses; even the right code waits.
    _, data = await api.call(
        "POST", "/api/session", {"username": "fran", "password": PASSWORD}, expect=202
    )
    status, _ = await api.call(
        "POST",
        "/api/session/totp",
        {"challenge": data["second_factor"]["challenge"], "code": right},
    )
    assert status == 429
    await api.close()


async def test_clients_sign_in_with_a_password_and_may_enrol_from_settings(
    program: Program,
) -> None:
    server = program.server
    _, access = await program.alice.call("GET", "/api/me/access", expect=200)
    assert access["totp"]["required"] is False and access["totp"]["enrolled"] is False
    _, setup = await program.alice.call("POST", "/api/me/totp", {}, expect=201)
    code = totp.code_at(setup["secret"], server.clock())
    _, confirmed = await program.alice.call(
        "POST", "/api/me/totp/confirm", {"code": code}, expect=200
    )
    assert len(confirmed["recovery_codes"]) == 10
    # From now on alice's login has two steps too.
    server.clock.advance(30)
    api, status, _ = await second_login(
        server, "alice", totp.code_at(setup["secret"], server.clock())
    )
    assert status == 200
    await api.close()
    # A second enrolment cannot silently replace the first.
    status, err = await program.alice.call("POST", "/api/me/totp", {})
    assert status == 409 and err["error"]["code"] == "conflict"


async def test_optional_mode_lets_staff_without_a_factor_in_with_a_password(
    server: Server,
) -> None:
    await server.chat.create_account(None, "admin", "Admin", PASSWORD, Role.ADMIN)
    api = await Api(server).login("admin")
    _, access = await api.call("GET", "/api/me/access", expect=200)
    assert access["totp"]["required"] is False
    await api.close()


# ---- session limits by role --------------------------------------------------------


async def test_staff_idle_limit_ends_their_session_and_closes_sockets_members_stay(
    program: Program,
) -> None:
    server = program.server
    fran = await program.fran.api.connect()
    alice = await program.alice.connect()
    server.clock.advance(server.settings.staff_session_idle_seconds + 1)
    assert await sweep_sessions(server.app) == 2  # admin and fran, both staff
    assert await close_code(fran) == 4001
    assert (await program.fran.api.call("GET", "/api/me"))[0] == 401
    # A member's session is longer: alice is still here.
    assert (await alice.post(program.room_a, "still here"))["type"] == "ack"
    await program.alice.call("GET", "/api/me", expect=200)
    assert "session.end" in [e["action"] for e in await audit_log(server)]
    await alice.close()


async def close_code(sock: Socket) -> int | None:
    """Read until the server closes the socket (each read under a timeout)."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        for _ in range(100):
            await sock.recv()
    return closed.value.rcvd.code if closed.value.rcvd else None


async def audit_log(server: Server) -> list[dict[str, Any]]:
    entries = await server.chat.store.audit_entries(None, 1000)
    return [{"action": e.action, "detail": json.loads(e.detail)} for e in entries]


async def test_staff_absolute_limit_is_enforced_on_the_next_frame(program: Program) -> None:
    server = program.server
    fran = await program.fran.api.connect()
    # Busy all shift: activity every 20 minutes keeps the idle limit away.
    for _ in range(server.settings.staff_session_absolute_seconds // 1200):
        server.clock.advance(1200)
        assert (await fran.post(program.room_a, "checking in"))["type"] == "ack"
    server.clock.advance(1200)
    await fran.send({"type": "ping", "ref": "p"})
    assert await close_code(fran) == 4001
    assert (await program.fran.api.call("GET", "/api/me"))[0] == 401


async def test_staff_idle_limit_is_enforced_on_the_next_frame_before_any_sweep(
    program: Program,
) -> None:
    server = program.server
    fran = await program.fran.api.connect()
    assert (await fran.answer({"type": "ping"}))["type"] == "pong"
    server.clock.advance(server.settings.staff_session_idle_seconds + 1)
    await fran.send({"type": "ping", "ref": "late"})
    assert await close_code(fran) == 4001


async def test_a_quiet_tab_is_not_closed_while_the_same_session_is_busy_elsewhere(
    program: Program,
) -> None:
    server = program.server
    quiet = await program.fran.api.connect()
    busy = await program.fran.api.connect()
    await stay_active(busy, server.clock, server.settings.staff_session_idle_seconds + 600)
    assert (await quiet.answer({"type": "ping"}))["type"] == "pong"
    await quiet.close()
    await busy.close()


async def test_member_session_outlives_the_staff_idle_limit_and_ends_at_its_own(
    program: Program,
) -> None:
    server = program.server
    server.clock.advance(server.settings.staff_session_idle_seconds + 60)
    await program.alice.call("GET", "/api/me", expect=200)
    server.clock.advance(server.settings.session_idle_seconds + 1)
    assert (await program.alice.call("GET", "/api/me"))[0] == 401


# ---- break-glass -------------------------------------------------------------------


async def test_break_glass_needs_a_reason_is_time_boxed_audited_and_told(
    program: Program,
) -> None:
    server, room = program.server, program.room_a
    admin_api, fran_api = program.admin.api, program.fran.api
    await admin_api.call(
        "PUT", f"/api/staff/{fran_api.user['id']}/privacy-officer", {"enabled": True}, expect=200
    )
    _, officers = await admin_api.call("GET", "/api/privacy-officers", expect=200)
    assert officers["users"] == [fran_api.user["id"]]
    assert (await fran_api.call("GET", "/api/privacy-officers"))[0] == 403
    status, _ = await fran_api.call(
        "PUT", f"/api/staff/{admin_api.user['id']}/privacy-officer", {"enabled": True}
    )
    assert status == 403
    status, _ = await admin_api.call(
        "PUT", f"/api/staff/{program.alice.user['id']}/privacy-officer", {"enabled": True}
    )
    assert status == 404  # clients cannot be privacy officers
    # Without break-glass an admin is refused, exactly like for a room that isn't there.
    status, err = await admin_api.call("GET", f"/api/rooms/{room}/messages")
    assert status == 404 and err["error"]["code"] == "not_member"
    status, err = await admin_api.call("POST", f"/api/rooms/{room}/break-glass", {})
    assert status == 400 and err["error"]["code"] == "missing_field"
    status, _ = await admin_api.call("POST", f"/api/rooms/{room}/break-glass", {"reason": "x"})
    assert status == 400
    status, _ = await fran_api.call(
        "POST", f"/api/rooms/{program.room_b}/break-glass", {"reason": "a long enough reason"}
    )
    assert status == 403  # facilitators do not break glass
    status, _ = await admin_api.call(
        "POST", "/api/rooms/999/break-glass", {"reason": "a long enough reason"}
    )
    assert status == 404

    alice = await program.alice.connect()
    ack = await alice.post(room, "before anyone looked")
    fran = await fran_api.connect()
    admin = await admin_api.connect()
    reason = "Court order 24-117, records request for member in room"
    _, opened = await admin_api.call(
        "POST", f"/api/rooms/{room}/break-glass", {"reason": reason}, expect=201
    )
    grant = opened["access"]
    assert grant["reason"] == reason and grant["room"] == room

    told = await fran.expect("notice")
    assert told["kind"] == "break_glass" and told["access"]["reason"] == reason
    assert told["access"]["admin"]["id"] == admin_api.user["id"]
    _, listed = await fran_api.call("GET", "/api/break-glass", expect=200)
    assert [g["id"] for g in listed["access"]] == [grant["id"]]
    assert (await program.alice.call("GET", "/api/break-glass"))[0] == 403

    # Read, not write: history and live events, posting still refused.
    _, history = await admin_api.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert [m["seq"] for m in history["messages"]] == [ack["seq"]]
    assert (await admin.expect("notice"))["kind"] == "break_glass_open"
    await admin.send({"type": "resume", "rooms": {str(room): ack["seq"]}})
    await admin.expect("caught_up")
    live = await alice.post(room, "while the glass is broken")
    seen = await admin.expect("event")
    assert seen["seq"] == live["seq"]
    assert (await admin.post(room, "hello"))["code"] == "not_member"
    # Reading under break-glass does not show the admin as present in the room.
    bob = await program.bob.connect()
    here = await alice.expect("presence")
    present = [who["id"] for who in here["online"]]
    assert program.bob.user["id"] in present and admin_api.user["id"] not in present
    await bob.close()

    # The admin stays active, so only the grant ends, not the session.
    await stay_active(admin, server.clock, server.settings.break_glass_minutes * 60 + 1)
    await sweep_grace(server.app)
    ended = await admin.expect("notice")
    assert ended["kind"] == "break_glass_ended"
    await alice.post(room, "after the time box")
    await admin.nothing(0.3, ignore=("presence", "notice"))
    status, err = await admin_api.call("GET", f"/api/rooms/{room}/messages")
    assert status == 404 and err["error"]["code"] == "not_member"

    entries = await audit_log(server)
    opened_entry = next(e for e in entries if e["action"] == "break_glass.open")
    assert opened_entry["detail"]["reason"] == reason
    assert "break_glass.end" in [e["action"] for e in entries]
    assert "while the glass is broken" not in json.dumps(entries)
    for sock in (alice, fran, admin):
        await sock.close()


async def test_break_glass_ends_by_clock_for_reads_even_before_the_sweep(program: Program) -> None:
    server, room = program.server, program.room_a
    await program.admin.api.call(
        "POST", f"/api/rooms/{room}/break-glass", {"reason": "audit of a complaint"}, expect=201
    )
    await program.admin.api.call("GET", f"/api/rooms/{room}/members", expect=200)
    admin = await program.admin.api.connect()
    await stay_active(admin, server.clock, server.settings.break_glass_minutes * 60 + 1)
    # No sweep has run: the grant's end time alone refuses the read.
    status, err = await program.admin.api.call("GET", f"/api/rooms/{room}/members")
    assert status == 404 and err["error"]["code"] == "not_member"
    status, _ = await program.admin.api.call("GET", f"/api/rooms/{room}/messages")
    assert status == 404
    await admin.close()


async def stay_active(sock: Socket, clock: Clock, seconds: int) -> None:
    """Move time on in 10-minute strides with a frame from `sock` after each."""
    while seconds > 0:
        stride = min(600, seconds)
        clock.advance(stride)
        seconds -= stride
        assert (await sock.answer({"type": "ping"}))["type"] == "pong"


# ---- exports and the disclosure ledger ---------------------------------------------


async def test_a_member_downloads_their_own_records_as_json_and_escaped_html(
    program: Program,
) -> None:
    alice = await program.alice.connect()
    bob = await program.bob.connect()
    await alice.post(program.room_a, "<script>alert(1)</script> day 30!")
    await bob.post(program.room_a, "bob's own words")
    held = await alice.post(program.room_a, "text me at 555-201-7788 <b>ok</b>")
    assert held["type"] == "held"
    checkin = {"mood": 4, "craving": 1, "on_plan": True, "shared": False, "note": "<i>calm</i>"}
    await program.alice.call("POST", f"/api/rooms/{program.room_a}/checkins", checkin, expect=201)
    bob_checkin = {**checkin, "note": "bob's own day"}
    await program.bob.call("POST", f"/api/rooms/{program.room_a}/checkins", bob_checkin, expect=201)
    async with program.alice.http.get(program.server.url + "/api/me/export?format=json") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Disposition"].startswith("attachment;")
        doc = json.loads(await resp.text())
    assert doc["scope"] == "self" and doc["notice"] == PART2_NOTICE
    assert doc["account"]["username"] == "alice"
    assert [r["name"] for r in doc["account"]["rooms"]] == ["Tuesday"]
    texts = [m["text"] for r in doc["rooms"] for m in r["messages"]]
    assert texts == ["<script>alert(1)</script> day 30!"]
    assert doc["disclosures"] == []
    # What never reached the room is hers too: held messages, with why.
    assert [(u["text"], u["state"]) for u in doc["unshared"]] == [
        ("text me at 555-201-7788 <b>ok</b>", "held")
    ]
    # Her daily check-ins, private ones included; nobody else's.
    assert [(c["note"], c["mood"], c["shared"]) for c in doc["checkins"]] == [
        ("<i>calm</i>", 4, False)
    ]

    async with program.alice.http.get(program.server.url + "/api/me/export?format=html") as resp:
        assert resp.status == 200 and resp.content_type == "text/html"
        assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["Content-Disposition"].endswith('.html"')
        page = await resp.text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; day 30!" in page
    assert "<script" not in page and "bob&#x27;s own words" not in page
    assert "555-201-7788 &lt;b&gt;ok&lt;/b&gt;" in page and "<b>" not in page
    assert (
        "&lt;i&gt;calm&lt;/i&gt;" in page and "<i>" not in page and "bob&#x27;s own day" not in page
    )
    assert "42 CFR part 2" in page
    assert (await program.alice.call("GET", "/api/me/export?format=pdf"))[0] == 400
    assert "export.self" in [e["action"] for e in await audit_log(program.server)]
    await alice.close()
    await bob.close()


async def test_disclosures_are_admin_only_noticed_ledgered_and_visible_to_the_member(
    program: Program,
) -> None:
    server, room = program.server, program.room_a
    alice = await program.alice.connect()
    await alice.post(room, "something private")
    admin = program.admin.api
    alice_id = program.alice.user["id"]
    body = {"subject": "member", "id": alice_id, "recipient": "County court", "purpose": "x"}
    status, _ = await admin.call("POST", "/api/disclosures", body)
    assert status == 400  # a purpose must be stated
    body["purpose"] = "Court order 24-117 under 42 CFR 2.64"
    status, _ = await program.fran.api.call("POST", "/api/disclosures", body)
    assert status == 403
    status, _ = await admin.call("POST", "/api/disclosures", {**body, "id": 9999})
    assert status == 404

    async with admin.http.post(
        server.url + "/api/disclosures",
        json={**body, "format": "html"},
        headers={"Origin": server.url},
    ) as resp:
        assert resp.status == 200 and resp.content_type == "text/html"
        assert resp.headers["Content-Disposition"].startswith("attachment;")
        page = await resp.text()
    assert PART2_NOTICE.split(".")[0] in page
    assert "County court" in page and "something private" in page

    _, doc = await admin.call("POST", "/api/disclosures", {**body, "subject": "room", "id": room})
    assert doc["notice"] == PART2_NOTICE and doc["scope"] == "room"
    assert doc["disclosure"]["recipient"] == "County court"
    assert [m["text"] for m in doc["rooms"][0]["messages"]] == ["something private"]

    # The member sees who disclosed what, to whom, why and when.
    _, mine = await program.alice.call("GET", "/api/me/disclosures", expect=200)
    assert [d["what"]["type"] for d in mine["disclosures"]] == ["room", "member"]
    entry = mine["disclosures"][1]
    assert entry["by"]["name"] == "Admin" and entry["recipient"] == "County court"
    assert entry["purpose"] == body["purpose"] and entry["at"]
    # Bob was carried by the room export only; carol by neither.
    _, bobs = await program.bob.call("GET", "/api/me/disclosures", expect=200)
    assert [d["what"]["type"] for d in bobs["disclosures"]] == ["room"]
    _, carols = await program.carol.call("GET", "/api/me/disclosures", expect=200)
    assert carols["disclosures"] == []
    assert (await program.alice.call("GET", "/api/disclosures"))[0] == 403
    _, ledger = await admin.call("GET", "/api/disclosures", expect=200)
    assert len(ledger["disclosures"]) == 2
    # Alice's own export lists them too.
    _, own = await program.alice.call("GET", "/api/me/export?format=json")
    assert len(own["disclosures"]) == 2

    entries = await audit_log(server)
    exports = [e for e in entries if e["action"] == "export.disclosure"]
    assert len(exports) == 2
    assert "something private" not in json.dumps(entries)
    await alice.close()


async def test_a_stale_socket_cannot_read_past_its_session(program: Program) -> None:
    """The websocket open itself is refused once the session is gone."""
    server = program.server
    token = program.fran.api.token
    server.clock.advance(server.settings.staff_session_idle_seconds + 1)
    with pytest.raises(websockets.InvalidStatus):
        await Socket.open(server, token)


# ---- the operator's commands ---------------------------------------------------------


async def test_cli_names_a_privacy_officer_and_resets_a_lost_second_factor(
    tmp_path: Path, clock: Clock
) -> None:
    from tests.e2e.test_cli import run

    db = tmp_path / "hearth.db"
    made = run(
        db,
        "create-admin",
        "--username",
        "admin",
        "--name",
        "Admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    named = run(db, "privacy-officer", "--username", "admin")
    assert named.returncode == 0 and "now a privacy officer" in named.stdout
    assert run(db, "privacy-officer", "--username", "nobody").returncode == 1

    srv, runner = await start_server(tmp_path, clock, staff_second_factor="required")
    try:
        staff = await first_login(srv, "admin")
        _, access = await staff.api.call("GET", "/api/me/access", expect=200)
        assert access["privacy_officer"] is True and access["totp"]["enrolled"] is True
        await staff.api.close()
    finally:
        await runner.cleanup()
    reset = run(db, "reset-second-factor", "--username", "admin")
    assert reset.returncode == 0, reset.stderr
    srv, runner = await start_server(tmp_path, clock, staff_second_factor="required")
    try:
        again = await first_login(srv, "admin")  # enrols afresh
        await again.api.close()
    finally:
        await runner.cleanup()
