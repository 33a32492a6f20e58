"""Routine and accountability: daily check-ins, a room's schedule, reminders, quiet
members and sobriety milestones.

Owns: `Routine`, which `Chat` builds and the edges call. Every read and write checks
membership and role on the server, in the room it concerns; any room kind works
(cohorts and alumni rooms alike). Check-in text is screened by the same
`Facilitation.assess` and policy as a message, and raises the same alerts. Cards in the
room (a shared check-in, a milestone, a schedule change) go through the room log, so
they are ordered, replayed on resume and can be reacted to. The maths (time zones,
DST, series, streaks, milestones) lives in the pure `schedule` module.

May import: moderation, schedule, chat's collaborators (store, facilitation),
protocol, models, errors.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from moderation import Action, Assessment, Evidence, Label, decide

from . import schedule as sched
from .errors import Code, Forbidden, HearthError, NotFound, ProtocolError
from .models import CheckIn, MemberActivity, Role, ScheduleChangeRow, User, iso
from .store import Membership

if TYPE_CHECKING:
    from .chat import Chat

NOTE_CHARS = 500
# A craving this high is worth a facilitator's reach-out even without a word said:
# the same non-urgent alert a message about relapse risk raises.
HIGH_CRAVING = 8
LOW_MOOD = 1
SERIES_DAYS = 30
QUIET_DAYS_DEFAULT = 3
DEFAULT_ZONE = "UTC"


def _note(text: str) -> str:
    text = unicodedata.normalize("NFC", text.strip())
    if len(text) > NOTE_CHARS:
        raise HearthError(
            f"a check-in note is at most {NOTE_CHARS} characters", code=Code.TEXT_TOO_LONG
        )
    return text


def _bad(err: sched.ScheduleError) -> ProtocolError:
    return ProtocolError(str(err))


def _ts(moment: datetime) -> float:
    return moment.timestamp()


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def parse_instant(raw: str) -> datetime:
    """An ISO 8601 instant with a zone (`Z` or an offset), to the second."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ProtocolError("a time is ISO 8601 with a zone, e.g. 2026-11-27T23:00:00Z") from None
    if moment.tzinfo is None:
        raise ProtocolError("a time needs its zone, e.g. 2026-11-27T23:00:00Z")
    return moment.astimezone(UTC).replace(microsecond=0)


class Routine:
    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.store = chat.store
        # Milestone cards already posted by this process: the sweep asks every half
        # minute, and the store would answer "duplicate" but still spend a commit.
        self._celebrated: set[str] = set()

    # ---- who may ---------------------------------------------------------------------

    async def _member(self, user: User, room: int) -> Membership:
        return await self.chat.member(user, room)

    async def _facilitator(self, user: User, room: int) -> Membership:
        """Staff of that very room: its facilitators (an admin is not in the room)."""
        membership = await self.chat.member(user, room)
        if membership.role is not Role.FACILITATOR:
            raise Forbidden("only this room's facilitators can see that")
        return membership

    async def _participant(self, user: User, room: int, *, writing: bool = False) -> Membership:
        """A member who checks in and celebrates: a client or an alum, not staff.
        ``writing``: they add something to the room, so it must not have ended for them."""
        membership = await self.chat.member(user, room)
        if membership.role is Role.FACILITATOR or user.role.is_staff:
            raise Forbidden("check-ins and milestones are for the group's members")
        if writing:
            self.chat.refuse_if_ended(membership)
        return membership

    async def time_zone(self, room: int) -> str:
        row = await self.store.get_schedule(room)
        return row.time_zone if row else DEFAULT_ZONE

    def _now(self) -> float:
        return self.chat.clock()

    # ---- check-ins --------------------------------------------------------------------

    async def check_in(
        self,
        user: User,
        room: int,
        *,
        mood: int,
        craving: int,
        on_plan: bool,
        note: str,
        shared: bool,
    ) -> dict[str, Any]:
        """Record today's check-in; share a card with the room or keep it for staff.

        The note is screened like a message: what a room's policy would block is not
        saved (`blocked`); what it would hold is kept for facilitators only; alerts go
        to the facilitators as for a message, and a crisis shows the member 988.

        Raises:
            HearthError: `invalid_field`, `text_too_long`, `blocked`, `conflict` (already
                checked in today), `rate_limited`, `room_locked` (the group has ended for
                them), `not_member`, `forbidden`.
        """
        membership = await self._participant(user, room, writing=True)
        if not 1 <= mood <= 5:
            raise ProtocolError("'mood' is 1 (very low) to 5 (very good)")
        if not 0 <= craving <= 10:
            raise ProtocolError("'craving' is 0 (none) to 10 (overwhelming)")
        note = _note(note)
        await self.chat.take_send(user)
        # The room's limits (its agreement, a mute, a lock, slow mode) are about what
        # reaches the room: a check-in they refuse is kept for the facilitators instead,
        # screened and alerted on as ever, so nobody's check-in is lost to them.
        room_refused: HearthError | None = None
        if shared:
            try:
                await self.chat.check_room_limits(user, membership, room, posting=True)
            except HearthError as refused:
                room_refused = refused
        facilitation = self.chat.facilitation
        assessment = (await facilitation.assess(room, note))[0] if note else Assessment()
        # The craving may add a label the words alone did not earn; the room's policy
        # then decides on the whole, as it would for a message.
        assessment = self._with_values(assessment, mood, craving)
        decision = decide(assessment, await facilitation.policy(room))
        now = self._now()
        tz = await self.time_zone(room)
        day = sched.local_day(now, tz).isoformat()
        labels = sorted(label.value for label in assessment.labels)
        if decision.action is Action.block:
            await facilitation.alert_checkin(room, user, False, assessment, None, None)
            raise HearthError(
                facilitation.why(assessment, decision.alert_labels)
                + " Your check-in was not saved; a facilitator has been told.",
                code=Code.BLOCKED,
            )
        held = shared and (decision.action is Action.hold or room_refused is not None)
        to_room = shared and not held
        card = (
            {"kind": "checkin", "day": day, "mood": mood, "craving": craving, "on_plan": on_plan}
            if to_room
            else None
        )
        checkin, event = await self.store.add_checkin(
            room, user, day, (mood, craving, on_plan), note, to_room, labels, card, now
        )
        if decision.alerts:
            await facilitation.alert_checkin(
                room,
                user,
                decision.urgent,
                assessment,
                event.seq if event else None,
                checkin.id,
            )
        result: dict[str, Any] = {"checkin": self.checkin_dict(checkin, with_note=True)}
        if room_refused is not None:
            result["kept_private"] = (
                room_refused.message[:1].upper()
                + room_refused.message[1:].rstrip(".")
                + ". Your check-in was kept for facilitators only."
            )
        elif held:
            result["kept_private"] = facilitation.why(assessment, decision.alert_labels) + (
                " Your check-in was kept for facilitators only."
            )
        if decision.urgent:
            # Exactly what a crisis message shows: the notice on every socket of the
            # author, and the same resources in the answer.
            frame = facilitation.crisis_help(room)
            facilitation.tell(user.id, frame)
            result["crisis_help"] = json.loads(frame)["resources"]
        # Like a message, a check-in is not an audited action; its alerts are.
        return result

    @staticmethod
    def _with_values(assessment: Assessment, mood: int, craving: int) -> Assessment:
        labels = set(assessment.labels)
        evidence = list(assessment.evidence)
        if craving >= HIGH_CRAVING and Label.relapse_risk not in labels:
            labels.add(Label.relapse_risk)
            evidence.append(
                Evidence(Label.relapse_risk, "checkin.high_craving", f"craving {craving}/10")
            )
        if mood <= LOW_MOOD and labels & {Label.relapse_risk, Label.crisis}:
            evidence.append(Evidence(Label.relapse_risk, "checkin.low_mood", f"mood {mood}/5"))
        return replace(assessment, labels=frozenset(labels), evidence=tuple(evidence))

    @staticmethod
    def checkin_dict(c: CheckIn, *, with_note: bool) -> dict[str, Any]:
        return {
            "id": c.id,
            "user": {"id": c.user.id, "name": c.user.name},
            "day": c.day,
            "mood": c.mood,
            "craving": c.craving,
            "on_plan": c.on_plan,
            "note": c.note if with_note else None,
            "shared": c.shared,
            "message": c.message_seq,
            "at": iso(c.created_at),
        }

    @staticmethod
    def _series(checkins: list[CheckIn], today: date) -> list[dict[str, Any]]:
        by_day = {date.fromisoformat(c.day): (c.mood, c.craving, c.on_plan) for c in checkins}
        return [
            {"day": p.day.isoformat(), "mood": p.mood, "craving": p.craving, "on_plan": p.on_plan}
            for p in sched.series(by_day, today, SERIES_DAYS)
        ]

    async def my_checkins(self, user: User, room: int) -> dict[str, Any]:
        """A member's own 30 days: the chart's series, streak, and today's check-in."""
        await self._participant(user, room)
        tz = await self.time_zone(room)
        today = sched.local_day(self._now(), tz)
        since = today - timedelta(days=SERIES_DAYS - 1)
        mine = await self.store.checkins(room, user.id, since.isoformat())
        days = [date.fromisoformat(c.day) for c in mine]
        todays = next((c for c in mine if c.day == today.isoformat()), None)
        return {
            "room": room,
            "time_zone": tz,
            "today": today.isoformat(),
            "checked_in_today": todays is not None,
            "checkin": None if todays is None else self.checkin_dict(todays, with_note=True),
            "streak": sched.streak(days, today),
            "days_checked_in": len(set(days)),
            "series": self._series(mine, today),
        }

    async def overview(self, actor: User, room: int) -> dict[str, Any]:
        """For the room's facilitators: who checked in today, and each member's trend."""
        await self._facilitator(actor, room)
        tz = await self.time_zone(room)
        now = self._now()
        today = sched.local_day(now, tz)
        since = today - timedelta(days=SERIES_DAYS - 1)
        every = await self.store.checkins(room, None, since.isoformat())
        members = []
        for m in await self.store.member_activity(room):
            if m.role is Role.FACILITATOR:
                continue
            theirs = [c for c in every if c.user.id == m.user.id]
            todays = next((c for c in theirs if c.day == today.isoformat()), None)
            members.append(
                {
                    "user": {"id": m.user.id, "name": m.user.name},
                    "checked_in_today": todays is not None,
                    "checkin": None
                    if todays is None
                    else self.checkin_dict(todays, with_note=True),
                    "streak": sched.streak([date.fromisoformat(c.day) for c in theirs], today),
                    "series": self._series(theirs, today),
                    **self._activity(m, now),
                }
            )
        await self.chat.audit(actor, "checkins.view", room_id=room)
        return {"room": room, "time_zone": tz, "today": today.isoformat(), "members": members}

    @staticmethod
    def _activity(m: MemberActivity, now: float) -> dict[str, Any]:
        last = max(t for t in (m.joined_at, m.last_post, m.last_checkin) if t is not None)
        return {
            "last_active": iso(_utc(last)),
            "quiet_days": sched.quiet_days(last, now),
            "last_post": iso(_utc(m.last_post)) if m.last_post else None,
            "last_checkin": iso(_utc(m.last_checkin)) if m.last_checkin else None,
        }

    async def quiet(self, actor: User, room: int, days: int) -> dict[str, Any]:
        """Members who have neither posted nor checked in for `days` days (counted from
        when they joined if they never have): a gentle reach-out list for the room's
        staff only. Any room kind."""
        await self._facilitator(actor, room)
        now = self._now()
        quiet = []
        for m in await self.store.member_activity(room):
            if m.role is Role.FACILITATOR:
                continue
            activity = self._activity(m, now)
            if activity["quiet_days"] >= days:
                quiet.append({"user": {"id": m.user.id, "name": m.user.name}, **activity})
        quiet.sort(key=lambda q: -q["quiet_days"])
        await self.chat.audit(actor, "quiet.view", room_id=room, detail={"days": days})
        return {"room": room, "days": days, "members": quiet}

    # ---- schedule ---------------------------------------------------------------------

    async def _schedule(self, room: int) -> sched.Schedule | None:
        row = await self.store.get_schedule(room)
        if row is None:
            return None
        return sched.parse_schedule(row.time_zone, json.loads(row.sessions))

    @staticmethod
    def _change(row: ScheduleChangeRow) -> sched.Change:
        return sched.Change(
            id=row.id,
            occurrence=_utc(row.occurrence_at),
            kind=sched.ChangeKind(row.kind),
            new_start=None if row.new_start is None else _utc(row.new_start),
            note=row.note,
        )

    @staticmethod
    def _occurrence_dict(o: sched.Occurrence, tz: str) -> dict[str, Any]:
        local = o.start.astimezone(sched.zone(tz))
        return {
            "start": iso(o.start),
            "end": iso(o.end),
            "local_start": local.isoformat(timespec="minutes"),
            "place": o.place,
            "original_start": iso(o.original_start),
            "cancelled": o.cancelled,
            "moved": o.change is not None and o.change.kind is sched.ChangeKind.MOVED,
            "note": o.change.note if o.change else None,
        }

    @staticmethod
    def _change_dict(c: sched.Change) -> dict[str, Any]:
        return {
            "id": c.id,
            "occurrence": iso(c.occurrence),
            "kind": c.kind.value,
            "new_start": iso(c.new_start),
            "note": c.note,
        }

    async def schedule(self, user: User, room: int) -> dict[str, Any]:
        """The room's schedule as its members see it: sessions, what is next, pinned
        changes, and this member's reminder."""
        await self._member(user, room)
        now = _utc(self._now())
        found = await self._schedule(room)
        reminder = await self.store.get_reminder(room, user.id)
        if found is None:
            return {
                "room": room,
                "time_zone": None,
                "sessions": [],
                "next": None,
                "upcoming": [],
                "changes": [],
                "reminder": {"minutes_before": reminder, "next_at": None},
            }
        longest = max((s.duration_minutes for s in found.sessions), default=0)
        since = _ts(now - timedelta(minutes=longest))
        changes = [self._change(r) for r in await self.store.schedule_changes(room, since)]
        nxt = sched.next_session(found, changes, now)
        upcoming = sched.upcoming(found, changes, now, count=4)
        reminder_at = (
            sched.next_reminder(found, changes, now, reminder) if reminder is not None else None
        )
        return {
            "room": room,
            "time_zone": found.time_zone,
            "sessions": [sched.session_dict(s) for s in found.sessions],
            "next": None if nxt is None else self._occurrence_dict(nxt, found.time_zone),
            "upcoming": [self._occurrence_dict(o, found.time_zone) for o in upcoming],
            "changes": [self._change_dict(c) for c in sched.pinned(changes, found, now)],
            "reminder": {"minutes_before": reminder, "next_at": iso(reminder_at)},
        }

    @staticmethod
    def parse_schedule(raw: Mapping[str, object]) -> tuple[str, str]:
        """`{time_zone, sessions}` from a request, as the store keeps it (zone, JSON).

        Raises:
            ProtocolError: anything that cannot be a schedule, saying what.
        """
        unknown = set(raw) - {"time_zone", "sessions"}
        if unknown:
            raise ProtocolError(f"unexpected field '{sorted(unknown)[0]}' in a schedule")
        time_zone, sessions = raw.get("time_zone"), raw.get("sessions", [])
        if not isinstance(time_zone, str) or not isinstance(sessions, list):
            raise ProtocolError("a schedule is {time_zone: an IANA zone, sessions: a list}")
        try:
            parsed = sched.parse_schedule(time_zone, sessions)
        except sched.ScheduleError as err:
            raise _bad(err) from None
        return parsed.time_zone, json.dumps([sched.session_dict(s) for s in parsed.sessions])

    async def set_schedule(
        self, actor: User, room: int, time_zone: str, sessions: list[Any]
    ) -> dict[str, Any]:
        await self._facilitator(actor, room)
        zone, weekly = self.parse_schedule({"time_zone": time_zone, "sessions": sessions})
        await self.store.set_schedule(room, zone, weekly, actor.id, self._now())
        await self.chat.audit(
            actor,
            "schedule.set",
            room_id=room,
            detail={"time_zone": zone, "sessions": len(sessions)},
        )
        return await self.schedule(actor, room)

    async def change_session(
        self,
        actor: User,
        room: int,
        occurrence: str,
        kind: str,
        new_start: str | None,
        note: str,
    ) -> dict[str, Any]:
        """A one-off change (moved or cancelled), posted to the room as a card and pinned
        until that session has passed."""
        await self._facilitator(actor, room)
        found = await self._schedule(room)
        if found is None:
            raise NotFound("this room has no schedule yet")
        try:
            change_kind = sched.ChangeKind(kind)
        except ValueError:
            raise ProtocolError("'kind' is moved or cancelled") from None
        when = parse_instant(occurrence)
        now = _utc(self._now())
        if not sched.is_occurrence(found, when):
            raise NotFound("no session of this schedule starts at that time")
        if when <= now:
            raise ProtocolError("that session has already started")
        moved: datetime | None = None
        if change_kind is sched.ChangeKind.MOVED:
            if new_start is None:
                raise ProtocolError("'new_start' is required for a moved session")
            moved = parse_instant(new_start)
            if moved <= now:
                raise ProtocolError("a session can only move to a time still to come")
        elif new_start is not None:
            raise ProtocolError("a cancelled session has no 'new_start'")
        note = " ".join(note.split())
        if len(note) > sched.NOTE_CHARS:
            raise ProtocolError(f"a note is at most {sched.NOTE_CHARS} characters")
        card = {
            "kind": "schedule_change",
            "change": change_kind.value,
            "occurrence": iso(when),
            "new_start": iso(moved),
            "time_zone": found.time_zone,
        }
        row, _event = await self.store.add_schedule_change(
            room,
            actor,
            _ts(when),
            change_kind.value,
            None if moved is None else _ts(moved),
            note,
            card,
            self._now(),
        )
        await self.chat.audit(
            actor,
            "schedule.change",
            room_id=room,
            detail={"kind": change_kind.value, "occurrence": iso(when)},
        )
        return self._change_dict(self._change(row))

    async def set_reminder(self, user: User, room: int, minutes: int | None) -> dict[str, Any]:
        await self._member(user, room)
        if minutes is not None and minutes not in sched.REMINDER_CHOICES:
            raise ProtocolError(
                "'minutes_before' is one of " + ", ".join(map(str, sched.REMINDER_CHOICES))
            )
        await self.store.set_reminder(room, user.id, minutes)
        return (await self.schedule(user, room))["reminder"]  # type: ignore[no-any-return]

    # ---- milestones -------------------------------------------------------------------

    async def sobriety(self, user: User) -> dict[str, Any]:
        """The member's own date and the rooms they celebrate in; nobody else reads it."""
        since = await self.store.get_sobriety_date(user.id)
        return {"since": since, "rooms": await self.store.milestone_rooms(user.id)}

    async def set_sobriety(self, user: User, since: str | None) -> dict[str, Any]:
        if user.role.is_staff:
            raise Forbidden("sobriety dates are for the group's members")
        if since is not None:
            today = sched.local_day(self._now(), "Pacific/Kiritimati")  # the earliest today
            try:
                sched.parse_date(since, today)
            except sched.ScheduleError as err:
                raise _bad(err) from None
        await self.store.set_sobriety_date(user.id, since)
        # Never the date itself: it is theirs alone.
        await self.chat.audit(user, "sobriety.set", detail={"set": since is not None})
        await self.celebrate(user_id=user.id)
        return await self.sobriety(user)

    async def share_milestones(self, user: User, room: int, share: bool) -> dict[str, Any]:
        """Consent, for this room, to celebrate this member's milestones there."""
        await self._participant(user, room, writing=share)
        await self.store.set_milestone_share(room, user.id, share)
        await self.chat.audit(user, "milestones.share", room_id=room, detail={"share": share})
        if share:
            await self.celebrate(room=room, user_id=user.id)
        return await self.milestones(user, room)

    async def milestones(self, user: User, room: int) -> dict[str, Any]:
        """This member's milestone status in a room (for their own screen)."""
        await self._member(user, room)
        since = await self.store.get_sobriety_date(user.id)
        tz = await self.time_zone(room)
        today = sched.local_day(self._now(), tz)
        upcoming = None
        if since is not None:
            start = date.fromisoformat(since)
            for ahead in range(0, 400):
                day = today + timedelta(days=ahead)
                found = sched.milestone_on(start, day)
                if found is not None:
                    upcoming = {"day": day.isoformat(), "label": found.label, "key": found.key}
                    break
        return {
            "room": room,
            "since": since,
            "shared": room in await self.store.milestone_rooms(user.id),
            "days": None if since is None else (today - date.fromisoformat(since)).days,
            "next": upcoming,
        }

    async def celebrate(self, *, room: int | None = None, user_id: int | None = None) -> int:
        """Post today's milestone cards (today in each room's time zone) for members who
        consented in that room; returns how many were new. Idempotent: a card's
        `client_id` names the milestone, so running this again posts nothing twice."""
        posted = 0
        now = self._now()
        for share in await self.store.milestone_shares(room):
            if user_id is not None and share.user.id != user_id:
                continue
            today = sched.local_day(now, share.time_zone or DEFAULT_ZONE)
            found = sched.milestone_on(date.fromisoformat(share.since), today)
            if found is None:
                continue
            # Named by the day, not the date: the card must not carry the date itself.
            client_id = f"milestone:{found.key}:{today.isoformat()}"
            done = f"{share.room_id}:{share.user.id}:{client_id}"
            if done in self._celebrated:
                continue
            card = {"kind": "milestone", "key": found.key, "label": found.label}
            result = await self.store.add_card(share.room_id, share.user, client_id, "", card, now)
            self._celebrated.add(done)
            posted += 0 if result.duplicate else 1
        return posted
