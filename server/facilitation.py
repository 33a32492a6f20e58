"""Facilitators holding the group's boundaries: screening, alerts, the hold queue,
reports, mutes, removals, locks and slow mode.

Owns: `Facilitation`, which `Chat` builds and calls for every message it screens, and
which the edges call for facilitator actions. Every action checks, on the server, that
the actor facilitates that very room, and is written to the audit log (who, what, to
whom, when, why; never the message body). May import: moderation, chat's collaborators
(store, hub, bus), protocol, models, errors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from moderation import (
    DEFAULT_POLICY,
    Action,
    Assessment,
    Context,
    Decision,
    Label,
    Policy,
    assess,
    decide,
)

from . import protocol as p
from .errors import (
    Code,
    Conflict,
    Forbidden,
    HearthError,
    NotFound,
    NotMember,
    ProtocolError,
    RateLimited,
)
from .hub import CLOSE_SESSION_ENDED
from .models import (
    Alert,
    AlertKind,
    AuditEntry,
    Event,
    Held,
    HoldState,
    Report,
    ReportState,
    Role,
    RoomKind,
    RoomState,
    User,
)
from .store import Membership, Posted

if TYPE_CHECKING:
    from .chat import Chat

# What the author is told when a message waits or is stopped. Plain, kind, specific.
WHY: dict[Label, str] = {
    Label.contact_info: (
        "Our group agreement keeps phone numbers, emails, addresses and social media "
        "handles out of the room."
    ),
    Label.substance_acquisition: (
        "Our group agreement keeps talk of getting, giving or selling substances out of the room."
    ),
    Label.harassment: "Our group agreement asks us to treat each other with respect.",
    Label.relapse_risk: "A facilitator would like to read this first.",
    Label.crisis: "A facilitator would like to read this first.",
}


# A member's own held and declined messages stay on their screen this long.
MY_HELD_DAYS = 7


def _waiting_crisis(held: Held) -> bool:
    """A crisis that waits: only one the room's limits refused is ever held (see
    Facilitation.screen_refused). Its author is told so, and the room's staff alone read
    and decide it, never a peer who moderates an alumni room."""
    return Label.crisis.value in held.labels


def _not_shared(why: str) -> HearthError:
    """The answer to a message the room's policy blocked (and to its re-sends)."""
    return HearthError(
        f"{why} Your message was not shared; a facilitator has been told.", code=Code.BLOCKED
    )


def _muted_now(membership: Membership, now: float) -> bool:
    return membership.muted_until is not None and membership.muted_until > now


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Facilitation:
    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.store = chat.store
        self.hub = chat.hub
        self._rooms: dict[int, RoomState] = {}
        self._staff: dict[int, list[int]] = {}
        self._policies: dict[int, Policy] = {}

    # ---- room state ----------------------------------------------------------------

    async def room_state(self, room: int) -> RoomState:
        state = self._rooms.get(room)
        if state is None:
            seen = self.chat.cache_generation
            state = await self.store.room_state(room)
            if state is None:
                raise NotMember()
            if seen == self.chat.cache_generation:  # see Chat.member
                self._rooms[room] = state
        return state

    async def policy(self, room: int) -> Policy:
        policy = self._policies.get(room)
        if policy is None:
            seen = self.chat.cache_generation
            policy = Policy.from_mapping((await self.room_state(room)).policy, DEFAULT_POLICY)
            if seen == self.chat.cache_generation:
                self._policies[room] = policy
        return policy

    async def staff_of(self, room: int) -> list[int]:
        staff = self._staff.get(room)
        if staff is None:
            seen = self.chat.cache_generation
            staff = await self.store.room_staff(room)
            if seen == self.chat.cache_generation:
                self._staff[room] = staff
        return staff

    def forget(self, room: int) -> None:
        self._rooms.pop(room, None)
        self._staff.pop(room, None)
        self._policies.pop(room, None)

    def forget_all(self) -> None:
        self._rooms.clear()
        self._staff.clear()
        self._policies.clear()

    async def check_can_post(self, user: User, membership: Membership, room: int) -> None:
        """Mutes, locks and slow mode; staff are never slowed down."""
        if user.role.is_staff or membership.role is Role.FACILITATOR:
            return
        now = self.chat.clock()
        if _muted_now(membership, now):
            assert membership.muted_until is not None
            reason = f" Reason: {membership.mute_reason}" if membership.mute_reason else ""
            raise HearthError(
                f"a facilitator has paused your posting until {_when(membership.muted_until)}."
                + reason,
                code=Code.MUTED,
                details={"until": _when(membership.muted_until), "reason": membership.mute_reason},
            )
        state = await self.room_state(room)
        if state.locked:
            raise HearthError("this room is read-only for now", code=Code.ROOM_LOCKED)
        if state.slow_mode_seconds:
            wait = await self.chat.slow_mode_wait(user, room, state.slow_mode_seconds)
            if wait:
                raise RateLimited(
                    f"slow mode is on: one message every {state.slow_mode_seconds} seconds",
                    retry_after=wait,
                )

    # ---- screening -------------------------------------------------------------------

    async def assess(self, room: int, text: str) -> tuple[Assessment, Decision]:
        """What a text says and what the room's policy does about it (messages, edits,
        check-ins: one screening for every word a member shares)."""
        state = await self.room_state(room)
        assessment = assess(text, Context(room_kind=state.kind.value))
        return assessment, decide(assessment, await self.policy(room))

    async def screen(self, user: User, frame: p.SendFrame) -> Posted | Held:
        """Assess a message and act on the room's policy: deliver, alert, hold, block."""
        room = frame.room
        assessment, decision = await self.assess(room, frame.text)
        now = self.chat.clock()
        if decision.action in (Action.hold, Action.block):
            # A re-send of a message delivered before the policy changed stays delivered.
            first = await self.first_answer(user, frame)
            if first is not None:
                return first
            labels = sorted(label.value for label in assessment.labels)
            reply_to = await self._reply_target(room, frame.reply_to, crisis=False)
            hold_state = HoldState.HELD if decision.action is Action.hold else HoldState.BLOCKED
            held, duplicate = await self.store.hold_message(
                room, user, frame.client_id, frame.text, reply_to, labels, hold_state, now
            )
            if not duplicate:
                if held.state is HoldState.HELD:
                    await self._to_staff(room, p.hold_frame(held), moderators=True, about=user.id)
                if decision.alerts:
                    kind = AlertKind.HELD if held.state is HoldState.HELD else AlertKind.BLOCKED
                    await self._alert(room, kind, False, user, None, held.id, assessment)
            if held.state is HoldState.BLOCKED:
                raise _not_shared(self._why(assessment, decision.alert_labels))
            return held
        reply_to = frame.reply_to
        if decision.urgent:  # otherwise the store refuses a reply to nothing itself
            reply_to = await self._reply_target(room, reply_to, crisis=True)
        posted = await self.store.add_message(
            room, user, frame.client_id, frame.text, reply_to, now
        )
        if decision.urgent:
            # Help first: the author sees it even if raising the alert fails.
            self._tell(user.id, self.crisis_help(room))
        if not posted.duplicate and decision.alerts:
            await self._alert(
                room, AlertKind.MESSAGE, decision.urgent, user, posted.event.seq, None, assessment
            )
        return posted

    async def _reply_target(self, room: int, reply_to: int | None, *, crisis: bool) -> int | None:
        """`reply_to` if that message is there. A crisis is never refused over the
        message it answered: it goes without the link.

        Raises:
            NotFound: the message is gone and this is not a crisis.
        """
        if reply_to is None or await self.store.get_message(room, reply_to):
            return reply_to
        if crisis:
            return None
        raise NotFound("the message you reply to does not exist")

    async def first_answer(self, user: User, frame: p.SendFrame) -> Posted | Held | None:
        """The answer a send with this client id got the first time, if it came before:
        a re-send is answered the same, stores nothing, alerts nobody, whatever changed
        since (a mute, a lock, the room's policy).

        Raises:
            HearthError: `blocked`, when the first answer was that.
        """
        first = await self.store.sent(frame.room, user.id, frame.client_id)
        if isinstance(first, Held) and first.state is HoldState.BLOCKED:
            labels = frozenset(Label(v) for v in first.labels)
            raise _not_shared(self._why(Assessment(labels), labels))
        return first

    async def screen_refused(self, user: User, frame: p.SendFrame) -> Held | None:
        """A member's message that the room's limits refused: a crisis among its words
        waits for a facilitator, who is alerted at once, and the author sees crisis help
        (None: no crisis, the refusal stands)."""
        room = frame.room
        assessment, decision = await self.assess(room, frame.text)
        if not decision.urgent:
            return None
        reply_to = await self._reply_target(room, frame.reply_to, crisis=True)
        labels = sorted(label.value for label in assessment.labels)
        held, duplicate = await self.store.hold_message(
            room,
            user,
            frame.client_id,
            frame.text,
            reply_to,
            labels,
            HoldState.HELD,
            self.chat.clock(),
        )
        self._tell(user.id, self.crisis_help(room))
        if not duplicate:
            await self._to_staff(room, p.hold_frame(held))  # a crisis is for staff alone
            await self._alert(room, AlertKind.HELD, True, user, None, held.id, assessment)
        return held

    async def my_held(self, user: User) -> list[tuple[Held, str]]:
        """What the person wrote that waits for a facilitator, or was declined, in the
        last week, each with what they were told: so a reload or a night offline does not
        lose it, nor a facilitator's note."""
        since = self.chat.clock() - MY_HELD_DAYS * 86_400
        return [
            (h, self.why_held(h) if h.state is HoldState.HELD else h.note or "")
            for h in await self.store.held_by(user.id, since)
        ]

    def why_held(self, held: Held) -> str:
        if _waiting_crisis(held):
            return (
                "You can't post in this room just now, so your message waits for a"
                " facilitator, who has been told right away."
            )
        labels = {Label(v) for v in held.labels}
        return self._why(Assessment(frozenset(labels)), frozenset(labels)) + (
            " A facilitator will read it before it is shared."
        )

    def why(self, assessment: Assessment, labels: frozenset[Label]) -> str:
        """What the author is told when their words wait or are stopped."""
        return self._why(assessment, labels)

    @staticmethod
    def _why(assessment: Assessment, labels: frozenset[Label]) -> str:
        for label in (Label.substance_acquisition, Label.contact_info, Label.harassment):
            if label in labels or label in assessment.labels:
                return WHY[label]
        return WHY[Label.relapse_risk]

    async def screen_edit(self, user: User, frame: p.EditFrame) -> Event:
        """Screen and save an edit: it cannot smuggle in what a new message could not
        say, and facilitators hear of it once it is saved (so only the author's own
        message can raise an alert)."""
        assessment, decision = await self.assess(frame.room, frame.text)
        if decision.action in (Action.hold, Action.block):
            raise HearthError(
                self._why(assessment, decision.alert_labels)
                + " That edit was not saved; the original stays.",
                code=Code.BLOCKED,
            )
        event = await self.store.edit_message(
            frame.room, frame.message, user.id, frame.text, self.chat.clock()
        )
        if decision.urgent:
            self._tell(user.id, self.crisis_help(frame.room))
        if decision.alerts:
            await self._alert(
                frame.room,
                AlertKind.MESSAGE,
                decision.urgent,
                user,
                frame.message,
                None,
                assessment,
            )
        return event

    def crisis_help(self, room: int | None) -> str:
        s = self.chat.settings
        return p.notice_frame(
            "crisis_help",
            room=room,
            resources={"call": "988", "text": "988", "after_hours": s.after_hours_line or None},
        )

    # ---- alerts ------------------------------------------------------------------------

    async def _alert(
        self,
        room: int,
        kind: AlertKind,
        urgent: bool,
        subject: User,
        message_seq: int | None,
        held_id: int | None,
        assessment: Assessment | None,
        checkin_id: int | None = None,
    ) -> Alert:
        labels = sorted(label.value for label in assessment.labels) if assessment else []
        rules = sorted({e.rule for e in assessment.evidence}) if assessment else []
        alert = await self.store.create_alert(
            room,
            kind,
            urgent,
            subject.id,
            message_seq,
            held_id,
            labels,
            rules,
            self.chat.clock(),
            checkin_id=checkin_id,
        )
        await self._to_staff(room, p.alert_frame(alert, self._evidence(assessment)))
        await self.chat.audit(
            None,
            "alert.raise",
            subject_type="user",
            subject_id=subject.id,
            room_id=room,
            detail={
                "alert": alert.id,
                "kind": kind.value,
                "urgent": urgent,
                "labels": labels,
                "rules": rules,
            },
        )
        return alert

    async def alert_checkin(
        self,
        room: int,
        subject: User,
        urgent: bool,
        assessment: Assessment,
        message_seq: int | None,
        checkin_id: int | None,
    ) -> Alert:
        """The same alert a message would raise, for a check-in."""
        return await self._alert(
            room,
            AlertKind.CHECKIN,
            urgent,
            subject,
            message_seq,
            None,
            assessment,
            checkin_id=checkin_id,
        )

    @staticmethod
    def _evidence(assessment: Assessment | None) -> list[dict[str, str]]:
        if assessment is None:
            return []
        return [
            {"label": e.label.value, "rule": e.rule, "phrase": e.phrase}
            for e in assessment.evidence
        ]

    async def help(self, user: User, frame: p.HelpFrame) -> int:
        """ "I need help now": an urgent alert to the facilitators of the person's rooms."""
        memberships = await self.store.memberships(user.id)
        rooms = (
            [frame.room]
            if frame.room is not None
            else [m.room_id for m in memberships.values() if m.role is not Role.FACILITATOR]
        )
        if frame.room is not None and frame.room not in memberships:
            raise NotMember()
        for room in rooms:
            await self._alert(room, AlertKind.HELP, True, user, None, None, None)
        self._tell(user.id, self.crisis_help(frame.room))
        return len(rooms)

    async def alert_view(self, alert: Alert) -> dict[str, Any]:
        """An alert as staff see it, with the evidence recomputed from the message."""
        text: str | None = None
        if alert.checkin_id is not None:
            checkin = await self.store.get_checkin(alert.checkin_id)
            text = checkin.note if checkin and checkin.note else None
        elif alert.held_id is not None:
            held = await self.store.get_held(alert.held_id)
            text = held.text if held else None
        elif alert.message_seq is not None:
            message = await self.store.get_message(alert.room_id, alert.message_seq)
            text = message.text if message and not message.deleted else None
        state = await self.room_state(alert.room_id)
        evidence = self._evidence(assess(text, Context(room_kind=state.kind.value))) if text else []
        return p.alert_dict(alert, evidence)

    async def alerts(self, actor: User, open_only: bool) -> list[dict[str, Any]]:
        rooms = await self._facilitated_rooms(actor)
        return [await self.alert_view(a) for a in await self.store.list_alerts(rooms, open_only)]

    # ---- reports -----------------------------------------------------------------------

    async def report(self, user: User, frame: p.ReportFrame) -> Report:
        await self.chat.member(user, frame.room)
        message = await self.store.get_message(frame.room, frame.message)
        if message is None:
            raise NotFound("no such message")
        report = await self.store.create_report(
            frame.room, frame.message, user.id, frame.reason, self.chat.clock()
        )
        author = report.author.id if report.author is not None else None
        await self._to_staff(frame.room, p.report_frame(report), moderators=True, about=author)
        await self.chat.audit(
            user,
            "report.open",
            subject_type="message",
            subject_id=frame.message,
            room_id=frame.room,
            detail={"report": report.id},
        )
        return report

    async def reports(self, actor: User, open_only: bool) -> list[Report]:
        """The reports of the rooms the actor moderates; a trusted alum's list leaves out
        reports of their own messages (see `_to_staff`)."""
        facilitated = set(await self._facilitated_rooms(actor))
        return [
            r
            for r in await self.store.list_reports(await self._moderated_rooms(actor), open_only)
            if r.room_id in facilitated or r.author is None or r.author.id != actor.id
        ]

    # ---- permission ---------------------------------------------------------------------

    async def _facilitator(self, actor: User, room: int) -> Membership:
        """The actor facilitates this room, or the answer is no."""
        membership = await self.chat.member(actor, room)
        if membership.role is not Role.FACILITATOR:
            raise Forbidden("only this room's facilitators can do that")
        return membership

    async def _moderator(self, actor: User, room: int, subject: int | None = None) -> Membership:
        """The actor facilitates this room, or moderates it as a trusted alum: the
        lighter actions (remove a message, timed mute, reports, the hold queue), and in
        alumni rooms only. ``subject``: the person the action is about (whose message,
        whose mute); a trusted alum is never the judge of their own words or mute."""
        membership = await self.chat.member(actor, room)
        if membership.role is Role.FACILITATOR:
            return membership
        if membership.moderator and (await self.room_state(room)).kind is RoomKind.ALUMNI:
            if subject == actor.id:
                raise Forbidden("a facilitator decides about your own messages and mutes")
            return membership
        raise Forbidden("only this room's facilitators can do that")

    async def member_states(self, actor: User, room: int) -> dict[int, dict[str, Any]] | None:
        """What someone acting on a member sees first, so they are offered only what
        applies: for those who can lift a mute, who is muted here and until when; for the
        room's facilitators, also whose account is suspended. None for anyone else."""
        try:
            mine = await self._moderator(actor, room)
        except (Forbidden, NotMember):  # a member, or an admin reading under break-glass
            return None
        mutes = await self.store.room_mutes(room, self.chat.clock())
        states: dict[int, dict[str, Any]] = {}
        for member, _role in await self.store.room_members(room):
            until = mutes.get(member.id)
            state: dict[str, Any] = {"muted_until": _when(until) if until is not None else None}
            if mine.role is Role.FACILITATOR:
                state["suspended"] = member.suspended
            states[member.id] = state
        return states

    async def _moderated_rooms(self, actor: User) -> list[int]:
        """Rooms where the actor handles reports and holds: facilitated, or alumni rooms
        they moderate."""
        memberships = await self.store.memberships(actor.id)
        return [
            m.room_id
            for m in memberships.values()
            if m.role is Role.FACILITATOR or (m.moderator and m.role is Role.ALUM)
        ]

    async def _facilitated_rooms(self, actor: User) -> list[int]:
        memberships = await self.store.memberships(actor.id)
        return [m.room_id for m in memberships.values() if m.role is Role.FACILITATOR]

    # ---- actions -------------------------------------------------------------------------

    async def moderate(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        """Carry out one facilitator action; returns fields for the `done` answer."""
        if not actor.role.is_staff and not await self._moderated_rooms(actor):
            # Before any look-up: a member who moderates nothing must not learn, from
            # which error comes back, whether a hold, alert or report id exists.
            raise Forbidden("only facilitators can do that")
        handler = getattr(self, "_do_" + frame.action.value)
        result: dict[str, Any] = await handler(actor, frame)
        return result

    async def _audit_action(
        self,
        actor: User,
        frame: p.ModerateFrame,
        *,
        room: int | None,
        subject_type: str | None = None,
        subject_id: int | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        detail: dict[str, object] = {"reason": frame.reason} if frame.reason else {}
        if frame.note:
            detail["note"] = frame.note
        detail.update(extra or {})
        await self.chat.audit(
            actor,
            "moderate." + frame.action.value,
            subject_type=subject_type,
            subject_id=subject_id,
            room_id=room,
            detail=detail,
        )

    async def _member_of(self, room: int, user_id: int) -> Membership:
        membership = await self.store.membership(room, user_id)
        if membership is None:
            raise NotFound("that person is not a member of this room")
        return membership

    async def _do_remove(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        assert frame.room is not None and frame.message is not None
        message = await self.store.get_message(frame.room, frame.message)
        author = message.author.id if message is not None else None
        mine = await self._moderator(actor, frame.room, author)
        if mine.role is not Role.FACILITATOR:
            if author is not None and author in await self.staff_of(frame.room):
                raise Forbidden("only staff can remove a staff member's message")
        event = await self.store.remove_message(
            frame.room, frame.message, actor.id, frame.reason, self.chat.clock()
        )
        if author is not None and author != actor.id:
            # The room sees a tombstone; the author alone hears why.
            self._tell(
                author,
                p.notice_frame(
                    "message_removed",
                    room=frame.room,
                    message=frame.message,
                    reason=frame.reason or None,
                ),
            )
        await self._audit_action(
            actor, frame, room=frame.room, subject_type="message", subject_id=frame.message
        )
        return {"seq": event.seq}

    async def _do_mute(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        assert frame.room is not None and frame.user is not None and frame.minutes is not None
        mine = await self._moderator(actor, frame.room, frame.user)
        target = await self._member_of(frame.room, frame.user)
        if target.role is Role.FACILITATOR:
            raise Forbidden("facilitators cannot be muted")
        if target.moderator and mine.role is not Role.FACILITATOR:
            raise Forbidden("only staff can mute an alumni moderator")
        until = self.chat.clock() + frame.minutes * 60
        await self.store.set_mute(frame.room, frame.user, until, frame.reason or None)
        self.chat.forget_member(frame.room, frame.user)
        self._tell(
            frame.user,
            p.notice_frame(
                "muted", room=frame.room, until=_when(until), reason=frame.reason or None
            ),
        )
        await self._audit_action(
            actor,
            frame,
            room=frame.room,
            subject_type="user",
            subject_id=frame.user,
            extra={"minutes": frame.minutes},
        )
        return {"until": _when(until)}

    async def _do_unmute(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        assert frame.room is not None and frame.user is not None
        await self._moderator(actor, frame.room, frame.user)
        target = await self._member_of(frame.room, frame.user)
        if not _muted_now(target, self.chat.clock()):
            # No "you can post again" to someone who never stopped, nor an audit entry.
            raise Conflict("that member is not muted in this room")
        await self.store.set_mute(frame.room, frame.user, None, None)
        self.chat.forget_member(frame.room, frame.user)
        self._tell(frame.user, p.notice_frame("unmuted", room=frame.room))
        await self._audit_action(
            actor, frame, room=frame.room, subject_type="user", subject_id=frame.user
        )
        return {}

    async def _do_remove_member(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        assert frame.room is not None and frame.user is not None
        await self._facilitator(actor, frame.room)
        target = await self._member_of(frame.room, frame.user)
        if target.role is Role.FACILITATOR:
            raise Forbidden("an admin changes who facilitates a room")
        await self.store.remove_member(frame.room, frame.user)
        self.chat.forget_member(frame.room, frame.user)
        self._tell(
            frame.user,
            p.notice_frame("removed_from_room", room=frame.room, reason=frame.reason or None),
        )
        self.chat.bus.leave(frame.user, frame.room)
        self.chat.announce_presence(frame.room)
        await self._audit_action(
            actor, frame, room=frame.room, subject_type="user", subject_id=frame.user
        )
        return {}

    async def _suspendable(self, actor: User, frame: p.ModerateFrame) -> User:
        """The account to suspend or reinstate: an admin's choice, or a client of a room
        the facilitator facilitates."""
        assert frame.user is not None
        target = await self.store.get_user(frame.user)
        if target is None:
            raise NotFound("no such account")
        if actor.role is not Role.ADMIN:
            shared = set(await self._facilitated_rooms(actor)) & set(
                await self.store.memberships(target.id)
            )
            if not shared or target.role.is_staff:
                raise Forbidden("you can suspend only members of the rooms you facilitate")
        return target

    async def _do_suspend(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        target = await self._suspendable(actor, frame)
        if target.suspended:
            raise Conflict("that account is already suspended")
        ended = await self.store.set_suspended(target.id, True)
        self.chat.bus.end_sessions(ended, CLOSE_SESSION_ENDED, "account suspended")
        await self._audit_action(actor, frame, room=None, subject_type="user", subject_id=target.id)
        return {}

    async def _do_unsuspend(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        """A suspension is not forever: the person can sign in again."""
        target = await self._suspendable(actor, frame)
        if not target.suspended:
            raise Conflict("that account is not suspended")
        await self.store.set_suspended(target.id, False)  # no session to tell: none survived
        await self._audit_action(actor, frame, room=None, subject_type="user", subject_id=target.id)
        return {}

    async def _set_room(self, actor: User, frame: p.ModerateFrame, **change: Any) -> RoomState:
        assert frame.room is not None
        await self._facilitator(actor, frame.room)
        state = await self.store.set_room_state(frame.room, **change)
        self.chat.forget_room(frame.room)
        self.chat.bus.publish(frame.room, p.room_state_frame(state))
        await self._audit_action(actor, frame, room=frame.room, extra=dict(change))
        return state

    async def _do_lock(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        await self._set_room(actor, frame, locked=True)
        return {}

    async def _do_unlock(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        await self._set_room(actor, frame, locked=False)
        return {}

    async def _do_slow_mode(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        await self._set_room(actor, frame, slow_mode_seconds=frame.seconds)
        return {}

    async def _held_for(self, actor: User, held_id: int) -> Held:
        held = await self.store.get_held(held_id)
        if held is None:
            raise NotFound("no such message waiting for review")
        if _waiting_crisis(held):
            await self._facilitator(actor, held.room_id)
        else:
            await self._moderator(actor, held.room_id, held.author.id)
        return held

    async def _do_approve(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        assert frame.held is not None
        held = await self._held_for(actor, frame.held)
        held, event = await self.store.approve_held(held.id, actor.id, self.chat.clock())
        await self._decided(actor, held)
        self._tell(
            held.author.id,
            p.notice_frame("approved", room=held.room_id, client_id=held.client_id, seq=event.seq),
        )
        await self._audit_action(
            actor,
            frame,
            room=held.room_id,
            subject_type="user",
            subject_id=held.author.id,
            extra={"held": held.id},
        )
        return {"seq": event.seq}

    async def _do_reject(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        assert frame.held is not None
        held = await self._held_for(actor, frame.held)
        held = await self.store.reject_held(held.id, actor.id, frame.note, self.chat.clock())
        await self._decided(actor, held)
        self._tell(
            held.author.id,
            p.notice_frame(
                "rejected", room=held.room_id, client_id=held.client_id, note=frame.note or None
            ),
        )
        await self._audit_action(
            actor,
            frame,
            room=held.room_id,
            subject_type="user",
            subject_id=held.author.id,
            extra={"held": held.id},
        )
        return {}

    async def _do_acknowledge_alert(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        assert frame.alert is not None
        alert = await self.store.get_alert(frame.alert)
        if alert is None:
            raise NotFound("no such alert")
        await self._facilitator(actor, alert.room_id)
        alert = await self.store.acknowledge_alert(alert.id, actor.id, self.chat.clock())
        # Every facilitator's list updates, so two people do not answer the same alarm.
        await self._to_staff(alert.room_id, p.alert_frame(alert, []))
        if alert.kind is AlertKind.HELP:
            # Someone who asked for help hears that a person saw it.
            self._tell(
                alert.subject.id,
                p.notice_frame(
                    "help_seen", room=alert.room_id, alert=alert.id, by=actor.display_name
                ),
            )
        await self._audit_action(
            actor, frame, room=alert.room_id, subject_type="alert", subject_id=alert.id
        )
        return {}

    async def _do_handle_report(self, actor: User, frame: p.ModerateFrame) -> dict[str, Any]:
        assert frame.report is not None and frame.state is not None
        report = await self.store.get_report(frame.report)
        if report is None:
            raise NotFound("no such report")
        reported = await self.store.get_message(report.room_id, report.message_seq)
        await self._moderator(
            actor, report.room_id, reported.author.id if reported is not None else None
        )
        report = await self.store.set_report_state(
            report.id, ReportState(frame.state), actor.id, frame.note, self.chat.clock()
        )
        self._tell(
            report.reporter.id,
            p.notice_frame(
                "report_handled",
                room=report.room_id,
                report=report.id,
                state=report.state.value,
                note=frame.note or None,
            ),
        )
        await self._audit_action(
            actor,
            frame,
            room=report.room_id,
            subject_type="report",
            subject_id=report.id,
            extra={"state": frame.state},
        )
        return {}

    # ---- staff views (REST) ----------------------------------------------------------------

    async def held(self, actor: User, room: int) -> list[Held]:
        mine = await self._moderator(actor, room)
        held = await self.store.list_held(room)
        if mine.role is Role.FACILITATOR:
            return held
        # A trusted alum: neither a crisis (staff alone) nor their own words (see _to_staff).
        return [h for h in held if not _waiting_crisis(h) and h.author.id != actor.id]

    async def set_policy(self, actor: User, room: int, mapping: dict[str, str]) -> Policy:
        if actor.role is not Role.ADMIN:
            await self._facilitator(actor, room)
        elif await self.store.room_state(room) is None:
            raise NotMember()
        try:
            policy = Policy.from_mapping(mapping, await self.policy(room))
        except ValueError as err:
            raise ProtocolError(str(err)) from None
        overrides = {
            k: v for k, v in policy.to_mapping().items() if DEFAULT_POLICY.to_mapping()[k] != v
        }
        await self.store.set_room_state(room, policy=overrides)
        self.chat.forget_room(room)
        await self.chat.audit(actor, "policy.change", room_id=room, detail=policy.to_mapping())
        return policy

    async def room_policy(self, actor: User, room: int) -> Policy:
        if actor.role is not Role.ADMIN:
            await self.chat.member(actor, room)
        return await self.policy(room)

    async def original(self, actor: User, room: int, seq: int) -> dict[str, Any]:
        """What a removed message said, for the room's facilitators."""
        await self._facilitator(actor, room)
        message = await self.store.get_message(room, seq)
        if message is None:
            raise NotFound("no such message")
        if message.text is None:
            raise NotFound("the author deleted this message; its text is gone")
        await self.chat.audit(
            actor, "message.read_original", subject_type="message", subject_id=seq, room_id=room
        )
        return {"seq": seq, "text": message.text, "removed": message.removed}

    async def audit_log(self, actor: User, room: int | None, limit: int) -> list[AuditEntry]:
        if actor.role is Role.ADMIN:
            return await self.store.audit_entries(None if room is None else [room], limit)
        rooms = await self._facilitated_rooms(actor)
        if room is not None:
            if room not in rooms:
                raise Forbidden("you can read the log of the rooms you facilitate")
            rooms = [room]
        if actor.role is not Role.FACILITATOR:
            raise Forbidden("only staff read the audit log")
        return await self.store.audit_entries(rooms, limit)

    # ---- delivery to one person -------------------------------------------------------------

    async def _to_staff(
        self, room: int, frame: str, *, moderators: bool = False, about: int | None = None
    ) -> None:
        """To the room's facilitators only (and its alumni moderators, for the hold
        queue and reports), on every socket they have open. `about`: whose words the
        item is about; a trusted alum never hears of their own (they cannot judge it,
        and a report would tell them who reported them)."""
        staff = await self.staff_of(room)
        if moderators:
            peers = await self.store.room_moderators(room)
            staff = [*staff, *(m for m in peers if m != about)]
        self.chat.bus.tell(staff, frame)

    async def _decided(self, actor: User, held: Held) -> None:
        """A hold was decided: the queue and any alert about it close for everyone."""
        await self._to_staff(
            held.room_id,
            p.hold_frame(held),
            moderators=not _waiting_crisis(held),
            about=held.author.id,
        )
        for alert in await self.store.acknowledge_alerts_for_held(
            held.id, actor.id, self.chat.clock()
        ):
            await self._to_staff(held.room_id, p.alert_frame(alert, []))

    def tell(self, user_id: int, frame: str) -> None:
        """A frame for one person, on every socket they have open."""
        self._tell(user_id, frame)

    def _tell(self, user_id: int, frame: str) -> None:
        self.chat.bus.tell([user_id], frame)
