"""The use cases of Hearth: enrol, log in, post, edit, react, read, resume.

Owns: `Chat`, which every edge (HTTP, websocket, command line) calls. Checks who may do
what, on the server, for every read and write. No aiohttp. May import: auth, bus, hub,
store, ratelimit, protocol, models, errors, config.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from . import protocol as p
from .access import Access, Challenge
from .alumni import Alumni
from .auth import LoginThrottle, Passwords, check_password_rules, new_token, token_hash
from .bus import Bus
from .config import Settings
from .errors import (
    Code,
    Conflict,
    Forbidden,
    HearthError,
    NotFound,
    NotMember,
    ProtocolError,
    Unauthenticated,
)
from .facilitation import Facilitation
from .hub import CLOSE_CATCH_UP_FAILED, CLOSE_RECONNECT, CLOSE_SESSION_ENDED, Connection, Hub
from .models import (
    Agreement,
    Cohort,
    Event,
    Held,
    HoldState,
    Invite,
    Message,
    Role,
    RoomSummary,
    User,
)
from .ratelimit import SharedBuckets, SharedThrottle, SlowMode, TokenBuckets
from .retention import Retention
from .routine import Routine
from .store import Membership, Posted, Store

log = logging.getLogger(__name__)
Clock = Callable[[], float]

NAME_CHARS = 40
USERNAME_CHARS = 64
AGREEMENT_CHARS = 20_000
TYPING_INTERVAL = 2.0
HISTORY_PAGE_MAX = 200
# Session activity is written at most this often, not on every request.
TOUCH_INTERVAL = 60.0

CONFIDENTIALITY_NOTICE = (
    "What is shared in this group stays in this group. Messages are visible only to the "
    "members of your cohort and its facilitators. Facilitators may act when someone's "
    "safety is at risk. These records are protected by federal confidentiality rules "
    "(42 CFR Part 2)."
)
DEFAULT_AGREEMENT = (
    "1. What is said here stays here.\n"
    "2. We do not share phone numbers, emails, addresses or social media handles.\n"
    "3. We do not talk about getting, giving or selling substances.\n"
    "4. We treat each other with respect: no insults, threats or outing anyone.\n"
    '5. If you are in danger, use "I need help now" or call or text 988.'
)


@dataclass(frozen=True)
class Authenticated:
    user: User
    token: str


def _name(value: str, what: str, limit: int = NAME_CHARS) -> str:
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if not value:
        raise ProtocolError(f"{what} must not be empty", code=Code.MISSING_FIELD)
    # Control and format characters (bidi overrides, zero-width joiners) would let one
    # person's name pass for another's.
    if len(value) > limit or any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise ProtocolError(f"{what} must be at most {limit} printable characters")
    return value


def _username(value: str) -> str:
    value = value.strip()
    if not (3 <= len(value) <= USERNAME_CHARS) or not all(
        c.isalnum() or c in "._-@" for c in value
    ):
        raise ProtocolError(f"a username is 3 to {USERNAME_CHARS} letters, digits or . _ - @")
    return value


class Chat:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        hub: Hub,
        bus: Bus,
        *,
        clock: Clock = time.time,
        passwords: Passwords | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.hub = hub
        self.bus = bus
        self.clock = clock
        self.passwords = passwords or Passwords(settings.hash_concurrency)
        self.throttle = LoginThrottle(
            failures=settings.login_failures,
            window=settings.login_window_seconds,
            max_backoff=settings.login_max_backoff_seconds,
            clock=clock,
        )
        self.sends = TokenBuckets(settings.send_rate, settings.send_burst, clock)
        self.slow_mode = SlowMode(clock)
        # Several processes: one bucket per person across all of them (relay.py).
        self.shared_sends: SharedBuckets | None = None
        self.shared_throttle: SharedThrottle | None = None
        # (room, user) -> membership; the store is the truth, this saves a read per send.
        self._members: dict[tuple[int, int], Membership] = {}
        # Bumped by every forget: a cache fill that an invalidation overtook is not kept.
        self.cache_generation = 0
        # relays_lost: one pass at a time; a call meanwhile asks for one more.
        self._reconciling = False
        self._reconcile_again = False
        self._typing: dict[tuple[int, int], float] = {}
        # Per room: the last "who is here" list announced, and its frame.
        self._presence: dict[int, tuple[list[tuple[int, str]], str]] = {}
        self.facilitation = Facilitation(self)
        self.routine = Routine(self)
        self.retention = Retention(self)
        self.access = Access(self)
        self.alumni = Alumni(self)
        store.on_commit(bus.publish_events)

    # ---- accounts and sessions ---------------------------------------------------

    async def create_account(
        self, actor: User | None, username: str, display_name: str, password: str, role: Role
    ) -> User:
        """Admins create staff; `actor=None` is the operator at the terminal."""
        if actor is not None and actor.role is not Role.ADMIN:
            raise Forbidden("only an admin can create staff accounts")
        if role not in (Role.ADMIN, Role.FACILITATOR):
            raise ProtocolError("staff accounts are admins or facilitators")
        username = _username(username)
        display_name = _name(display_name, "display name")
        check_password_rules(password, username=username, display_name=display_name)
        pw_hash = await self.passwords.hash(password)
        user = await self.store.create_user(username, display_name, role, pw_hash, self.clock())
        await self.audit(
            actor,
            "account.create",
            subject_type="user",
            subject_id=user.id,
            detail={"role": role.value},
        )
        return user

    async def reset_password(self, username: str, password: str) -> None:
        """The operator at the terminal sets a password; every session of that account
        ends."""
        found = await self.store.find_login(username)
        if found is None:
            raise NotFound("no such account")
        user = found[0]
        check_password_rules(password, username=user.username, display_name=user.display_name)
        await self.store.set_password_hash(user.id, await self.passwords.hash(password))
        ended = await self.store.delete_user_sessions(user.id)
        self.bus.end_sessions(ended, CLOSE_SESSION_ENDED, "password changed")
        await self.audit(None, "password.reset", subject_type="user", subject_id=user.id)

    async def login(
        self, username: str, password: str, device: str | None = None
    ) -> Authenticated | Challenge:
        """Check a password; the login is done, or (staff, or anyone who enrolled a
        second factor) it waits for a code: see `Access.complete`. `device`: the
        browser's device cookie, if it has one (see `login_key`)."""
        found = await self.store.find_login(username)
        key = self.login_key(found[0] if found else None, username, device)
        await self.throttle_check(key)
        # Unknown users are verified against a dummy hash: same answer, same time.
        ok = await self.passwords.verify(found[1] if found else None, password)
        if not found or not ok or found[0].suspended:
            await self.throttle_failed(key)
            await self.audit(
                None, "login.failed", subject_type="user", subject_id=found[0].id if found else None
            )
            raise HearthError("the username or password is not right", code=Code.BAD_CREDENTIALS)
        user, pw_hash = found
        if await self.passwords.needs_rehash(pw_hash, password):
            await self.store.set_password_hash(user.id, await self.passwords.hash(password))
        challenge = await self.access.challenge(user)
        if challenge is not None:
            # Failures are forgiven only when the second step succeeds too.
            await self.audit(user, "login.password", detail={"enrol": challenge.enrol})
            return challenge
        await self.throttle_succeeded(key)
        return await self.open_session(user)

    def login_key(self, user: User | None, typed: str, device: str | None = None) -> str:
        """What the login throttle counts by: the account, when the name finds one, so
        that every spelling the store takes for it ("Fiona", "fİona") counts together;
        else the name as typed. ("#" is never in a username.)

        A browser that signed in to this account before (its device cookie carries
        `device_tag`) counts apart from every other: someone guessing from elsewhere
        can lock the account only for browsers it has never been used in, so the
        person themselves is not locked out however long the guessing goes on."""
        if user is None:
            return typed
        if device is not None and hmac.compare_digest(device, self.device_tag(user)):
            return f"#{user.id}/known"
        return f"#{user.id}"

    def device_tag(self, user: User) -> str:
        """The device cookie's value for a browser that signed in to `user`."""
        return self.store.keys.tag(f"device|{user.id}")

    async def throttle_check(self, key: str) -> None:
        """Raises `rate_limited` while `key` is locked (on every process, with Redis)."""
        if self.shared_throttle is not None:
            await self.shared_throttle.check(key)
        else:
            self.throttle.check(key)

    async def throttle_failed(self, key: str) -> None:
        if self.shared_throttle is not None:
            await self.shared_throttle.failed(key)
        else:
            self.throttle.failed(key)

    async def throttle_succeeded(self, key: str) -> None:
        if self.shared_throttle is not None:
            await self.shared_throttle.succeeded(key)
        else:
            self.throttle.succeeded(key)

    async def open_session(
        self, user: User, detail: Mapping[str, object] | None = None
    ) -> Authenticated:
        token = await self._new_session(user)
        await self.audit(user, "login", detail=detail)
        return Authenticated(user, token)

    async def _new_session(self, user: User) -> str:
        token = new_token()
        await self.store.create_session(token_hash(token), user.id, self.clock())
        return token

    async def authenticate(self, token: str | None) -> User:
        """The user behind a session token, if the session is alive.

        Raises:
            Unauthenticated: no token, an unknown one, or an expired session.
        """
        if not token:
            raise Unauthenticated("please log in")
        digest = token_hash(token)
        row = await self.store.get_session(digest)
        now = self.clock()
        if row is None:
            raise Unauthenticated("your session has ended; please log in again")
        if (
            self.access.expired(row.user.role, row.created_at, row.last_seen_at, now)
            or row.user.suspended
        ):
            await self.end_sessions([digest], "session expired")
            why = "suspended" if row.user.suspended else "expired"
            await self.audit(row.user, "session.end", detail={"reason": why})
            raise Unauthenticated("your session has ended; please log in again")
        if now - row.last_seen_at > TOUCH_INTERVAL:
            await self.store.touch_session(digest, now)
        return row.user

    async def logout(self, token: str) -> None:
        """End this session and close the sockets it opened."""
        digest = token_hash(token)
        row = await self.store.get_session(digest)
        await self.end_sessions([digest], "logged out")
        if row is not None:
            await self.audit(row.user, "logout")

    async def expire_sessions(self) -> int:
        """End every session past its role's idle or absolute limit; returns how many
        sessions ended."""
        return await self.access.expire()

    async def end_sessions(self, digests: list[bytes], reason: str) -> None:
        for digest in digests:
            await self.store.delete_session(digest)
        self.bus.end_sessions(digests, CLOSE_SESSION_ENDED, reason)

    async def keep_alive(self, conn: Connection) -> None:
        """Frames on a live socket count as activity for its session."""
        now = self.clock()
        await self.access.check_frame(conn, now)
        if now - conn.touched > TOUCH_INTERVAL:
            conn.touched = now
            await self.store.touch_session(conn.session, now)

    async def set_privacy(self, user: User, hide_presence: bool, hide_read: bool) -> User:
        updated = await self.store.set_privacy(user.id, hide_presence, hide_read)
        self.bus.user_changed(user.id)
        self.privacy_changed(updated)
        return updated

    def privacy_changed(self, updated: User) -> None:
        """`set_privacy`, for this process's sockets only."""
        for conn in self.hub.connections_of(updated.id):
            conn.user = updated
        rooms = {r for c in self.hub.connections_of(updated.id) for r in self.hub.rooms_of(c)}
        for room in rooms:
            self.announce_presence(room)

    async def refresh_user(self, user_id: int) -> None:
        """Another process changed this person's settings: read them again."""
        if self.hub.connections_of(user_id):
            user = await self.store.get_user(user_id)
            if user is not None:
                self.privacy_changed(user)

    # ---- cohorts, agreements, enrolment ------------------------------------------

    async def create_cohort(
        self,
        actor: User,
        name: str,
        schedule: Mapping[str, object] | None,
        facilitator_ids: Sequence[int],
        agreement: str | None,
    ) -> Cohort:
        if not actor.role.is_staff:
            raise Forbidden("only staff can create cohorts")
        name = _name(name, "cohort name", 80)
        facilitators = [actor.id] if actor.role is Role.FACILITATOR else []
        for uid in facilitator_ids:
            other = await self.store.get_user(uid)
            if other is None or other.role is not Role.FACILITATOR:
                raise ProtocolError(f"user {uid} is not a facilitator")
            facilitators.append(uid)
        if not facilitators:
            raise ProtocolError("a cohort needs at least one facilitator")
        text = (agreement or DEFAULT_AGREEMENT).strip()
        if len(text) > AGREEMENT_CHARS:
            raise ProtocolError(f"the agreement is over {AGREEMENT_CHARS} characters")
        weekly = None if schedule is None else self.routine.parse_schedule(schedule)
        cohort = await self.store.create_cohort(
            name, weekly, facilitators, text, actor.id, self.clock()
        )
        for uid in facilitators:
            await self.joined(uid, cohort.room_id)
        await self.audit(
            actor,
            "cohort.create",
            subject_type="cohort",
            subject_id=cohort.id,
            room_id=cohort.room_id,
        )
        return cohort

    async def cohorts(self, actor: User) -> list[Cohort]:
        if actor.role is Role.ADMIN:
            return await self.store.list_cohorts(None)
        if actor.role is Role.FACILITATOR:
            return await self.store.list_cohorts(actor.id)
        raise Forbidden("only staff can list cohorts")

    async def _staff_cohort(self, actor: User, cohort_id: int) -> Cohort:
        cohort = await self.store.get_cohort(cohort_id)
        if cohort is None:
            raise NotFound("no such cohort")
        if actor.role is Role.ADMIN or actor.id in cohort.facilitator_ids:
            return cohort
        # A facilitator of another cohort learns nothing about this one.
        raise NotFound("no such cohort")

    async def create_invite(
        self, actor: User, cohort_id: int, hours: int | None
    ) -> tuple[str, float]:
        cohort = await self._staff_cohort(actor, cohort_id)
        hours = hours or self.settings.invite_hours
        if not 1 <= hours <= 24 * 30:
            raise ProtocolError("an invite lasts 1 hour to 30 days")
        token = new_token()
        now = self.clock()
        expires = now + hours * 3600
        await self.store.create_invite(token_hash(token), cohort.id, actor.id, now, expires)
        await self.audit(
            actor,
            "invite.create",
            subject_type="cohort",
            subject_id=cohort.id,
            room_id=cohort.room_id,
        )
        return token, expires

    async def view_invite(self, token: str) -> Invite:
        invite = await self.store.get_invite(token_hash(token), self.clock())
        if invite is None:
            raise HearthError("this invite link is used or expired", code=Code.INVITE_INVALID)
        return invite

    async def redeem_invite(
        self,
        token: str,
        username: str,
        display_name: str,
        password: str,
        accepted_version: int,
        accepted_confidentiality: bool,
    ) -> Authenticated:
        invite = await self.view_invite(token)
        if not accepted_confidentiality:
            raise ProtocolError("please accept the confidentiality notice")
        if accepted_version != invite.agreement.version:
            raise Conflict("the group agreement has changed; please read it again")
        username = _username(username)
        display_name = _name(display_name, "display name")
        check_password_rules(password, username=username, display_name=display_name)
        pw_hash = await self.passwords.hash(password)
        user = await self.store.redeem_invite(
            token_hash(token), self.clock(), username, display_name, pw_hash, accepted_version
        )
        await self.audit(
            user,
            "enrol",
            subject_type="cohort",
            subject_id=invite.cohort_id,
            room_id=invite.agreement.room_id,
            detail={"agreement_version": accepted_version},
        )
        return Authenticated(user, await self._new_session(user))

    async def agreement(self, user: User, room: int) -> Agreement:
        await self.member(user, room)
        agreement = await self.store.get_agreement(room)
        if agreement is None:
            raise NotFound("this room has no agreement")
        return agreement

    async def set_agreement(self, actor: User, room: int, text: str) -> Agreement:
        membership = await self.member(actor, room)
        if not (actor.role is Role.ADMIN or membership.role is Role.FACILITATOR):
            raise Forbidden("only the room's facilitators can change its agreement")
        text = text.strip()
        if not text or len(text) > AGREEMENT_CHARS:
            raise ProtocolError(f"the agreement is 1 to {AGREEMENT_CHARS} characters")
        agreement = await self.store.set_agreement(room, text, actor.id, self.clock())
        self.forget_room(room)
        await self.audit(
            actor, "agreement.version", room_id=room, detail={"version": agreement.version}
        )
        return agreement

    async def accept_agreement(self, user: User, room: int, version: int) -> None:
        await self.member(user, room)
        await self.store.accept_agreement(room, user.id, version, self.clock())
        # Every process: the next post may reach any of them.
        self.forget_member(room, user.id)
        await self.audit(user, "agreement.accept", room_id=room, detail={"version": version})

    # ---- rooms -------------------------------------------------------------------

    async def member(self, user: User, room: int) -> Membership:
        key = (room, user.id)
        membership = self._members.get(key)
        if membership is None:
            seen = self.cache_generation
            membership = await self.store.membership(room, user.id)
            if membership is None:
                raise NotMember()
            # A change forgotten while we read (a mute committed on another process) may
            # have come after our read: use what we read this once, keep none of it.
            if seen == self.cache_generation:
                self._members[key] = membership
        if membership.access_until is not None and membership.access_until <= self.clock():
            raise NotMember()  # a discharged member's read-only grace has ended
        return membership

    def forget_member(self, room: int, user_id: int) -> None:
        """Membership changed in the store (mute, removal, acceptance): every process
        reads it afresh, this one as the others do."""
        self.forget_cached(room, user_id)
        self.bus.forget(room, user_id)

    def forget_room(self, room: int) -> None:
        """The room's state, policy, agreement or people changed in the store: every
        process reads them afresh."""
        self.forget_cached(room, None)
        self.bus.forget(room, None)

    def forget_cached(self, room: int, user_id: int | None) -> None:
        """This process's cache only (another process changed the membership or the
        room). A member's change may be a change of the room's staff, so the room's
        cached state goes too; both are read again on the next post."""
        self.cache_generation += 1
        self.facilitation.forget(room)
        if user_id is not None:
            self._members.pop((room, user_id), None)
            return
        for key in [k for k in self._members if k[0] == room]:
            del self._members[key]

    def forget_everything(self) -> None:
        """Read every membership and room state afresh. The session sweep calls this, so
        a change another process relayed but this one missed (a lost relay, a read that
        raced the change) is stale here for one sweep at most."""
        self.cache_generation += 1
        self._members.clear()
        self.facilitation.forget_all()

    async def relays_lost(self) -> int:
        """Other processes' changes may have missed this one (Redis was away, or a relay
        was dropped): forget what is cached, close sockets whose session ended, re-read
        each person's settings, and reconnect each socket that no longer matches the
        store (the rooms its person may read changed: a removal, a discharge, a join, a
        break-glass end) and every socket of those who moderate (alerts, holds and
        reports may have been missed). Each gets a fresh welcome, resumes from the log
        and reloads its lists. Several calls at once make one more pass, not one each.
        Returns how many sockets were asked to reconnect."""
        if self._reconciling:
            self._reconcile_again = True
            return 0
        self._reconciling = True
        asked = 0
        try:
            while True:
                self._reconcile_again = False
                asked += await self._reconcile()
                if not self._reconcile_again:
                    break
        finally:
            self._reconciling = False
        if asked:
            log.info("relays were lost: %d sockets asked to reconnect", asked)
        return asked

    async def _reconcile(self) -> int:
        self.forget_everything()
        try:
            await self.access.close_ended_sessions()
        except Exception:  # noqa: BLE001 - the sweep tries again
            log.exception("could not check sessions after lost relays")
        now = self.clock()
        asked = 0
        for user_id in self.hub.people():
            conns = self.hub.connections_of(user_id)
            if not conns:
                continue  # gone while we read the store
            user = conns[0].user
            try:
                await self.refresh_user(user_id)  # a privacy change relayed meanwhile
                summaries = self._current(await self.store.room_summaries(user_id))
                may_read = {r.id for r in summaries}
                if user.role is Role.ADMIN:
                    grants = await self.store.active_break_glass(user_id, now)
                    may_read |= {g.room_id for g in grants}
                moderates = user.role.is_staff or any(r.moderator for r in summaries)
            except Exception:  # noqa: BLE001 - not knowing is a reason to reconnect
                log.exception("could not check a socket's rooms after lost relays")
                may_read, moderates = set(), True
            for conn in self.hub.connections_of(user_id):
                if moderates or conn.rooms != may_read:
                    conn.end(CLOSE_RECONNECT, "reconnect: changes may have been missed")
                    asked += 1
        return asked

    async def joined(self, user_id: int, room: int) -> None:
        """Someone became a member of `room`: their open sockets learn of it at once
        (and resume it like any other room), on every process."""
        self.bus.joined(user_id, room)
        await self.joined_here(user_id, room)

    async def joined_here(self, user_id: int, room: int) -> None:
        """`joined`, for this process's sockets only."""
        conns = self.hub.connections_of(user_id)
        if not conns:
            return
        summary = next(r for r in await self.store.room_summaries(user_id) if r.id == room)
        frame = p.notice_frame("joined", room=p.room_dict(summary))
        for conn in conns:
            self.hub.attach(conn, [room])
            conn.offer(frame)
        self.announce_presence(room)

    async def rooms(self, user: User) -> list[RoomSummary]:
        return self._current(await self.store.room_summaries(user.id))

    def _current(self, summaries: list[RoomSummary]) -> list[RoomSummary]:
        """Leave out rooms whose read-only grace has ended (before the sweep gets there)."""
        now = self.clock()
        return [
            r for r in summaries if r.read_only_until is None or r.read_only_until.timestamp() > now
        ]

    async def members(self, user: User, room: int) -> list[tuple[User, Role]]:
        await self.access.reader(user, room)
        return await self.store.room_members(room)

    async def history(
        self, user: User, room: int, before: int | None, limit: int
    ) -> tuple[list[Message], bool]:
        """A page of up to `limit` messages before `before`, oldest first, and whether
        there are older ones."""
        await self.access.reader(user, room)
        limit = max(1, min(limit, HISTORY_PAGE_MAX))
        messages = await self.store.history(room, before, limit + 1)
        return messages[-limit:], len(messages) > limit

    # ---- the room log --------------------------------------------------------------

    @staticmethod
    def refuse_if_ended(membership: Membership) -> None:
        """Nothing new from a member of a group that has ended, or in their read-only time
        after moving on: no message, no check-in, no card.

        Raises:
            HearthError: `room_locked`.
        """
        if membership.closed or membership.access_until is not None:
            raise HearthError(
                "this group has ended; it is read-only now"
                if membership.closed
                else "you have moved on from this group; it is read-only for you now",
                code=Code.ROOM_LOCKED,
            )

    async def _writer(self, user: User, room: int, *, posting: bool = True) -> Membership:
        membership = await self.member(user, room)
        await self.take_send(user)
        await self.check_room_limits(user, membership, room, posting=posting)
        return membership

    async def take_send(self, user: User) -> None:
        """The per-person flood limit; staff are never slowed down."""
        if user.role.is_staff:
            return
        if self.shared_sends is not None:
            await self.shared_sends.take(user.id)
        else:
            self.sends.take(user.id)

    async def slow_mode_wait(self, user: User, room: int, seconds: int) -> float:
        """Seconds until this member may post in a slow room again (0.0: now, and this
        post starts their next wait), counted across processes."""
        if self.shared_sends is not None:
            return await self.shared_sends.slow_mode(room, user.id, seconds)
        return self.slow_mode.wait(room, user.id, seconds)

    async def check_room_limits(
        self, user: User, membership: Membership, room: int, *, posting: bool
    ) -> None:
        """The room's limits on this member: an ended group, the agreement, and (for what
        reaches the room: `posting`) mutes, a lock and slow mode."""
        self.refuse_if_ended(membership)
        if not user.role.is_staff and membership.accepted_version < membership.agreement_version:
            raise HearthError(
                f"please read and accept version {membership.agreement_version} of the"
                " group agreement before posting",
                code=Code.AGREEMENT_REQUIRED,
            )
        if posting:
            await self.facilitation.check_can_post(user, membership, room)

    async def post(self, user: User, frame: p.SendFrame) -> Posted | Held:
        """Screen and post a message; a message that waits for review comes back `Held`.

        A room's limits on a member (a mute, a lock, slow mode, an unaccepted agreement,
        an ended group) never stand between a crisis and the facilitators: a message they
        refuse is still screened, and a crisis waits for a facilitator, who is alerted.
        Only a stranger to the room and a flood of sends are refused unread.

        Raises:
            HearthError: `blocked`, `muted`, `room_locked`, `rate_limited`, ...
        """
        membership = await self.member(user, frame.room)
        await self.take_send(user)
        try:
            await self.check_room_limits(user, membership, frame.room, posting=True)
        except HearthError:
            # A re-send of what got through before a limit came on gets its first answer.
            first = await self.facilitation.first_answer(user, frame)
            if first is not None:
                return first
            held = await self.facilitation.screen_refused(user, frame)
            if held is None:
                raise
            return held
        return await self.facilitation.screen(user, frame)

    async def edit(self, user: User, frame: p.EditFrame) -> Event:
        """Screen and save an edit of one's own message. An edit the room's limits refuse
        is still read: a crisis in it waits for a facilitator as a refused send's does
        (as a reply to the message it would have changed), and the author is told so."""
        membership = await self.member(user, frame.room)
        await self.take_send(user)
        try:
            await self.check_room_limits(user, membership, frame.room, posting=True)
        except HearthError as refused:
            words = hashlib.sha256(frame.text.encode()).hexdigest()[:16]
            # The same refused edit again, while the first waits, is a retry: one held
            # message, one alert. Once a facilitator decided it, it is said anew.
            client_id = f"edit-{frame.message}-{words}"
            while (
                isinstance(first := await self.store.sent(frame.room, user.id, client_id), Held)
                and first.state is not HoldState.HELD
            ):
                client_id = f"{client_id}-{first.id}"
            as_send = p.SendFrame(
                ref=frame.ref,
                room=frame.room,
                client_id=client_id,
                text=frame.text,
                reply_to=frame.message,
            )
            if await self.facilitation.screen_refused(user, as_send) is None:
                raise
            raise HearthError(
                refused.message + " Your edit was not saved, but a facilitator was told"
                " at once and can read it.",
                code=refused.code,
                retry_after=refused.retry_after,
                details=refused.details,
            ) from None
        return await self.facilitation.screen_edit(user, frame)

    async def delete(self, user: User, frame: p.DeleteFrame) -> Event:
        await self._writer(user, frame.room, posting=False)
        return await self.store.delete_message(frame.room, frame.message, user.id, self.clock())

    async def react(self, user: User, frame: p.ReactFrame) -> Event:
        await self._writer(user, frame.room)
        return await self.store.react(
            frame.room, frame.message, user.id, frame.reaction, frame.add, self.clock()
        )

    async def typing(self, user: User, room: int) -> None:
        membership = await self.member(user, room)
        if membership.closed or membership.access_until is not None:
            return  # read-only here
        now = self.clock()
        if now - self._typing.get((room, user.id), 0.0) < TYPING_INTERVAL:
            return  # relayed recently; typing is a hint, not worth an error
        self._typing[(room, user.id)] = now
        self.bus.publish(room, p.typing_frame(room, user.id, user.display_name), skip_user=user.id)

    async def mark_read(self, user: User, room: int, seq: int) -> None:
        await self.member(user, room)
        position = await self.store.set_read(room, user.id, seq)
        self._members.pop((room, user.id), None)
        if not user.hide_read:
            self.bus.publish(room, p.read_frame(room, user.id, position), skip_user=user.id)

    # ---- connections ------------------------------------------------------------

    async def connect(self, conn: Connection) -> None:
        """Welcome a new connection, then attach it to its rooms and say it is here."""
        summaries = self._current(await self.store.room_summaries(conn.user.id))
        conn.offer(
            p.welcome_frame(
                conn.user,
                summaries,
                message_chars=self.settings.message_chars,
                frame_bytes=self.settings.frame_bytes,
            )
        )
        self.hub.attach(conn, [r.id for r in summaries])
        await self.access.attach(conn)
        for room in summaries:
            if not self.announce_presence(room.id):
                conn.offer(self._presence[room.id][1])  # unchanged for the others

    def disconnect(self, conn: Connection) -> None:
        for room in self.hub.detach(conn):
            self.announce_presence(room)

    def announce_presence(self, room: int) -> bool:
        """Tell the room who is here, if that changed; returns whether it was sent.

        A second tab or a reconnect storm changes nothing, so it costs nothing: without
        this, n connections arriving in one room would send n² frames."""
        online = self.bus.online(room, self.hub.online(room))
        last = self._presence.get(room)
        if last is not None and last[0] == online:
            return False
        frame = p.presence_frame(room, online)
        self._presence[room] = (online, frame)
        # Every process announces to its own sockets (the bus shared who is here).
        self.hub.deliver(room, frame)
        return True

    async def resume(self, conn: Connection, frame: p.ResumeFrame) -> list[HearthError]:
        """Replay what each room's log holds past the client's position, then go live.

        Returns the errors for rooms the user may not read (the others still resume)."""
        errors: list[HearthError] = []
        attached = set(self.hub.rooms_of(conn))
        for room, after in frame.rooms.items():
            if room not in attached:
                errors.append(NotMember())
                continue
            conn.begin_replay(room)
            position = after
            try:
                latest = await self.store.latest_seq(room)
                position = min(after, latest)
                if latest - position > self.settings.replay_limit:
                    await conn.replay(p.resync_frame(room, latest))
                    position = latest
                else:
                    while position < latest:
                        events = await self.store.events_after(
                            room, position, self.settings.replay_limit
                        )
                        if not events:
                            break
                        for event in events:
                            await conn.replay(p.event_frame(event))
                        position = events[-1].seq
                await conn.replay(p.caught_up_frame(room, position))
                # Events that arrived meanwhile, also at the reader's pace; going live
                # happens with nothing pending and no await in between.
                while pending := conn.take_pending(room):
                    for seq, live in pending:
                        if seq > position + 1:
                            # A relay from another process was lost: the log has it.
                            for event in await self.store.events_after(
                                room, position, seq - position - 1
                            ):
                                await conn.replay(p.event_frame(event))
                                position = event.seq
                        if seq > position:
                            await conn.replay_encoded(live)
                            position = seq
            except BaseException:
                # Whatever stopped the catch-up (the store failed, the task ended), going
                # live now would skip what it had not sent: a hole the client never
                # learns of. The socket closes instead, and the client resumes from what
                # it holds.
                conn.end(CLOSE_CATCH_UP_FAILED, "catching up failed; reconnect and resume")
                raise
            conn.end_replay(room, position)
        return errors

    # ---- audit ------------------------------------------------------------------

    async def audit(
        self,
        actor: User | None,
        action: str,
        *,
        subject_type: str | None = None,
        subject_id: int | None = None,
        room_id: int | None = None,
        detail: Mapping[str, object] | None = None,
    ) -> None:
        await self.store.audit(
            self.clock(),
            actor.id if actor else None,
            action,
            subject_type=subject_type,
            subject_id=subject_id,
            room_id=room_id,
            detail=json.dumps(dict(detail or {})),
        )
