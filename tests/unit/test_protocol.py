"""The wire protocol's pure parser: every bad frame gets its stable code."""

from __future__ import annotations

import json

import pytest

from server import protocol as p
from server.errors import Code
from server.models import Author, Event, EventKind, Message, utcnow


def parse(obj: object) -> p.ClientFrame:
    return p.parse(json.dumps(obj), max_chars=100)


def code_of(raw: str) -> tuple[Code, object, object]:
    with pytest.raises(p.FrameError) as err:
        p.parse(raw, max_chars=100)
    return err.value.code, err.value.ref, err.value.frame_type


def test_send_round_trip() -> None:
    frame = parse(
        {"type": "send", "ref": 1, "room": 3, "client_id": "a", "text": "hi", "reply_to": 2}
    )
    assert frame == p.SendFrame(ref=1, room=3, client_id="a", text="hi", reply_to=2)


def test_every_client_type_parses() -> None:
    frames = [
        {"type": "resume", "rooms": {"1": 0, "2": 5}},
        {"type": "edit", "room": 1, "message": 2, "text": "x"},
        {"type": "delete", "room": 1, "message": 2},
        {"type": "react", "room": 1, "message": 2, "reaction": "heart", "add": False},
        {"type": "typing", "room": 1},
        {"type": "read", "room": 1, "seq": 0},
        {"type": "ping"},
    ]
    assert [type(parse(f)).__name__ for f in frames] == [
        "ResumeFrame",
        "EditFrame",
        "DeleteFrame",
        "ReactFrame",
        "TypingFrame",
        "ReadFrame",
        "PingFrame",
    ]
    assert parse(frames[0]) == p.ResumeFrame(rooms={1: 0, 2: 5})


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{", Code.BAD_JSON),
        ("null", Code.BAD_JSON),
        ("[" * 100_000, Code.BAD_JSON),
        ('{"type": 5}', Code.UNKNOWN_TYPE),
        ('{"type": "SEND"}', Code.UNKNOWN_TYPE),
        ('{"type": "send", "room": 1, "client_id": "a"}', Code.MISSING_FIELD),
        ('{"type": "send", "room": true, "client_id": "a", "text": "x"}', Code.INVALID_FIELD),
        ('{"type": "send", "room": 0, "client_id": "a", "text": "x"}', Code.INVALID_FIELD),
        ('{"type": "send", "room": 1, "client_id": "", "text": "x"}', Code.INVALID_FIELD),
        ('{"type": "send", "room": 1, "client_id": "a", "text": 5}', Code.INVALID_FIELD),
        ('{"type": "send", "room": 1, "client_id": "a", "text": "\\n \\t"}', Code.EMPTY_TEXT),
        (
            '{"type": "send", "room": 1, "client_id": "a", "text": "' + "x" * 101 + '"}',
            Code.TEXT_TOO_LONG,
        ),
        (
            '{"type": "react", "room": 1, "message": 1, "reaction": "heart", "add": 1}',
            Code.INVALID_FIELD,
        ),
        ('{"type": "resume", "rooms": {"x": 1}}', Code.INVALID_FIELD),
        ('{"type": "resume", "rooms": []}', Code.INVALID_FIELD),
        ('{"type": "ping", "ref": {"a": 1}}', Code.INVALID_FIELD),
        ('{"type": "ping", "ref": "' + "r" * 65 + '"}', Code.INVALID_FIELD),
    ],
)
def test_bad_frames(raw: str, code: Code) -> None:
    assert code_of(raw)[0] is code


def test_errors_point_back_at_the_frame() -> None:
    assert code_of('{"type": "edit", "ref": "r9", "room": 1, "text": "x"}') == (
        Code.MISSING_FIELD,
        "r9",
        "edit",
    )


def test_event_frame_hides_deleted_text() -> None:
    msg = Message(
        room_id=1,
        seq=4,
        author=Author(2, "Sam"),
        text="secret",
        sent_at=utcnow(),
        client_id="c",
        deleted=True,
    )
    frame = json.loads(p.event_frame(Event(1, 5, EventKind.DELETED, msg)))
    assert frame["message"]["text"] is None and frame["message"]["deleted"] is True
    assert frame["seq"] == 5 and frame["message"]["seq"] == 4


def test_error_frame_carries_retry_after() -> None:
    from server.errors import RateLimited

    frame = json.loads(
        p.error_frame(RateLimited("slow down", retry_after=1.23456), ref=7, frame_type="send")
    )
    assert frame == {
        "type": "error",
        "code": "rate_limited",
        "message": "slow down",
        "ref": 7,
        "frame": "send",
        "retry_after": 1.235,
    }


def test_every_client_type_has_a_name_both_ways() -> None:
    assert set(p.TYPE_OF.values()) == p.CLIENT_TYPES
