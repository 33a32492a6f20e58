"""Discharge and the alumni network: leaving a cohort, staying connected after it.

Owns: `Alumni`, which `Chat` builds and the edges call: discharging a client (with an
outcome and a staff-only note), the cohort's read-only grace period and its end,
closing a cohort, re-admission, consent to the alumni network (versioned, withdrawable),
alumni rooms (created by admins, open to consenting alumni or by invitation), alumni
moderators, and a member muting a room for themselves. Every staff action is audited,
never with the note's text. No aiohttp. May import: chat's collaborators (store, hub,
bus), moderation, protocol, models, errors.

Alumni rooms are ordinary rooms (kind `alumni`): the same room log, hub, agreement and
moderation as a cohort, so everything built for rooms works in them unchanged.

Why an alumni moderator is a flag on a room membership and not a global role: the
trust is given by staff for one room, and the power must never reach a cohort room.
A per-room flag cannot leak: `Facilitation` accepts it only in alumni rooms, and it
goes away with the membership (leaving, withdrawing consent, re-admission).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from moderation import ALUMNI_DEFAULT_POLICY, DEFAULT_POLICY, Policy

from . import protocol as p
from .errors import Conflict, Forbidden, NotFound, NotMember, ProtocolError
from .models import (
    Alum,
    AlumniAccess,
    AlumniCategory,
    AlumniRoom,
    Cohort,
    Consent,
    ConsentDecision,
    Discharge,
    Outcome,
    Role,
    User,
    iso,
)

if TYPE_CHECKING:
    from .chat import Chat

DAY = 86_400.0
GRACE_MAX_DAYS = 90
NOTE_CHARS = 2000
DESCRIPTION_CHARS = 500

# The consent a discharged client is asked for. A new wording gets a new version; the
# version each person agreed to is recorded with their answer.
CONSENT_VERSION = 1
CONSENT_TEXT = (
    "Join the alumni network? Alumni rooms are group chats for people who finished "
    "treatment in this program, with staff present. Other alumni in the rooms you join "
    "will see your display name and what you write there. Your cohort's conversations "
    "stay with your cohort. You can leave any room, or withdraw this consent at any "
    "time from Settings; withdrawing takes you out of every alumni room."
)
ALUMNI_AGREEMENT = (
    "1. What is said here stays here.\n"
    "2. We do not talk about getting, giving or selling substances.\n"
    "3. We treat each other with respect: no insults, threats or outing anyone.\n"
    "4. We share our own experience, not advice about anyone's treatment.\n"
    '5. If you are in danger, use "I need help now" or call or text 988.'
)


class Alumni:
    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.store = chat.store
        self.hub = chat.hub

    # ---- permission ------------------------------------------------------------------

    async def _cohort(self, actor: User, cohort_id: int) -> Cohort:
        """The actor runs this cohort (or is an admin); otherwise it does not exist."""
        cohort = await self.store.get_cohort(cohort_id)
        if cohort is None or not (actor.role is Role.ADMIN or actor.id in cohort.facilitator_ids):
            raise NotFound("no such cohort")
        return cohort

    async def _alumni_room(self, user: User, room: int) -> AlumniRoom:
        found = await self.store.get_alumni_room(room, user.id)
        if found is None:
            raise NotMember()
        return found

    async def _room_staff(self, actor: User, room: int) -> AlumniRoom:
        """Admins, or the staff of this alumni room."""
        found = await self._alumni_room(actor, room)
        if actor.role is Role.ADMIN:
            return found
        membership = await self.chat.member(actor, room)
        if membership.role is not Role.FACILITATOR:
            raise Forbidden("only this room's staff can do that")
        return found

    def _tell(self, user_id: int, frame: str) -> None:
        """A frame for every open socket of this person, on every process."""
        self.chat.bus.tell([user_id], frame)

    def _left(self, user_id: int, room: int, kind: str) -> None:
        """A membership ended: the person's sockets stop hearing the room at once, on
        every process."""
        self.chat.forget_member(room, user_id)
        self._tell(user_id, p.notice_frame(kind, room=room))
        self.chat.bus.leave(user_id, room)
        self.chat.announce_presence(room)

    async def _refresh_user(self, user_id: int) -> User | None:
        """The account's role changed: open sockets carry the new one (this process's
        here, the other processes' when they read the account again)."""
        updated = await self.store.get_user(user_id)
        if updated is not None:
            self.chat.bus.user_changed(user_id)
            for conn in self.hub.connections_of(user_id):
                conn.user = updated
        return updated

    # ---- discharge --------------------------------------------------------------------

    async def roster(self, actor: User, cohort_id: int) -> dict[str, Any]:
        """The cohort's clients as staff see them: active, or read-only until when."""
        cohort = await self._cohort(actor, cohort_id)
        members = await self.store.room_members(cohort.room_id)
        access = {
            uid: m.access_until
            for uid, m in [
                (u.id, await self.store.membership(cohort.room_id, u.id))
                for u, role in members
                if role is Role.CLIENT
            ]
            if m is not None
        }
        closed = await self.store.room_closed_at(cohort.room_id)
        return {
            "cohort": cohort.id,
            "room": cohort.room_id,
            "grace_days": await self.store.cohort_grace_days(cohort.id),
            "closed_at": _iso(closed),
            "members": [
                {
                    "id": u.id,
                    "name": u.display_name,
                    "read_only_until": _iso(access.get(u.id)),
                }
                for u, role in members
                if role is Role.CLIENT and u.id in access
            ],
        }

    async def set_grace_days(self, actor: User, cohort_id: int, days: int) -> int:
        cohort = await self._cohort(actor, cohort_id)
        if not 0 <= days <= GRACE_MAX_DAYS:
            raise ProtocolError(f"a grace period is 0 to {GRACE_MAX_DAYS} days")
        await self.store.set_cohort_grace_days(cohort.id, days)
        await self.chat.audit(
            actor,
            "cohort.grace_period",
            subject_type="cohort",
            subject_id=cohort.id,
            room_id=cohort.room_id,
            detail={"days": days},
        )
        return days

    async def discharge(
        self, actor: User, cohort_id: int, user_id: int, outcome: str, note: str | None
    ) -> Discharge:
        """End a client's place in a cohort. The note stays in staff views; the room and
        the person hear only that they have moved on.

        Raises:
            NotFound: no such cohort for this actor, or not a current member of it.
            ProtocolError: an unknown outcome, or a note over the limit.
        """
        cohort = await self._cohort(actor, cohort_id)
        try:
            result = Outcome(outcome)
        except ValueError:
            known = ", ".join(o.value for o in Outcome)
            raise ProtocolError(f"'outcome' must be one of: {known}") from None
        note = (note or "").strip() or None
        if note is not None and len(note) > NOTE_CHARS:
            raise ProtocolError(f"the note is at most {NOTE_CHARS} characters")
        now = self.chat.clock()
        grace = await self.store.cohort_grace_days(cohort.id)
        until = now + grace * DAY
        room = cohort.room_id
        discharge = await self.store.discharge(
            cohort.id, room, user_id, result, note, actor.id, now, until
        )
        self.chat.forget_member(room, user_id)
        person = await self._refresh_user(user_id)
        consent = await self.store.latest_consent(user_id)
        ask = person is not None and person.role is Role.ALUM and consent is None
        self._tell(
            user_id,
            p.notice_frame(
                "discharged",
                room=room,
                read_only_until=_iso(until) if grace else None,
                consent={"version": CONSENT_VERSION, "text": CONSENT_TEXT} if ask else None,
            ),
        )
        if not grace:
            self.chat.bus.leave(user_id, room)
        self.chat.announce_presence(room)
        self.chat.bus.publish(room, p.moved_on_frame(room, discharge.user.id, discharge.user.name))
        await self.chat.audit(
            actor,
            "discharge",
            subject_type="user",
            subject_id=user_id,
            room_id=room,
            # Never the note's text: only that there is one.
            detail={"outcome": result.value, "grace_days": grace, "note": note is not None},
        )
        return discharge

    async def discharges(self, actor: User, cohort_id: int) -> list[Discharge]:
        cohort = await self._cohort(actor, cohort_id)
        return await self.store.list_discharges(cohort.id)

    async def end_grace_periods(self) -> int:
        """Read-only access that has run out ends now, on every open socket too."""
        ended = await self.store.end_expired_access(self.chat.clock())
        for room, user_id in ended:
            self._left(user_id, room, "access_ended")
            await self.chat.audit(
                None,
                "discharge.access_ended",
                subject_type="user",
                subject_id=user_id,
                room_id=room,
            )
        return len(ended)

    async def close_cohort(self, actor: User, cohort_id: int) -> float:
        """The cohort has ended: its room is read-only for everyone, staff read it, and
        its retention clock starts now."""
        cohort = await self._cohort(actor, cohort_id)
        closed_at = await self.store.close_room(cohort.room_id, self.chat.clock())
        self.chat.forget_room(cohort.room_id)
        self.chat.bus.publish(cohort.room_id, p.notice_frame("room_closed", room=cohort.room_id))
        await self.chat.audit(
            actor,
            "cohort.close",
            subject_type="cohort",
            subject_id=cohort.id,
            room_id=cohort.room_id,
        )
        return closed_at

    async def readmit(self, actor: User, cohort_id: int, user_id: int) -> None:
        """An alum comes back into treatment: the same account joins a cohort again,
        and leaves alumni rooms other than mentoring ones meanwhile."""
        cohort = await self._cohort(actor, cohort_id)
        if await self.store.room_closed_at(cohort.room_id) is not None:
            raise Conflict("this cohort has ended")
        left = await self.store.readmit(cohort.room_id, user_id, self.chat.clock())
        await self._refresh_user(user_id)
        for room in left:
            self._left(user_id, room, "removed_from_room")
        for room in await self.store.memberships(user_id):
            self.chat.forget_member(room, user_id)  # moderator flags cleared
        await self.chat.joined(user_id, cohort.room_id)
        await self.chat.audit(
            actor,
            "readmit",
            subject_type="user",
            subject_id=user_id,
            room_id=cohort.room_id,
            detail={"cohort": cohort.id, "left_alumni_rooms": len(left)},
        )

    # ---- consent ----------------------------------------------------------------------

    async def consent(self, user: User) -> dict[str, Any]:
        latest = await self.store.latest_consent(user.id)
        return {
            "version": CONSENT_VERSION,
            "text": CONSENT_TEXT,
            "decision": latest.decision.value if latest else None,
            "decided_version": latest.version if latest else None,
            "decided_at": iso(latest.at) if latest else None,
            "alum": user.role is Role.ALUM,
        }

    async def set_consent(self, user: User, consent: bool, version: int) -> Consent:
        """Give, decline or withdraw consent to the alumni network. Withdrawing takes the
        person out of every alumni room at once."""
        if user.role is not Role.ALUM:
            raise Forbidden("the alumni network is for people who have finished treatment")
        latest = await self.store.latest_consent(user.id)
        now = self.chat.clock()
        if consent:
            if version != CONSENT_VERSION:
                raise Conflict("the consent text has changed; please read it again")
            recorded = await self.store.record_consent(user.id, version, ConsentDecision.GIVEN, now)
            action = "alumni.consent.give"
        else:
            given = latest is not None and latest.decision is ConsentDecision.GIVEN
            decision = ConsentDecision.WITHDRAWN if given else ConsentDecision.DECLINED
            # A withdrawal names the text that was agreed to; a decline, the one shown.
            shown = latest.version if given and latest else CONSENT_VERSION
            recorded = await self.store.record_consent(user.id, shown, decision, now)
            action = "alumni.consent." + ("withdraw" if given else "decline")
            for room in await self.store.leave_alumni_rooms(user.id):
                self._left(user.id, room, "removed_from_room")
        await self.chat.audit(
            user,
            action,
            subject_type="user",
            subject_id=user.id,
            detail={"version": recorded.version},
        )
        return recorded

    async def _consenting(self, user_id: int) -> bool:
        latest = await self.store.latest_consent(user_id)
        return latest is not None and latest.decision is ConsentDecision.GIVEN

    # ---- alumni rooms -------------------------------------------------------------------

    async def alumni(self, actor: User) -> list[Alum]:
        if not actor.role.is_staff:
            raise Forbidden("only staff can list alumni")
        return await self.store.list_alumni()

    async def create_room(
        self,
        actor: User,
        name: str,
        category: str,
        access: str,
        description: str,
        facilitator_ids: Sequence[int],
        agreement: str | None,
        policy: Mapping[str, str] | None,
    ) -> AlumniRoom:
        from .chat import AGREEMENT_CHARS, _name

        if actor.role is not Role.ADMIN:
            raise Forbidden("only an admin can create alumni rooms")
        name = _name(name, "room name", 80)
        try:
            kind, rule = AlumniCategory(category), AlumniAccess(access)
        except ValueError:
            raise ProtocolError(
                "'category' is program, year, interest or mentoring; 'access' is open or invite"
            ) from None
        if kind is AlumniCategory.MENTORING and rule is not AlumniAccess.INVITE:
            raise ProtocolError("a mentoring room brings people together by invitation only")
        description = description.strip()
        if len(description) > DESCRIPTION_CHARS:
            raise ProtocolError(f"the description is at most {DESCRIPTION_CHARS} characters")
        staff = [actor.id]
        for uid in facilitator_ids:
            other = await self.store.get_user(uid)
            if other is None or not other.role.is_staff:
                raise ProtocolError(f"user {uid} is not staff")
            staff.append(uid)
        text = (agreement or ALUMNI_AGREEMENT).strip()
        if not text or len(text) > AGREEMENT_CHARS:
            raise ProtocolError(f"the agreement is 1 to {AGREEMENT_CHARS} characters")
        try:
            chosen = Policy.from_mapping(policy or {}, ALUMNI_DEFAULT_POLICY)
        except ValueError as err:
            raise ProtocolError(str(err)) from None
        defaults = DEFAULT_POLICY.to_mapping()
        overrides = {k: v for k, v in chosen.to_mapping().items() if defaults[k] != v}
        room = await self.store.create_alumni_room(
            name, kind, rule, description, staff, text, overrides, actor.id, self.chat.clock()
        )
        for uid in dict.fromkeys(staff):
            await self.chat.joined(uid, room)
        await self.chat.audit(
            actor,
            "alumni.room.create",
            room_id=room,
            detail={"category": kind.value, "access": rule.value, "policy": overrides},
        )
        return await self._alumni_room(actor, room)

    def _visible(self, user: User, room: AlumniRoom, consenting: bool) -> bool:
        """Who may see an alumni room exists. Current clients see only the rooms staff
        invited them to; there is no other way to find them, or for them to be found."""
        if room.joined or user.role is Role.ADMIN:
            return True
        if user.role is Role.ALUM and consenting:
            return room.invited or (
                room.access is AlumniAccess.OPEN and room.category is not AlumniCategory.MENTORING
            )
        return user.role is Role.CLIENT and room.invited

    async def rooms(self, user: User) -> list[AlumniRoom]:
        consenting = await self._consenting(user.id)
        return [
            r for r in await self.store.alumni_rooms(user.id) if self._visible(user, r, consenting)
        ]

    async def join(self, user: User, room: int) -> AlumniRoom:
        found = await self._alumni_room(user, room)
        consenting = await self._consenting(user.id)
        if not self._visible(user, found, consenting):
            raise NotMember()
        if await self.store.room_closed_at(room) is not None:
            raise NotMember()
        if found.joined:
            return found
        if found.access is AlumniAccess.INVITE and not found.invited and not user.role.is_staff:
            raise Forbidden("this room is by invitation")
        role = {Role.ALUM: Role.ALUM, Role.CLIENT: Role.CLIENT}.get(user.role, Role.FACILITATOR)
        await self.store.join_room(room, user.id, role, self.chat.clock())
        self.chat.forget_member(room, user.id)
        await self.chat.joined(user.id, room)
        await self.chat.audit(
            user, "alumni.join", subject_type="user", subject_id=user.id, room_id=room
        )
        return await self._alumni_room(user, room)

    async def leave(self, user: User, room: int) -> None:
        await self._alumni_room(user, room)
        membership = await self.chat.member(user, room)
        if membership.role is Role.FACILITATOR:
            raise Forbidden("staff stay with the rooms they look after; an admin changes that")
        await self.store.remove_member(room, user.id)
        self._left(user.id, room, "left_room")
        await self.chat.audit(
            user, "alumni.leave", subject_type="user", subject_id=user.id, room_id=room
        )

    async def invite(self, actor: User, room: int, user_id: int) -> None:
        """Invite a consenting alum (or, to a mentoring room, a current client of the
        inviter's cohorts) to an alumni room."""
        found = await self._room_staff(actor, room)
        target = await self.store.get_user(user_id)
        if target is None:
            raise NotFound("no such person")
        if target.role is Role.ALUM:
            if not await self._consenting(target.id):
                raise Conflict("that person has not joined the alumni network")
        elif target.role is Role.CLIENT and found.category is AlumniCategory.MENTORING:
            if actor.role is not Role.ADMIN:
                theirs = await self.store.memberships(target.id)
                mine = await self.store.memberships(actor.id)
                if not any(r in theirs and m.role is Role.FACILITATOR for r, m in mine.items()):
                    raise NotFound("no such person")
        else:
            raise Forbidden("alumni rooms are for alumni; current clients join mentoring rooms")
        await self.store.invite_to_room(room, target.id, actor.id, self.chat.clock())
        self._tell(target.id, p.notice_frame("alumni_invited", room=room, name=found.name))
        await self.chat.audit(
            actor, "alumni.invite", subject_type="user", subject_id=target.id, room_id=room
        )

    async def set_moderator(self, actor: User, room: int, user_id: int, on: bool) -> None:
        await self._room_staff(actor, room)
        if not await self.store.set_moderator(room, user_id, on):
            raise NotFound("that person is not an alum in this room")
        self.chat.forget_member(room, user_id)
        self._tell(user_id, p.notice_frame("moderator", room=room, moderator=on))
        await self.chat.audit(
            actor,
            "alumni.moderator." + ("appoint" if on else "remove"),
            subject_type="user",
            subject_id=user_id,
            room_id=room,
        )

    async def mute_room(self, user: User, room: int, muted: bool) -> None:
        """A member mutes a room for themselves: no notifications or unread badge."""
        await self.chat.member(user, room)
        await self.store.set_notifications_muted(room, user.id, muted)


def _iso(ts: float | None) -> str | None:
    return None if ts is None else iso(datetime.fromtimestamp(ts, UTC))
