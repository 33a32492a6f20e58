"""The websocket wire protocol: a parse/serialize pair per frame type.

Owns: every frame that crosses `/ws` (see docs/protocol.md). Pure: no I/O, no asyncio,
no aiohttp. `parse()` turns a text frame into one of the `*Frame` dataclasses or raises
`ProtocolError` with a stable code; the `*_frame()` functions build the JSON text the
server sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import Code, HearthError, ProtocolError
from .models import Alert, Event, Held, Message, Reaction, Report, RoomState, RoomSummary, User, iso

REF_CHARS = 64
# Ids and sequences fit a signed 64-bit column with room to spare; JSON allows any size.
MAX_INT = 2**62
CLIENT_ID_CHARS = 64
REACTIONS = frozenset(r.value for r in Reaction)

Ref = str | int | None


@dataclass(frozen=True)
class ResumeFrame:
    rooms: dict[int, int]
    ref: Ref = None


@dataclass(frozen=True)
class SendFrame:
    ref: Ref
    room: int
    client_id: str
    text: str
    reply_to: int | None = None


@dataclass(frozen=True)
class EditFrame:
    ref: Ref
    room: int
    message: int
    text: str


@dataclass(frozen=True)
class DeleteFrame:
    ref: Ref
    room: int
    message: int


@dataclass(frozen=True)
class ReactFrame:
    ref: Ref
    room: int
    message: int
    reaction: str
    add: bool


@dataclass(frozen=True)
class TypingFrame:
    room: int
    ref: Ref = None


@dataclass(frozen=True)
class ReadFrame:
    room: int
    seq: int
    ref: Ref = None


@dataclass(frozen=True)
class PingFrame:
    ref: Ref = None


@dataclass(frozen=True)
class HelpFrame:
    """ "I need help now": alert facilitators urgently, with or without a room."""

    ref: Ref = None
    room: int | None = None


@dataclass(frozen=True)
class ReportFrame:
    ref: Ref
    room: int
    message: int
    reason: str = ""


class ModAction(StrEnum):
    REMOVE = "remove"  # room, message, reason
    MUTE = "mute"  # room, user, minutes, reason
    UNMUTE = "unmute"  # room, user
    REMOVE_MEMBER = "remove_member"  # room, user, reason
    SUSPEND = "suspend"  # user, reason
    UNSUSPEND = "unsuspend"  # user, reason
    LOCK = "lock"  # room, reason
    UNLOCK = "unlock"  # room
    SLOW_MODE = "slow_mode"  # room, seconds (0 turns it off)
    APPROVE = "approve"  # held
    REJECT = "reject"  # held, note
    ACKNOWLEDGE_ALERT = "acknowledge_alert"  # alert
    HANDLE_REPORT = "handle_report"  # report, state, note


_MOD_FIELDS: dict[ModAction, tuple[str, ...]] = {
    ModAction.REMOVE: ("room", "message", "reason"),
    ModAction.MUTE: ("room", "user", "minutes", "reason"),
    ModAction.UNMUTE: ("room", "user", "reason"),
    ModAction.REMOVE_MEMBER: ("room", "user", "reason"),
    ModAction.SUSPEND: ("user", "reason"),
    ModAction.UNSUSPEND: ("user", "reason"),
    ModAction.LOCK: ("room", "reason"),
    ModAction.UNLOCK: ("room", "reason"),
    ModAction.SLOW_MODE: ("room", "seconds", "reason"),
    ModAction.APPROVE: ("held",),
    ModAction.REJECT: ("held",),
    ModAction.ACKNOWLEDGE_ALERT: ("alert",),
    ModAction.HANDLE_REPORT: ("report", "state"),
}
REASON_CHARS = 500
MUTE_MAX_MINUTES = 60 * 24 * 30
SLOW_MODE_MAX_SECONDS = 3600
REPORT_STATES = ("acknowledged", "resolved")


@dataclass(frozen=True)
class ModerateFrame:
    """A facilitator action; which fields it needs depends on `action`."""

    ref: Ref
    action: ModAction
    room: int | None = None
    message: int | None = None
    user: int | None = None
    held: int | None = None
    alert: int | None = None
    report: int | None = None
    minutes: int | None = None
    seconds: int | None = None
    reason: str = ""
    note: str = ""
    state: str | None = None


ClientFrame = (
    HelpFrame
    | ReportFrame
    | ModerateFrame
    | ResumeFrame
    | SendFrame
    | EditFrame
    | DeleteFrame
    | ReactFrame
    | TypingFrame
    | ReadFrame
    | PingFrame
)


class FrameError(ProtocolError):
    """A bad frame, remembering what we could read of it so the error can point back."""

    def __init__(self, code: Code, message: str, ref: Ref = None, frame_type: str | None = None):
        super().__init__(message, code=code)
        self.ref = ref
        self.frame_type = frame_type


def _int(obj: dict[str, Any], name: str, ref: Ref, ftype: str, *, minimum: int = 0) -> int:
    if name not in obj:
        raise FrameError(Code.MISSING_FIELD, f"'{name}' is required", ref, ftype)
    value = obj[name]
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_INT:
        raise FrameError(
            Code.INVALID_FIELD,
            f"'{name}' must be an integer from {minimum} to {MAX_INT}",
            ref,
            ftype,
        )
    return value


def _str(obj: dict[str, Any], name: str, ref: Ref, ftype: str, *, max_chars: int) -> str:
    if name not in obj:
        raise FrameError(Code.MISSING_FIELD, f"'{name}' is required", ref, ftype)
    value = obj[name]
    if not isinstance(value, str):
        raise FrameError(Code.INVALID_FIELD, f"'{name}' must be a string", ref, ftype)
    if len(value) > max_chars:
        raise FrameError(Code.INVALID_FIELD, f"'{name}' is over {max_chars} characters", ref, ftype)
    return value


def _text(obj: dict[str, Any], ref: Ref, ftype: str, max_chars: int) -> str:
    if "text" not in obj:
        raise FrameError(Code.MISSING_FIELD, "'text' is required", ref, ftype)
    text = obj["text"]
    if not isinstance(text, str):
        raise FrameError(Code.INVALID_FIELD, "'text' must be a string", ref, ftype)
    if len(text) > max_chars:
        raise FrameError(
            Code.TEXT_TOO_LONG, f"a message holds at most {max_chars} characters", ref, ftype
        )
    if not text.strip():
        raise FrameError(Code.EMPTY_TEXT, "a message needs some text", ref, ftype)
    return text


def _ref(obj: dict[str, Any]) -> Ref:
    ref = obj.get("ref")
    if ref is None:
        return None
    if isinstance(ref, bool) or not isinstance(ref, str | int):
        raise FrameError(Code.INVALID_FIELD, "'ref' must be a string or an integer")
    if isinstance(ref, str) and len(ref) > REF_CHARS:
        raise FrameError(Code.INVALID_FIELD, f"'ref' is over {REF_CHARS} characters")
    return ref


def parse(data: str, *, max_chars: int) -> ClientFrame:
    """Parse one client text frame.

    Raises:
        FrameError: with a stable code and, where readable, the frame's `ref` and type.
    """
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError):
        raise FrameError(Code.BAD_JSON, "the frame is not valid JSON") from None
    if not isinstance(obj, dict):
        raise FrameError(Code.BAD_JSON, "the frame must be a JSON object")
    ref = _ref(obj)
    ftype = obj.get("type")
    if not isinstance(ftype, str) or ftype not in _PARSERS:
        raise FrameError(Code.UNKNOWN_TYPE, "unknown or missing 'type'", ref)
    return _PARSERS[ftype](obj, ref, max_chars)


def _parse_resume(obj: dict[str, Any], ref: Ref, _max: int) -> ResumeFrame:
    rooms = obj.get("rooms")
    if rooms is None:
        raise FrameError(Code.MISSING_FIELD, "'rooms' is required", ref, "resume")
    if not isinstance(rooms, dict) or len(rooms) > 1000:
        raise FrameError(
            Code.INVALID_FIELD, "'rooms' must map room ids to sequences", ref, "resume"
        )
    parsed: dict[int, int] = {}
    for key, seq in rooms.items():
        try:
            room = int(key)
        except ValueError:
            raise FrameError(
                Code.INVALID_FIELD, "room ids must be integers", ref, "resume"
            ) from None
        if not 0 < room <= MAX_INT:
            raise FrameError(Code.INVALID_FIELD, "room ids must be positive", ref, "resume")
        if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_INT:
            raise FrameError(Code.INVALID_FIELD, "sequences must be integers >= 0", ref, "resume")
        parsed[room] = seq
    return ResumeFrame(rooms=parsed, ref=ref)


def _parse_send(obj: dict[str, Any], ref: Ref, max_chars: int) -> SendFrame:
    room = _int(obj, "room", ref, "send", minimum=1)
    client_id = _str(obj, "client_id", ref, "send", max_chars=CLIENT_ID_CHARS)
    if not client_id:
        raise FrameError(Code.INVALID_FIELD, "'client_id' must not be empty", ref, "send")
    text = _text(obj, ref, "send", max_chars)
    reply_to = obj.get("reply_to")
    if reply_to is not None:
        reply_to = _int(obj, "reply_to", ref, "send", minimum=1)
    return SendFrame(ref=ref, room=room, client_id=client_id, text=text, reply_to=reply_to)


def _parse_edit(obj: dict[str, Any], ref: Ref, max_chars: int) -> EditFrame:
    return EditFrame(
        ref=ref,
        room=_int(obj, "room", ref, "edit", minimum=1),
        message=_int(obj, "message", ref, "edit", minimum=1),
        text=_text(obj, ref, "edit", max_chars),
    )


def _parse_delete(obj: dict[str, Any], ref: Ref, _max: int) -> DeleteFrame:
    return DeleteFrame(
        ref=ref,
        room=_int(obj, "room", ref, "delete", minimum=1),
        message=_int(obj, "message", ref, "delete", minimum=1),
    )


def _parse_react(obj: dict[str, Any], ref: Ref, _max: int) -> ReactFrame:
    room = _int(obj, "room", ref, "react", minimum=1)
    message = _int(obj, "message", ref, "react", minimum=1)
    reaction = _str(obj, "reaction", ref, "react", max_chars=32)
    if reaction not in REACTIONS:
        raise FrameError(
            Code.INVALID_FIELD, f"'reaction' must be one of {sorted(REACTIONS)}", ref, "react"
        )
    add = obj.get("add", True)
    if not isinstance(add, bool):
        raise FrameError(Code.INVALID_FIELD, "'add' must be true or false", ref, "react")
    return ReactFrame(ref=ref, room=room, message=message, reaction=reaction, add=add)


def _parse_typing(obj: dict[str, Any], ref: Ref, _max: int) -> TypingFrame:
    return TypingFrame(room=_int(obj, "room", ref, "typing", minimum=1), ref=ref)


def _parse_read(obj: dict[str, Any], ref: Ref, _max: int) -> ReadFrame:
    return ReadFrame(
        room=_int(obj, "room", ref, "read", minimum=1),
        seq=_int(obj, "seq", ref, "read"),
        ref=ref,
    )


def _parse_ping(obj: dict[str, Any], ref: Ref, _max: int) -> PingFrame:
    return PingFrame(ref=ref)


def _parse_help(obj: dict[str, Any], ref: Ref, _max: int) -> HelpFrame:
    room = _int(obj, "room", ref, "help", minimum=1) if obj.get("room") is not None else None
    return HelpFrame(ref=ref, room=room)


def _reason(obj: dict[str, Any], name: str, ref: Ref, ftype: str) -> str:
    if obj.get(name) is None:
        return ""
    return _str(obj, name, ref, ftype, max_chars=REASON_CHARS).strip()


def _parse_report(obj: dict[str, Any], ref: Ref, _max: int) -> ReportFrame:
    return ReportFrame(
        ref=ref,
        room=_int(obj, "room", ref, "report", minimum=1),
        message=_int(obj, "message", ref, "report", minimum=1),
        reason=_reason(obj, "reason", ref, "report"),
    )


def _parse_moderate(obj: dict[str, Any], ref: Ref, _max: int) -> ModerateFrame:
    raw = obj.get("action")
    if raw is None:
        raise FrameError(Code.MISSING_FIELD, "'action' is required", ref, "moderate")
    try:
        action = ModAction(raw)
    except ValueError:
        known = ", ".join(a.value for a in ModAction)
        raise FrameError(
            Code.INVALID_FIELD, f"'action' must be one of: {known}", ref, "moderate"
        ) from None
    values: dict[str, Any] = {}
    for name in _MOD_FIELDS[action]:
        if name in ("reason", "note"):
            values[name] = _reason(obj, name, ref, "moderate")
        elif name == "state":
            state = _str(obj, "state", ref, "moderate", max_chars=20)
            if state not in REPORT_STATES:
                raise FrameError(
                    Code.INVALID_FIELD, "'state' must be acknowledged or resolved", ref, "moderate"
                )
            values["state"] = state
        elif name == "seconds":
            values["seconds"] = _int(obj, "seconds", ref, "moderate")
            if values["seconds"] > SLOW_MODE_MAX_SECONDS:
                raise FrameError(
                    Code.INVALID_FIELD,
                    f"slow mode is at most {SLOW_MODE_MAX_SECONDS} seconds",
                    ref,
                    "moderate",
                )
        elif name == "minutes":
            values["minutes"] = _int(obj, "minutes", ref, "moderate", minimum=1)
            if values["minutes"] > MUTE_MAX_MINUTES:
                raise FrameError(
                    Code.INVALID_FIELD, "a mute lasts at most 30 days", ref, "moderate"
                )
        else:
            values[name] = _int(obj, name, ref, "moderate", minimum=1)
    if action in (ModAction.REJECT, ModAction.HANDLE_REPORT):
        values["note"] = _reason(obj, "note", ref, "moderate")
    return ModerateFrame(ref=ref, action=action, **values)


_PARSERS: dict[str, Callable[[dict[str, Any], Ref, int], ClientFrame]] = {
    "resume": _parse_resume,
    "send": _parse_send,
    "edit": _parse_edit,
    "delete": _parse_delete,
    "react": _parse_react,
    "typing": _parse_typing,
    "read": _parse_read,
    "ping": _parse_ping,
    "help": _parse_help,
    "report": _parse_report,
    "moderate": _parse_moderate,
}
CLIENT_TYPES = frozenset(_PARSERS)
TYPE_OF: dict[type, str] = {
    ResumeFrame: "resume",
    SendFrame: "send",
    EditFrame: "edit",
    DeleteFrame: "delete",
    ReactFrame: "react",
    TypingFrame: "typing",
    ReadFrame: "read",
    PingFrame: "ping",
    HelpFrame: "help",
    ReportFrame: "report",
    ModerateFrame: "moderate",
}


# ---- server -> client ------------------------------------------------------------


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def message_dict(m: Message) -> dict[str, Any]:
    return {
        "seq": m.seq,
        "author": {"id": m.author.id, "name": m.author.name},
        "text": None if m.deleted or m.removed else m.text,
        "sent_at": iso(m.sent_at),
        "edited_at": iso(m.edited_at),
        "deleted": m.deleted,
        "reply_to": None
        if m.reply_to is None
        else {
            "seq": m.reply_to.seq,
            "author": {"id": m.reply_to.author.id, "name": m.reply_to.author.name},
            "excerpt": m.reply_to.excerpt,
        },
        "reactions": m.reactions,
        "client_id": m.client_id,
        "removed": m.removed,
        "card": None if m.deleted or m.removed else m.card,
    }


def event_frame(e: Event) -> str:
    return _dumps(
        {
            "type": "event",
            "room": e.room_id,
            "seq": e.seq,
            "kind": e.kind.value,
            "message": message_dict(e.message),
        }
    )


def ack_frame(ref: Ref, room: int, seq: int, message: int, client_id: str | None = None) -> str:
    frame: dict[str, Any] = {
        "type": "ack",
        "ref": ref,
        "room": room,
        "seq": seq,
        "message": message,
    }
    if client_id is not None:
        frame["client_id"] = client_id
    return _dumps(frame)


def error_frame(err: HearthError, ref: Ref = None, frame_type: str | None = None) -> str:
    frame: dict[str, Any] = {"type": "error", "code": err.code.value, "message": err.message}
    if isinstance(err, FrameError):
        ref = err.ref if ref is None else ref
        frame_type = err.frame_type if frame_type is None else frame_type
    if ref is not None:
        frame["ref"] = ref
    if frame_type is not None:
        frame["frame"] = frame_type
    if err.retry_after is not None:
        frame["retry_after"] = round(err.retry_after, 3)
    for key, value in err.details.items():
        frame.setdefault(key, value)
    return _dumps(frame)


def room_dict(r: RoomSummary) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "kind": r.kind.value,
        "latest_seq": r.latest_seq,
        "read_seq": r.read_seq,
        "unread": r.unread,
        "agreement": {"version": r.agreement_version, "accepted": r.accepted_version},
        "role": r.role.value,
        "locked": r.locked,
        "slow_mode_seconds": r.slow_mode_seconds,
        "muted_until": iso(r.muted_until),
        "mute_reason": r.mute_reason,
        "closed": r.closed,
        "read_only_until": iso(r.read_only_until),
        "moderator": r.moderator,
        "notifications_muted": r.notifications_muted,
    }


def welcome_frame(
    user: User, rooms: list[RoomSummary], *, message_chars: int, frame_bytes: int
) -> str:
    return _dumps(
        {
            "type": "welcome",
            "user": {"id": user.id, "name": user.display_name, "role": user.role.value},
            "rooms": [room_dict(r) for r in rooms],
            "limits": {"message_chars": message_chars, "frame_bytes": frame_bytes},
            "reactions": sorted(REACTIONS),
        }
    )


def caught_up_frame(room: int, seq: int) -> str:
    return _dumps({"type": "caught_up", "room": room, "seq": seq})


def resync_frame(room: int, latest_seq: int) -> str:
    return _dumps({"type": "resync", "room": room, "latest_seq": latest_seq})


def presence_frame(room: int, online: list[tuple[int, str]]) -> str:
    return _dumps(
        {"type": "presence", "room": room, "online": [{"id": i, "name": n} for i, n in online]}
    )


def typing_frame(room: int, user_id: int, name: str) -> str:
    return _dumps({"type": "typing", "room": room, "user": {"id": user_id, "name": name}})


def read_frame(room: int, user_id: int, seq: int) -> str:
    return _dumps({"type": "read", "room": room, "user": user_id, "seq": seq})


def pong_frame(ref: Ref) -> str:
    return _dumps({"type": "pong", "ref": ref})


def answer_frame(ref: Ref, **fields: Any) -> str:
    """The answer to a frame that has no log position (help, report, moderate)."""
    return _dumps({"type": "done", "ref": ref, **fields})


def held_frame(ref: Ref, held: Held, reason: str) -> str:
    """The answer to a `send` that waits for a facilitator."""
    return _dumps(
        {
            "type": "held",
            "ref": ref,
            "room": held.room_id,
            "client_id": held.client_id,
            "hold": held.id,
            "reason": reason,
        }
    )


def notice_frame(kind: str, **fields: Any) -> str:
    """Something only this person needs to know (crisis help, a decision about them)."""
    return _dumps({"type": "notice", "kind": kind, **fields})


def room_state_frame(state: RoomState) -> str:
    return _dumps(
        {
            "type": "room_state",
            "room": state.id,
            "locked": state.locked,
            "slow_mode_seconds": state.slow_mode_seconds,
        }
    )


def held_dict(h: Held) -> dict[str, Any]:
    return {
        "id": h.id,
        "room": h.room_id,
        "author": {"id": h.author.id, "name": h.author.name},
        "text": h.text,
        "sent_at": iso(h.sent_at),
        "labels": list(h.labels),
        "state": h.state.value,
        "note": h.note,
        "message": h.message_seq,
    }


def alert_dict(a: Alert, evidence: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": a.id,
        "room": a.room_id,
        "kind": a.kind.value,
        "urgent": a.urgent,
        "subject": {"id": a.subject.id, "name": a.subject.name},
        "message": a.message_seq,
        "held": a.held_id,
        "checkin": a.checkin_id,
        "labels": list(a.labels),
        "evidence": evidence,
        "created_at": iso(a.created_at),
        "acknowledged_at": iso(a.acknowledged_at),
        "acknowledged_by": a.acknowledged_by,
    }


def alert_frame(a: Alert, evidence: list[dict[str, str]]) -> str:
    return _dumps({"type": "alert", "alert": alert_dict(a, evidence)})


def hold_frame(h: Held) -> str:
    """For the room's facilitators: the hold queue changed (a new entry or a decision)."""
    return _dumps({"type": "hold", "hold": held_dict(h)})


def report_dict(r: Report) -> dict[str, Any]:
    return {
        "id": r.id,
        "room": r.room_id,
        "message": r.message_seq,
        "reporter": {"id": r.reporter.id, "name": r.reporter.name},
        "reason": r.reason,
        "state": r.state.value,
        "created_at": iso(r.created_at),
        "note": r.note,
        "author": None if r.author is None else {"id": r.author.id, "name": r.author.name},
        "excerpt": r.excerpt,
        "removed": r.removed,
    }


def report_frame(r: Report) -> str:
    return _dumps({"type": "report", "report": report_dict(r)})


# ---- discharge and alumni ----------------------------------------------------------


def moved_on_frame(room: int, user_id: int, name: str) -> str:
    """To a cohort room: a member has moved on (never why: the outcome is for staff)."""
    return _dumps({"type": "moved_on", "room": room, "user": {"id": user_id, "name": name}})
