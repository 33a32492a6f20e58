"""Moderation end to end over websockets: crisis never missed, boundaries held, and
every facilitator action limited to the facilitator's own rooms."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed

from tests.conftest import PASSWORD, Api, Socket, World

CRISIS = "i cant do this anymore. im going to end it tonight"
CONTACT = "text me at 555-123-4567 after group"
ACQUIRE = "anyone know where i can get some xans tonight"


async def connect(*apis: Api) -> list[Socket]:
    return [await api.connect() for api in apis]


async def collect(sock: Socket, *types: str, timeout: float = 5.0) -> dict[str, dict]:
    """The first frame of each of `types`, in whatever order they come."""
    import asyncio

    found: dict[str, dict] = {}
    deadline = asyncio.get_running_loop().time() + timeout
    while len(found) < len(types):
        frame = await sock.recv(max(deadline - asyncio.get_running_loop().time(), 0.01))
        if frame["type"] in types:
            found.setdefault(frame["type"], frame)
    return found


async def frames_until(sock: Socket, kind: str, timeout: float = 5.0) -> dict:
    """The next frame of type `kind`, whatever comes before it."""
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        frame = await sock.recv(max(deadline - asyncio.get_running_loop().time(), 0.01))
        if frame["type"] == kind:
            return frame


async def test_crisis_is_delivered_author_sees_help_facilitator_alerted(world: World) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    await alice.send({"type": "send", "ref": 1, "room": room, "client_id": "c", "text": CRISIS})
    got = await collect(alice, "ack", "notice")
    ack, notice = got["ack"], got["notice"]
    event = await frames_until(bob, "event")
    assert event["message"]["text"] == CRISIS  # never held, never blocked
    assert notice["kind"] == "crisis_help" and notice["resources"]["call"] == "988"
    alert = (await frames_until(fran, "alert"))["alert"]
    assert alert["urgent"] is True and "crisis" in alert["labels"]
    assert alert["subject"]["name"] == "Alice" and alert["message"] == ack["seq"]
    assert alert["evidence"] and all(e["rule"] for e in alert["evidence"])
    # Never announced to the room.
    await bob.nothing(0.3, ignore=("presence", "typing", "read"))
    # The alert stays on the list until acknowledged.
    _, listed = await world.fran.call("GET", "/api/alerts", expect=200)
    assert [a["id"] for a in listed["alerts"]] == [alert["id"]]
    status, _ = await world.bob.call("GET", "/api/alerts")
    assert status == 200 and (await world.bob.call("GET", "/api/alerts"))[1]["alerts"] == []
    done = await fran.answer(
        {"type": "moderate", "action": "acknowledge_alert", "alert": alert["id"]}
    )
    assert done["type"] == "done"
    _, listed = await world.fran.call("GET", "/api/alerts", expect=200)
    assert listed["alerts"] == []
    for s in (alice, bob, fran):
        await s.close()


async def test_help_button_alerts_without_a_message(world: World) -> None:
    alice, fran = await world.alice.connect(), await world.fran.connect()
    await alice.send({"type": "help", "ref": "h"})
    got = await collect(alice, "done", "notice")
    assert got["done"] == {"type": "done", "ref": "h", "alerted": 1}
    assert got["notice"]["kind"] == "crisis_help"
    alert = (await frames_until(fran, "alert"))["alert"]
    assert alert["kind"] == "help" and alert["urgent"] and alert["subject"]["name"] == "Alice"
    # The person who asked hears that someone saw it.
    await fran.answer({"type": "moderate", "action": "acknowledge_alert", "alert": alert["id"]})
    seen = await frames_until(alice, "notice")
    assert seen["kind"] == "help_seen" and seen["by"] == "Fran" and seen["alert"] == alert["id"]
    await alice.close()
    await fran.close()


async def test_contact_info_is_held_then_approved_in_order_with_its_time(world: World) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    held = await alice.answer({"type": "send", "room": room, "client_id": "h1", "text": CONTACT})
    assert held["type"] == "held" and "phone numbers" in held["reason"]
    # Re-sending the same client id answers the same hold, nothing new.
    again = await alice.answer({"type": "send", "room": room, "client_id": "h1", "text": CONTACT})
    assert again["hold"] == held["hold"]
    queued = (await frames_until(fran, "hold"))["hold"]
    assert queued["id"] == held["hold"] and queued["state"] == "held"
    assert queued["text"] == CONTACT and queued["labels"] == ["contact_info"]
    await bob.nothing(0.3)
    _, queue = await world.fran.call("GET", f"/api/rooms/{room}/held", expect=200)
    assert [h["text"] for h in queue["held"]] == [CONTACT]
    status, _ = await world.bob.call("GET", f"/api/rooms/{room}/held")
    assert status == 403

    world.server.clock.advance(120)
    await fran.send({"type": "moderate", "ref": "ok", "action": "approve", "held": held["hold"]})
    got = await collect(fran, "done", "hold")
    done = got["done"]
    assert got["hold"]["hold"]["state"] == "approved"
    event = await frames_until(bob, "event")
    assert event["seq"] == done["seq"] and event["message"]["text"] == CONTACT
    assert event["message"]["client_id"] == "h1"
    sent_at = event["message"]["sent_at"]
    notice = await frames_until(alice, "notice")
    assert notice["kind"] == "approved" and notice["seq"] == done["seq"]
    _, page = await world.bob.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert page["messages"][-1]["sent_at"] == sent_at  # its original time
    for s in (alice, bob, fran):
        await s.close()


async def test_rejected_message_tells_the_author_with_a_note(world: World) -> None:
    room = world.a.room
    alice, fran = await world.alice.connect(), await world.fran.connect()
    held = await alice.answer({"type": "send", "room": room, "client_id": "h2", "text": CONTACT})
    await fran.answer(
        {
            "type": "moderate",
            "action": "reject",
            "held": held["hold"],
            "note": "let's swap numbers after discharge",
        }
    )
    notice = await frames_until(alice, "notice")
    assert notice == {
        "type": "notice",
        "kind": "rejected",
        "room": room,
        "client_id": "h2",
        "note": "let's swap numbers after discharge",
    }
    again = await fran.answer({"type": "moderate", "action": "approve", "held": held["hold"]})
    assert again["code"] == "not_found"
    await alice.close()
    await fran.close()


async def test_acquisition_is_blocked_and_facilitators_alerted(world: World) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    refused = await alice.post(room, ACQUIRE)
    assert refused["type"] == "error" and refused["code"] == "blocked"
    assert "substances" in refused["message"]
    alert = (await frames_until(fran, "alert"))["alert"]
    assert alert["kind"] == "blocked" and "substance_acquisition" in alert["labels"]
    await bob.nothing(0.3)
    _, page = await world.bob.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert page["messages"] == []
    for s in (alice, bob, fran):
        await s.close()


async def test_an_edit_cannot_add_what_a_message_could_not_say(world: World) -> None:
    room = world.a.room
    alice = await world.alice.connect()
    ack = await alice.post(room, "see you all thursday")
    refused = await alice.answer(
        {"type": "edit", "room": room, "message": ack["seq"], "text": CONTACT}
    )
    assert refused["code"] == "blocked"
    _, page = await world.alice.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert page["messages"][0]["text"] == "see you all thursday"
    await alice.close()


async def test_reports_reach_facilitators_and_the_reporter_hears_back(world: World) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    ack = await alice.post(room, "whatever, nobody here gets it")
    done = await bob.answer(
        {"type": "report", "room": room, "message": ack["seq"], "reason": "felt dismissive"}
    )
    report = (await frames_until(fran, "report"))["report"]
    assert report["id"] == done["report"] and report["state"] == "open"
    assert report["reason"] == "felt dismissive"
    await fran.answer(
        {
            "type": "moderate",
            "action": "handle_report",
            "report": report["id"],
            "state": "resolved",
            "note": "talked it through",
        }
    )
    notice = await frames_until(bob, "notice")
    assert notice["kind"] == "report_handled" and notice["state"] == "resolved"
    _, reports = await world.fran.call("GET", "/api/reports", expect=200)
    assert reports["reports"] == []
    _, everything = await world.fran.call("GET", "/api/reports?all=true", expect=200)
    assert [r["state"] for r in everything["reports"]] == ["resolved"]
    for s in (alice, bob, fran):
        await s.close()


async def test_reports_show_facilitators_who_wrote_what_and_the_reporter_nothing_new(
    world: World,
) -> None:
    """Facilitators weigh a report from the panel: the reported message's author and the
    start of its text come with it. A removed message's text does not: its original is
    read where that read is audited. The reporter is sent nothing they did not have."""
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    text = "whatever, nobody here gets it. " + "I keep saying the same thing every week and " * 4
    ack = await alice.post(room, text)
    excerpt = text[:119] + "…"
    done = await bob.answer(
        {"type": "report", "room": room, "message": ack["seq"], "reason": "felt dismissive"}
    )
    assert set(done) == {"type", "ref", "report"}
    report = (await frames_until(fran, "report"))["report"]
    assert report["author"] == {"id": world.alice.user["id"], "name": "Alice"}
    assert report["excerpt"] == excerpt and report["removed"] is False

    _, listed = await world.fran.call("GET", "/api/reports", expect=200)
    assert [(r["author"]["name"], r["excerpt"]) for r in listed["reports"]] == [("Alice", excerpt)]
    # Removed: the list still says by whom, and that it was removed, not what it said.
    await fran.answer({"type": "moderate", "action": "remove", "room": room, "message": ack["seq"]})
    _, listed = await world.fran.call("GET", "/api/reports", expect=200)
    [shown] = listed["reports"]
    assert shown["author"]["name"] == "Alice"
    assert shown["excerpt"] is None and shown["removed"] is True
    # Reported again after its removal: the live frame says the same.
    again = await bob.answer({"type": "report", "room": room, "message": ack["seq"]})
    late = (await frames_until(fran, "report"))["report"]
    assert late["id"] == again["report"]
    assert late["author"]["name"] == "Alice" and late["excerpt"] is None
    assert late["removed"] is True

    # The reporter: the same answers as before, no report frames, an empty list.
    await fran.answer(
        {"type": "moderate", "action": "handle_report", "report": report["id"], "state": "resolved"}
    )
    notice = await frames_until(bob, "notice")
    assert set(notice) == {"type", "kind", "room", "report", "state", "note"}
    await bob.nothing(0.3, ignore=("presence", "typing", "read", "event"))
    _, theirs = await world.bob.call("GET", "/api/reports?all=true", expect=200)
    assert theirs["reports"] == []
    for s in (alice, bob, fran):
        await s.close()


async def test_removed_message_is_a_tombstone_for_the_room_not_for_staff(world: World) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    ack = await alice.post(room, "an unkind joke")
    await frames_until(bob, "event")
    await fran.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": room,
            "message": ack["seq"],
            "reason": "hurtful",
        }
    )
    event = await frames_until(bob, "event")
    assert event["kind"] == "removed" and event["message"]["removed"] is True
    assert event["message"]["text"] is None
    # The author alone hears why; the room sees only the tombstone.
    told = await frames_until(alice, "notice")
    assert told["kind"] == "message_removed" and told["reason"] == "hurtful"
    assert told["message"] == ack["seq"]
    await bob.nothing(0.3, ignore=("presence", "typing", "read"))
    _, original = await world.fran.call(
        "GET", f"/api/rooms/{room}/messages/{ack['seq']}/original", expect=200
    )
    assert original["text"] == "an unkind joke"
    status, _ = await world.bob.call("GET", f"/api/rooms/{room}/messages/{ack['seq']}/original")
    assert status == 403
    for s in (alice, bob, fran):
        await s.close()


async def test_timed_mute_with_reason_then_it_ends(world: World) -> None:
    room = world.a.room
    bob, fran = await world.bob.connect(), await world.fran.connect()
    done = await fran.answer(
        {
            "type": "moderate",
            "action": "mute",
            "room": room,
            "user": world.bob.user["id"],
            "minutes": 10,
            "reason": "cooling off",
        }
    )
    assert done["type"] == "done" and done["until"]
    notice = await frames_until(bob, "notice")
    assert notice["kind"] == "muted" and notice["reason"] == "cooling off"
    refused = await bob.post(room, "but")
    assert refused["code"] == "muted" and "cooling off" in refused["message"]
    assert refused["reason"] == "cooling off" and refused["until"] == done["until"]
    _, rooms = await world.bob.call("GET", "/api/rooms", expect=200)
    assert rooms["rooms"][0]["mute_reason"] == "cooling off"
    # The facilitator's member list says who is muted and until when; members' does not.
    _, listed = await world.fran.call("GET", f"/api/rooms/{room}/members", expect=200)
    muted = {m["id"]: m["muted_until"] for m in listed["members"]}
    assert muted[world.bob.user["id"]] == done["until"]
    assert muted[world.alice.user["id"]] is None
    _, listed = await world.alice.call("GET", f"/api/rooms/{room}/members", expect=200)
    assert all("muted_until" not in m for m in listed["members"])
    world.server.clock.advance(601)
    assert (await bob.post(room, "thank you for the pause"))["type"] == "ack"
    _, listed = await world.fran.call("GET", f"/api/rooms/{room}/members", expect=200)
    assert all(m["muted_until"] is None for m in listed["members"])
    await bob.close()
    await fran.close()


async def test_unmuting_someone_not_muted_is_refused_and_tells_them_nothing(
    world: World,
) -> None:
    room = world.a.room
    bob, fran = await world.bob.connect(), await world.fran.connect()
    unmute = {"type": "moderate", "action": "unmute", "room": room, "user": world.bob.user["id"]}
    refused = await fran.answer(unmute)
    assert refused["type"] == "error" and refused["code"] == "conflict"
    await bob.nothing(0.3, ignore=("presence",))
    _, log = await world.admin.call("GET", "/api/audit?limit=1000", expect=200)
    assert not [e for e in log["entries"] if e["action"] == "moderate.unmute"]
    await bob.close()
    await fran.close()


async def test_lock_and_slow_mode(world: World) -> None:
    room = world.a.room
    alice, fran = await world.alice.connect(), await world.fran.connect()
    await fran.answer(
        {"type": "moderate", "action": "lock", "room": room, "reason": "group is closed tonight"}
    )
    state = await frames_until(alice, "room_state")
    assert state == {"type": "room_state", "room": room, "locked": True, "slow_mode_seconds": 0}
    assert (await alice.post(room, "hello?"))["code"] == "room_locked"
    assert (await fran.post(room, "back tomorrow"))["type"] == "ack"  # staff still speak
    await fran.answer({"type": "moderate", "action": "unlock", "room": room})
    await fran.answer({"type": "moderate", "action": "slow_mode", "room": room, "seconds": 30})
    assert (await alice.post(room, "one"))["type"] == "ack"
    slowed = await alice.post(room, "two")
    assert slowed["code"] == "rate_limited" and 0 < slowed["retry_after"] <= 30
    world.server.clock.advance(30)
    assert (await alice.post(room, "two"))["type"] == "ack"
    _, rooms = await world.alice.call("GET", "/api/rooms", expect=200)
    assert rooms["rooms"][0]["slow_mode_seconds"] == 30
    await alice.close()
    await fran.close()


async def _refuse_alice(world: World, fran: Socket, alice: Socket, bob: Socket, limit: str) -> None:
    """Put one of the room's limits on Alice; she may post no ordinary message."""
    room, alice_id = world.a.room, world.alice.user["id"]
    if limit == "muted":
        await fran.answer(
            {"type": "moderate", "action": "mute", "room": room, "user": alice_id, "minutes": 10}
        )
    elif limit == "room_locked":
        await fran.answer({"type": "moderate", "action": "lock", "room": room})
    elif limit == "rate_limited":  # slow mode; her first message goes through
        await fran.answer({"type": "moderate", "action": "slow_mode", "room": room, "seconds": 60})
        assert (await alice.post(room, "first one"))["type"] == "ack"
        await frames_until(bob, "event")
    else:
        await world.fran.call(
            "PUT", f"/api/rooms/{room}/agreement", {"text": "Phones away in group."}, expect=200
        )
    assert (await alice.post(room, "just saying hi", client_id="plain"))["code"] == limit


@pytest.mark.parametrize("limit", ["muted", "room_locked", "rate_limited", "agreement_required"])
async def test_a_crisis_the_room_refuses_still_reaches_a_facilitator(
    world: World, limit: str
) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    await _refuse_alice(world, fran, alice, bob, limit)
    await alice.send({"type": "send", "ref": 7, "room": room, "client_id": "cr", "text": CRISIS})
    got = await collect(alice, "held", "notice")
    assert got["notice"]["kind"] == "crisis_help" and got["notice"]["resources"]["call"] == "988"
    assert got["held"]["ref"] == 7 and "facilitator" in got["held"]["reason"]
    hold = (await frames_until(fran, "hold"))["hold"]
    assert hold["id"] == got["held"]["hold"] and hold["text"] == CRISIS
    alert = (await frames_until(fran, "alert"))["alert"]
    assert alert["urgent"] is True and alert["kind"] == "held" and "crisis" in alert["labels"]
    assert alert["evidence"]
    # A retry is the same message: no second alert.
    again = await alice.answer({"type": "send", "room": room, "client_id": "cr", "text": CRISIS})
    assert again["hold"] == hold["id"]
    _, listed = await world.fran.call("GET", "/api/alerts", expect=200)
    assert [a["id"] for a in listed["alerts"]] == [alert["id"]]
    await bob.nothing(0.3, ignore=("presence", "typing", "read", "room_state"))
    # The facilitator may share it with the group.
    done = await fran.answer({"type": "moderate", "action": "approve", "held": hold["id"]})
    event = await frames_until(bob, "event")
    assert event["seq"] == done["seq"] and event["message"]["text"] == CRISIS
    for s in (alice, bob, fran):
        await s.close()


@pytest.mark.parametrize("limit", ["muted", "room_locked", "agreement_required"])
async def test_a_crisis_in_an_edit_the_room_refuses_still_reaches_a_facilitator(
    world: World, limit: str
) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    mine = await alice.post(room, "long day")
    await _refuse_alice(world, fran, alice, bob, limit)
    edit = {"type": "edit", "ref": 5, "room": room, "message": mine["seq"], "text": CRISIS}
    await alice.send(dict(edit))
    got = await collect(alice, "error", "notice")
    assert got["notice"]["kind"] == "crisis_help" and got["notice"]["resources"]["call"] == "988"
    assert got["error"]["code"] == limit and "facilitator was told" in got["error"]["message"]
    hold = (await frames_until(fran, "hold"))["hold"]
    assert hold["text"] == CRISIS and hold["author"]["id"] == world.alice.user["id"]
    alert = (await frames_until(fran, "alert"))["alert"]
    assert alert["urgent"] is True and alert["kind"] == "held" and alert["held"] == hold["id"]
    # The same edit again is the same held message: no second alert. The original stays.
    assert (await alice.answer(dict(edit)))["code"] == limit
    _, listed = await world.fran.call("GET", "/api/alerts", expect=200)
    assert [a["id"] for a in listed["alerts"]] == [alert["id"]]
    _, page = await world.bob.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert [m["text"] for m in page["messages"] if m["seq"] == mine["seq"]] == ["long day"]
    # An ordinary refused edit alerts nobody.
    plain = {"type": "edit", "room": room, "message": mine["seq"], "text": "long week"}
    assert (await alice.answer(plain))["code"] == limit
    await fran.nothing(0.3, ignore=("presence", "event", "room_state"))
    # Once a facilitator has decided it, the same words again are a new cry for help.
    await fran.answer({"type": "moderate", "action": "reject", "held": hold["id"]})
    assert (await frames_until(alice, "notice"))["kind"] == "rejected"
    await alice.send({**edit, "ref": 6})
    assert (await collect(alice, "error", "notice"))["notice"]["kind"] == "crisis_help"
    again = (await frames_until(fran, "alert"))["alert"]
    assert again["urgent"] is True and again["held"] != hold["id"]
    for s in (alice, bob, fran):
        await s.close()


async def test_a_flood_and_a_stranger_are_refused_unread(world: World) -> None:
    """The flood limit and membership come before any screening: a stranger's words
    alert nobody, and a flood is refused without reading it."""
    room = world.a.room
    carol, fran = await world.carol.connect(), await world.fran.connect()
    refused = await carol.answer({"type": "send", "room": room, "client_id": "x", "text": CRISIS})
    assert refused["code"] == "not_member"
    await fran.nothing(0.3, ignore=("presence",))
    await carol.close()
    await fran.close()


async def test_a_crisis_reply_to_a_vanished_message_is_still_delivered(world: World) -> None:
    room = world.a.room
    alice, fran = await world.alice.connect(), await world.fran.connect()
    await alice.send(
        {"type": "send", "ref": 1, "room": room, "client_id": "r", "text": CRISIS, "reply_to": 999}
    )
    got = await collect(alice, "ack", "notice")
    assert got["notice"]["kind"] == "crisis_help"
    alert = (await frames_until(fran, "alert"))["alert"]
    assert alert["urgent"] and alert["message"] == got["ack"]["seq"]
    # An ordinary reply to nothing is still an error.
    refused = await alice.answer(
        {"type": "send", "room": room, "client_id": "r2", "text": "me too", "reply_to": 999}
    )
    assert refused["code"] == "not_found"
    await alice.close()
    await fran.close()


async def test_a_crisis_edit_alerts_only_for_the_authors_own_message(world: World) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    ack = await bob.post(room, "see you thursday")
    refused = await alice.answer(
        {"type": "edit", "room": room, "message": ack["seq"], "text": CRISIS}
    )
    assert refused["type"] == "error"
    await fran.nothing(0.3, ignore=("presence", "event"))
    mine = await alice.post(room, "long day")
    await alice.send(
        {"type": "edit", "ref": 2, "room": room, "message": mine["seq"], "text": CRISIS}
    )
    got = await collect(alice, "ack", "notice")
    assert got["notice"]["kind"] == "crisis_help"
    alert = (await frames_until(fran, "alert"))["alert"]
    assert alert["urgent"] and alert["message"] == mine["seq"]
    for s in (alice, bob, fran):
        await s.close()


async def test_removed_member_stops_receiving_at_once(world: World) -> None:
    room = world.a.room
    alice, bob, fran = await connect(world.alice, world.bob, world.fran)
    await fran.answer(
        {
            "type": "moderate",
            "action": "remove_member",
            "room": room,
            "user": world.bob.user["id"],
            "reason": "asked to leave",
        }
    )
    notice = await frames_until(bob, "notice")
    assert notice["kind"] == "removed_from_room"
    await alice.post(room, "after he left")
    await bob.nothing(0.3, ignore=("presence",))
    assert (await bob.post(room, "let me back"))["code"] == "not_member"
    status, _ = await world.bob.call("GET", f"/api/rooms/{room}/messages")
    assert status == 404
    for s in (alice, bob, fran):
        await s.close()


async def test_suspended_account_is_signed_out_everywhere(world: World) -> None:
    bob, fran = await world.bob.connect(), await world.fran.connect()
    await fran.answer(
        {"type": "moderate", "action": "suspend", "user": world.bob.user["id"], "reason": "threats"}
    )
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await bob.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    stranger = Api(world.server)
    world.apis.append(stranger)
    status, _ = await stranger.call(
        "POST", "/api/session", {"username": "bob", "password": PASSWORD}
    )
    assert status == 401
    # The facilitator's member list says so (a member's does not); no second suspension.
    room = world.a.room
    _, listed = await world.fran.call("GET", f"/api/rooms/{room}/members", expect=200)
    suspended = {m["id"]: m["suspended"] for m in listed["members"]}
    assert suspended[world.bob.user["id"]] is True
    assert suspended[world.alice.user["id"]] is False
    _, listed = await world.alice.call("GET", f"/api/rooms/{room}/members", expect=200)
    assert all("suspended" not in m for m in listed["members"])
    again = {"type": "moderate", "action": "suspend", "user": world.bob.user["id"], "reason": "x"}
    assert (await fran.answer(again))["code"] == "conflict"
    # Not forever: a member cannot lift it, the facilitator can, once.
    alice = await world.alice.connect()
    lift = {"type": "moderate", "action": "unsuspend", "user": world.bob.user["id"], "reason": "ok"}
    assert (await alice.answer(dict(lift)))["code"] == "forbidden"
    assert (await fran.answer(dict(lift)))["type"] == "done"
    assert (await fran.answer(dict(lift)))["code"] == "conflict"
    await stranger.login("bob")
    await alice.close()
    await fran.close()


MODERATIONS = [
    {"action": "remove", "message": 1, "reason": "x"},
    {"action": "mute", "user": 0, "minutes": 5, "reason": "x"},
    {"action": "unmute", "user": 0},
    {"action": "remove_member", "user": 0, "reason": "x"},
    {"action": "lock", "reason": "x"},
    {"action": "unlock"},
    {"action": "slow_mode", "seconds": 10},
]


@pytest.mark.parametrize("action", MODERATIONS, ids=[m["action"] for m in MODERATIONS])
async def test_clients_and_other_cohorts_facilitators_cannot_moderate(
    world: World, action: dict
) -> None:
    room = world.a.room
    fran = await world.fran.connect()
    await fran.post(room, "a message to act on")
    await world.admin.call(
        "POST",
        "/api/staff",
        {"username": "gail", "name": "Gail", "password": PASSWORD, "role": "facilitator"},
        expect=201,
    )
    gail_api = await Api(world.server).login("gail")
    world.apis.append(gail_api)
    await gail_api.call("POST", "/api/cohorts", {"name": "Gail's group"}, expect=201)
    frame = {"type": "moderate", "room": room, **action}
    if "user" in frame:
        frame["user"] = world.alice.user["id"]
    if action["action"] == "unmute":  # only a mute can be lifted
        mute = {**frame, "action": "mute", "minutes": 5}
        assert (await fran.answer(mute))["type"] == "done"
    alice, gail = await world.alice.connect(), await gail_api.connect()
    assert (await alice.answer(dict(frame)))["code"] == "forbidden"
    assert (await gail.answer(dict(frame)))["code"] == "not_member"
    done = await fran.answer(dict(frame))
    assert done["type"] == "done", done
    for s in (alice, gail, fran):
        await s.close()


async def test_cross_cohort_holds_alerts_and_reports_are_out_of_reach(world: World) -> None:
    room = world.a.room
    alice, fran = await world.alice.connect(), await world.fran.connect()
    held = await alice.answer({"type": "send", "room": room, "client_id": "x", "text": CONTACT})
    await alice.answer({"type": "help"})
    alert = (await frames_until(fran, "alert"))["alert"]
    carol = await world.carol.connect()
    for frame in (
        {"action": "approve", "held": held["hold"]},
        {"action": "acknowledge_alert", "alert": alert["id"]},
        {"action": "suspend", "user": world.alice.user["id"], "reason": "x"},
    ):
        answer = await carol.answer({"type": "moderate", **frame})
        assert answer["code"] in ("not_member", "forbidden"), answer
    # A member who moderates nothing hears one answer, whether the id exists in her
    # room, in another, or nowhere: nothing to learn about a peer's held message.
    for probe in (
        {"action": "approve", "held": held["hold"]},
        {"action": "approve", "held": 9999},
        {"action": "acknowledge_alert", "alert": alert["id"]},
        {"action": "acknowledge_alert", "alert": 9999},
        {"action": "handle_report", "report": 9999, "state": "resolved"},
    ):
        for member in (alice, carol):
            answer = await member.answer({"type": "moderate", **probe})
            assert answer["code"] == "forbidden", (probe, answer)
    for s in (alice, fran, carol):
        await s.close()


async def test_policy_is_per_room_and_crisis_can_never_be_silenced(world: World) -> None:
    room = world.a.room
    _, policy = await world.fran.call("GET", f"/api/rooms/{room}/policy", expect=200)
    assert policy["policy"]["contact_info"] == "hold"
    assert policy["policy"]["crisis"] == "deliver_and_alert"
    status, err = await world.fran.call(
        "PUT", f"/api/rooms/{room}/policy", {"policy": {"crisis": "block"}}
    )
    assert status == 400 and "crisis" in err["error"]["message"]
    status, _ = await world.alice.call(
        "PUT", f"/api/rooms/{room}/policy", {"policy": {"contact_info": "deliver"}}
    )
    assert status == 403
    await world.fran.call(
        "PUT", f"/api/rooms/{room}/policy", {"policy": {"contact_info": "deliver"}}, expect=200
    )
    alice = await world.alice.connect()
    assert (await alice.post(room, CONTACT))["type"] == "ack"
    # The other cohort keeps the default.
    carol = await world.carol.connect()
    assert (await carol.post(world.b.room, CONTACT))["type"] == "held"
    await alice.close()
    await carol.close()


async def test_a_resend_gets_its_first_answer_whatever_changed_since(world: World) -> None:
    """A client that lost an ack sends again with the same client id: it is told what
    happened the first time, and nothing is stored, held or alerted twice."""
    room = world.a.room
    alice, fran = await world.alice.connect(), await world.fran.connect()
    plain = await alice.post(room, "see you thursday", client_id="p1")
    crisis = await alice.post(room, CRISIS, client_id="c1")
    first_alert = (await frames_until(fran, "alert"))["alert"]
    await world.fran.call(
        "PUT", f"/api/rooms/{room}/policy", {"policy": {"contact_info": "deliver"}}, expect=200
    )
    contact = await alice.post(room, CONTACT, client_id="k1")
    assert contact["type"] == "ack"
    await world.fran.call(
        "PUT", f"/api/rooms/{room}/policy", {"policy": {"contact_info": "hold"}}, expect=200
    )
    again = await alice.post(room, CONTACT, client_id="k1")
    assert again["type"] == "ack" and again["seq"] == contact["seq"]
    await fran.answer(
        {
            "type": "moderate",
            "action": "mute",
            "room": room,
            "user": world.alice.user["id"],
            "minutes": 10,
        }
    )
    for first, text, cid in ((plain, "see you thursday", "p1"), (crisis, CRISIS, "c1")):
        again = await alice.post(room, text, client_id=cid)
        assert again["type"] == "ack" and again["seq"] == first["seq"], again
    _, queue = await world.fran.call("GET", f"/api/rooms/{room}/held", expect=200)
    assert queue["held"] == []
    _, listed = await world.fran.call("GET", "/api/alerts", expect=200)
    assert [a["id"] for a in listed["alerts"]] == [first_alert["id"]]
    _, page = await world.alice.call("GET", f"/api/rooms/{room}/messages", expect=200)
    assert len(page["messages"]) == 3
    await alice.close()
    await fran.close()


async def test_my_held_messages_are_mine_to_see_again(world: World) -> None:
    """After a reload or a night offline, an author reads what still waits and what a
    facilitator declined, with the note; nobody else does."""
    room = world.a.room
    alice, fran = await world.alice.connect(), await world.fran.connect()
    held = await alice.answer({"type": "send", "room": room, "client_id": "m1", "text": CONTACT})
    _, mine = await world.alice.call("GET", "/api/me/held", expect=200)
    assert [(h["client_id"], h["state"], h["text"]) for h in mine["held"]] == [
        ("m1", "held", CONTACT)
    ]
    assert mine["held"][0]["reason"] == held["reason"]
    _, theirs = await world.bob.call("GET", "/api/me/held", expect=200)
    assert theirs["held"] == []
    await fran.answer(
        {"type": "moderate", "action": "reject", "held": held["hold"], "note": "in person"}
    )
    _, mine = await world.alice.call("GET", "/api/me/held", expect=200)
    assert [(h["state"], h["reason"]) for h in mine["held"]] == [("rejected", "in person")]
    # A week on, it is no longer shown.
    world.server.clock.advance(8 * 86_400)
    await world.alice.login("alice")
    _, mine = await world.alice.call("GET", "/api/me/held", expect=200)
    assert mine["held"] == []
    await alice.close()
    await fran.close()


async def test_audit_log_records_actions_never_bodies(world: World) -> None:
    room = world.a.room
    alice, fran = await world.alice.connect(), await world.fran.connect()
    await alice.post(room, CRISIS)
    ack = await alice.post(room, "something to remove")
    await fran.answer(
        {
            "type": "moderate",
            "action": "remove",
            "room": room,
            "message": ack["seq"],
            "reason": "off topic",
        }
    )
    _, log = await world.admin.call("GET", "/api/audit?limit=1000", expect=200)
    actions = [e["action"] for e in log["entries"]]
    assert "alert.raise" in actions and "moderate.remove" in actions
    removal = next(e for e in log["entries"] if e["action"] == "moderate.remove")
    assert removal["actor"] == world.fran.user["id"] and removal["detail"]["reason"] == "off topic"
    dump = json.dumps(log)
    assert CRISIS not in dump and "something to remove" not in dump
    status, _ = await world.alice.call("GET", "/api/audit")
    assert status == 403
    _, everything = await world.admin.call("GET", "/api/audit", expect=200)
    assert len(everything["entries"]) >= len(log["entries"])
    await alice.close()
    await fran.close()


async def test_harassment_is_held_with_an_alert_that_closes_with_the_decision(
    world: World,
) -> None:
    room = world.a.room
    alice, fran = await connect(world.alice, world.fran)
    held = await alice.answer(
        {
            "type": "send",
            "room": room,
            "client_id": "hx",
            "text": "you are a pathetic loser and everyone knows it",
        }
    )
    assert held["type"] == "held" and "respect" in held["reason"]
    alert = (await frames_until(fran, "alert"))["alert"]
    assert alert["kind"] == "held" and alert["held"] == held["hold"]
    assert "harassment" in alert["labels"] and alert["acknowledged_at"] is None
    await fran.send(
        {
            "type": "moderate",
            "ref": "no",
            "action": "reject",
            "held": held["hold"],
            "note": "please speak kindly",
        }
    )
    closed = (await collect(fran, "done", "alert"))["alert"]["alert"]
    assert closed["id"] == alert["id"] and closed["acknowledged_at"] is not None
    _, listed = await world.fran.call("GET", "/api/alerts", expect=200)
    assert listed["alerts"] == []
    await alice.close()
    await fran.close()
