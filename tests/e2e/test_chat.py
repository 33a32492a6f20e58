"""Members chat in their cohort room, and nobody else hears a word."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging

import pytest
from websockets.exceptions import ConnectionClosed

from tests.conftest import Api, Socket, World


async def test_two_members_chat_both_ways(world: World) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    bob = await world.bob.connect()

    ack = await alice.post(room, "made it through the weekend")
    assert ack["type"] == "ack" and ack["seq"] >= 1
    seen = await bob.expect("event")
    assert seen["kind"] == "posted" and seen["seq"] == ack["seq"]
    assert seen["message"]["text"] == "made it through the weekend"
    assert seen["message"]["author"] == {"id": world.alice.user["id"], "name": "Alice"}

    reply = await bob.post(room, "proud of you", reply_to=ack["seq"])
    event = await alice.expect("event")
    while event["seq"] != reply["seq"]:  # alice first sees her own message
        event = await alice.expect("event")
    assert event["message"]["reply_to"]["seq"] == ack["seq"]
    assert event["message"]["reply_to"]["excerpt"] == "made it through the weekend"
    await alice.close()
    await bob.close()


async def test_another_cohort_sees_nothing_and_is_refused(world: World) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    carol = await world.carol.connect()
    assert [r["id"] for r in carol.welcome["rooms"]] == [world.b.room]

    await alice.post(room, "only for our group")
    await carol.nothing(0.3)

    refused = await carol.post(room, "let me in")
    assert refused["code"] == "not_member"
    await carol.send({"type": "resume", "ref": "r", "rooms": {str(room): 0}})
    assert (await carol.expect("error"))["code"] == "not_member"
    await carol.send({"type": "typing", "room": room})
    assert (await carol.expect("error"))["code"] == "not_member"

    status, _ = await world.carol.call("GET", f"/api/rooms/{room}/messages")
    assert status == 404
    status, _ = await world.carol.call("GET", f"/api/rooms/{room}/members")
    assert status == 404
    # A room that does not exist answers exactly like one you are not in.
    status, body = await world.carol.call("GET", "/api/rooms/999/messages")
    assert status == 404 and body["error"]["code"] == "not_member"
    await alice.close()
    await carol.close()


async def test_resend_with_same_client_id_stores_nothing_new(world: World) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    bob = await world.bob.connect()
    first = await alice.post(room, "hello", client_id="same-id")
    await bob.expect("event")
    again = await alice.post(room, "hello", client_id="same-id")
    assert again["type"] == "ack" and again["seq"] == first["seq"]
    await bob.nothing(0.3)
    _, page = await world.bob.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert [m["client_id"] for m in page["messages"]] == ["same-id"]
    await alice.close()
    await bob.close()


async def test_resume_after_dropped_connection_replays_exactly_what_was_missed(
    world: World,
) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    bob = await world.bob.connect()
    first = await alice.post(room, "one")
    assert (await bob.expect("event"))["seq"] == first["seq"]
    await bob.close()

    sent = [await alice.post(room, f"missed {i}") for i in range(3)]
    edited = await world.alice.connect()
    edit_ack = await edited.answer(
        {"type": "edit", "room": room, "message": sent[0]["seq"], "text": "missed 0 (edited)"}
    )

    ws = await Socket.open(world.server, world.bob.token, resume={})
    await ws.send({"type": "resume", "rooms": {str(room): first["seq"]}})
    frames = []
    while (frame := await ws.expect("event", "caught_up"))["type"] == "event":
        frames.append(frame)
    assert [f["seq"] for f in frames] == [s["seq"] for s in sent] + [edit_ack["seq"]]
    assert frames[0]["message"]["text"] == "missed 0 (edited)"  # current state
    assert frames[-1]["kind"] == "edited"
    assert frame["seq"] == edit_ack["seq"]
    # Live again: the next message arrives once.
    live = await alice.post(room, "and live")
    assert (await ws.expect("event"))["seq"] == live["seq"]
    await ws.nothing(0.2)
    for s in (alice, edited, ws):
        await s.close()


async def test_a_catch_up_that_fails_closes_rather_than_skipping(world: World) -> None:
    """If the log cannot be read mid-resume, going live would leave a silent hole: the
    socket closes instead, and the next resume brings everything."""
    room = world.a.room
    alice = await world.alice.connect()
    sent = [await alice.post(room, f"note {i}") for i in range(4)]
    store = world.server.chat.store
    real = store.events_after
    failures = [OSError("the disk hiccuped")]

    async def flaky(room_id: int, after: int, limit: int) -> list:
        if failures:
            raise failures.pop()
        return await real(room_id, after, limit)

    store.events_after = flaky  # type: ignore[method-assign]
    try:
        ws = await Socket.open(world.server, world.bob.token, resume={})
        await ws.send({"type": "resume", "rooms": {str(room): sent[0]["seq"]}})
        await alice.post(room, "while bob catches up")
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                frame = await ws.recv()
                assert frame["type"] not in ("event", "caught_up"), frame
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
    finally:
        store.events_after = real  # type: ignore[method-assign]
    again = await Socket.open(world.server, world.bob.token, resume={})
    await again.send({"type": "resume", "rooms": {str(room): sent[0]["seq"]}})
    seqs = []
    while (frame := await again.expect("event", "caught_up"))["type"] == "event":
        seqs.append(frame["seq"])
    assert seqs == list(range(sent[1]["seq"], sent[-1]["seq"] + 2))
    for s in (alice, again):
        await s.close()


async def test_gap_too_large_gets_an_explicit_resync(world: World) -> None:
    world.server.chat.settings = dataclasses.replace(world.server.chat.settings, replay_limit=3)
    room = world.a.room
    fran = await world.fran.connect()
    for i in range(5):
        await fran.post(room, f"note {i}")
    ws = await Socket.open(world.server, world.bob.token, resume={})
    await ws.send({"type": "resume", "rooms": {str(room): 0}})
    resync = await ws.expect("resync", "event")
    assert resync == {"type": "resync", "room": room, "latest_seq": 5}
    assert (await ws.expect("caught_up")) == {"type": "caught_up", "room": room, "seq": 5}
    await fran.close()
    await ws.close()


async def test_edit_delete_react_are_events_for_everyone(world: World) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    bob = await world.bob.connect()
    posted = await alice.post(room, "first draft")
    await bob.expect("event")
    msg = posted["seq"]

    await alice.answer({"type": "edit", "room": room, "message": msg, "text": "second"})
    ev = await bob.expect("event")
    assert ev["kind"] == "edited" and ev["message"]["text"] == "second"
    assert ev["message"]["edited_at"] is not None

    await bob.send({"type": "edit", "ref": "x", "room": room, "message": msg, "text": "hijack"})
    err = await bob.expect("error")
    assert err["code"] == "forbidden" and err["ref"] == "x" and err["frame"] == "edit"

    await bob.answer(
        {"type": "react", "room": room, "message": msg, "reaction": "hug", "add": True}
    )
    ev = await alice.expect("event")
    assert ev["kind"] == "reacted"
    assert ev["message"]["reactions"] == {"hug": [world.bob.user["id"]]}

    await alice.answer({"type": "delete", "room": room, "message": msg})
    ev = await bob.expect("event")
    assert ev["kind"] == "deleted" and ev["message"]["deleted"] is True
    assert ev["message"]["text"] is None and ev["message"]["reactions"] == {}

    _, page = await world.bob.call("GET", f"/api/rooms/{room}/messages", expect=200)
    (tombstone,) = page["messages"]
    assert tombstone["deleted"] and tombstone["text"] is None
    assert tombstone["author"]["name"] == "Alice"
    await alice.close()
    await bob.close()


async def test_typing_presence_and_read_markers_respect_privacy(world: World) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    bob = await world.bob.connect()
    presence = await alice.expect("presence")
    while {p["name"] for p in presence["online"]} != {"Alice", "Bob"}:
        presence = await alice.expect("presence")

    await bob.send({"type": "typing", "room": room})
    typing = await alice.expect("typing")
    assert typing["user"]["name"] == "Bob"

    posted = await alice.post(room, "anyone around?")
    await bob.expect("event")
    await bob.send({"type": "read", "room": room, "seq": posted["seq"]})
    read = await alice.expect("read")
    assert read == {
        "type": "read",
        "room": room,
        "user": world.bob.user["id"],
        "seq": posted["seq"],
    }

    _, rooms = await world.alice.call("GET", "/api/rooms", expect=200)
    assert rooms["rooms"][0]["unread"] == 0  # her own message
    _, rooms = await world.fran.call("GET", "/api/rooms", expect=200)
    assert [r["unread"] for r in rooms["rooms"] if r["id"] == room] == [1]

    await world.bob.call("PATCH", "/api/me", {"hide_presence": True, "hide_read": True}, expect=200)
    presence = await alice.expect("presence")
    assert {p["name"] for p in presence["online"]} == {"Alice"}
    second = await alice.post(room, "still here")
    await bob.expect("event")
    await bob.send({"type": "read", "room": room, "seq": second["seq"]})
    await alice.nothing(0.3, ignore=("presence", "event"))
    _, members = await world.alice.call("GET", f"/api/rooms/{room}/members", expect=200)
    assert {m["name"]: m["online"] for m in members["members"]}["Bob"] is False
    await alice.close()
    await bob.close()


async def test_new_agreement_version_must_be_accepted_before_posting(world: World) -> None:
    room = world.a.room
    _, current = await world.fran.call(
        "PUT",
        f"/api/rooms/{room}/agreement",
        {"text": "We also keep phones away in group."},
        expect=200,
    )
    assert current["version"] == 2
    bob = await world.bob.connect()
    refused = await bob.post(room, "hi")
    assert refused["code"] == "agreement_required"
    status, _ = await world.bob.call("PUT", f"/api/rooms/{room}/agreement", {"text": "mine"})
    assert status == 403
    status, _ = await world.bob.call("POST", f"/api/rooms/{room}/agreement/accept", {"version": 1})
    assert status == 409
    await world.bob.call("POST", f"/api/rooms/{room}/agreement/accept", {"version": 2}, expect=204)
    assert (await bob.post(room, "hi", client_id="again"))["type"] == "ack"
    await bob.close()


async def test_rate_limit_answers_with_retry_after_and_spares_staff(world: World) -> None:
    room = world.a.room
    bob = await world.bob.connect()
    burst = world.server.settings.send_burst
    for i in range(burst):
        assert (await bob.post(room, f"m{i}"))["type"] == "ack"
    limited = await bob.post(room, "one more")
    assert limited["code"] == "rate_limited" and limited["retry_after"] > 0
    world.server.clock.advance(limited["retry_after"])
    assert (await bob.post(room, "after a pause"))["type"] == "ack"
    fran = await world.fran.connect()
    for i in range(burst + 5):
        assert (await fran.post(room, f"staff {i}"))["type"] == "ack"
    await bob.close()
    await fran.close()


async def test_history_pages_backwards(world: World) -> None:
    room = world.a.room
    fran = await world.fran.connect()
    for i in range(7):
        await fran.post(room, f"line {i}")
    _, page = await world.alice.call("GET", f"/api/rooms/{room}/messages?limit=3", expect=200)
    assert [m["text"] for m in page["messages"]] == ["line 4", "line 5", "line 6"]
    assert page["has_more"] is True
    before = page["messages"][0]["seq"]
    _, older = await world.alice.call(
        "GET", f"/api/rooms/{room}/messages?limit=10&before={before}", expect=200
    )
    assert [m["text"] for m in older["messages"]] == [f"line {i}" for i in range(4)]
    assert older["has_more"] is False
    await fran.close()


async def test_many_concurrent_senders_get_gap_free_sequences(world: World) -> None:
    room = world.a.room
    sockets = [await api.connect() for api in (world.alice, world.bob, world.fran)]
    world.server.chat.sends._rate = 1000.0  # a burst test, not a rate-limit test
    world.server.chat.sends._burst = 1000.0

    async def burst(sock: Socket, who: int) -> list[int]:
        return [(await sock.post(room, f"{who}-{i}"))["seq"] for i in range(20)]

    results = await asyncio.gather(*(burst(s, i) for i, s in enumerate(sockets)))
    seqs = sorted(s for r in results for s in r)
    assert seqs == list(range(1, 61))
    for r in results:
        assert r == sorted(r)  # one sender's messages keep their order
    for s in sockets:
        await s.close()


async def test_welcome_lists_rooms_with_limits(world: World) -> None:
    sock = await world.alice.connect()
    assert sock.welcome["user"] == {"id": world.alice.user["id"], "name": "Alice", "role": "client"}
    assert sock.welcome["limits"] == {"message_chars": 4000, "frame_bytes": 65536}
    assert "hug" in sock.welcome["reactions"]
    await sock.close()


async def test_a_new_room_reaches_open_sockets_at_once(world: World) -> None:
    fran = await world.fran.connect()
    _, made = await world.fran.call("POST", "/api/cohorts", {"name": "Saturday"}, expect=201)
    room = made["cohort"]["room"]
    notice = await fran.expect("notice")
    assert notice["kind"] == "joined" and notice["room"]["id"] == room
    await fran.send({"type": "resume", "rooms": {str(room): 0}})
    assert (await fran.expect("caught_up"))["room"] == room
    assert (await fran.post(room, "welcome, everyone"))["type"] == "ack"
    await fran.close()


async def test_display_names_cannot_hide_formatting_characters(world: World) -> None:
    _, invite = await world.fran.call("POST", f"/api/cohorts/{world.a.id}/invites", {}, expect=201)
    api = Api(world.server)
    world.apis.append(api)
    status, body = await api.call(
        "POST",
        f"/api/invites/{invite['token']}",
        {
            "username": "mallory",
            "name": "Ali\u202ece",
            "password": "a long sentence of mine",
            "agreement_version": 1,
            "accept_confidentiality": True,
        },
    )
    assert status == 400 and body["error"]["code"] == "invalid_field"


async def test_a_second_tab_changes_nobody_s_presence(world: World) -> None:
    bob = await world.bob.connect()
    first = await world.alice.connect()
    presence = await bob.expect("presence")
    while {p["name"] for p in presence["online"]} != {"Alice", "Bob"}:
        presence = await bob.expect("presence")
    second = await Socket.open(world.server, world.alice.token, resume={})
    # The new tab still learns who is here; the others hear nothing new.
    assert {p["name"] for p in (await second.expect("presence"))["online"]} == {"Alice", "Bob"}
    await bob.nothing(0.3, ignore=())
    await second.close()
    await bob.nothing(0.3, ignore=())
    await first.close()
    gone = await bob.expect("presence")
    assert {p["name"] for p in gone["online"]} == {"Bob"}
    await bob.close()


async def test_logs_never_carry_message_text_names_or_tokens(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    room = world.a.room
    canary = "canary-7f3a quiet harbour"
    alice = await world.alice.connect()
    await alice.post(room, f"{canary} text me at 555-123-4567")  # held
    await alice.post(room, f"{canary} i cant do this anymore, ending it tonight")  # crisis
    await alice.post(room, canary)
    await alice.ws.send(
        json.dumps({"type": "send", "ref": 1, "room": 999, "client_id": "x", "text": canary})
    )
    await alice.expect("error")
    stranger = Api(world.server)
    world.apis.append(stranger)
    await stranger.call("POST", "/api/session", {"username": "alice", "password": canary})
    await alice.close()
    # The server's records only (the websockets test client logs its own frames).
    logged = "\n".join(
        r.getMessage() + (r.exc_text or "")
        for r in caplog.records
        if r.name.split(".")[0] in ("server", "moderation", "aiohttp", "asyncio")
    )
    assert "frame refused" in logged and "socket open" in logged  # the logs did speak
    for secret in (canary, "Alice", world.alice.token, "correct horse battery"):
        assert secret not in logged
