"""Who may get in, for how long, and the one way past a room's door.

Owns: `Access`, which `Chat` builds: the second factor (TOTP enrolment, the two-step
login, recovery codes), session limits per role (staff shorter), break-glass read
access for admins, and the privacy-officer flag that is told of every break-glass.
Every step is written to the audit log; secrets and codes never are. No aiohttp. May
import: totp, auth, protocol, models, errors, config, store, hub.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import protocol as p
from . import totp
from .auth import new_token, token_hash
from .disclosure import Disclosures
from .errors import Code, Conflict, Forbidden, HearthError, NotFound, NotMember, ProtocolError
from .hub import CLOSE_SESSION_ENDED, Connection
from .models import BreakGlass, Role, User, iso
from .store import Membership

if TYPE_CHECKING:
    from .chat import Authenticated, Chat

log = logging.getLogger(__name__)

# A password that was right waits this long for its second factor.
CHALLENGE_SECONDS = 300
# Wrong codes allowed on one waiting login before the password must be typed again.
CHALLENGE_ATTEMPTS = 5
REASON_MIN, REASON_MAX = 10, 500


class SecondFactorRequired(HearthError):
    code = Code.BAD_CREDENTIALS


@dataclass(frozen=True)
class Challenge:
    """The password was right; the login waits for a code (or for enrolment)."""

    token: str
    user: User
    enrol: bool
    expires_at: float


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str


def grant_dict(g: BreakGlass) -> dict[str, Any]:
    return {
        "id": g.id,
        "room": g.room_id,
        "room_name": g.room_name,
        "admin": {"id": g.user.id, "name": g.user.name},
        "reason": g.reason,
        "created_at": iso(g.created_at),
        "expires_at": iso(g.expires_at),
        "ended": g.ended,
    }


class Access:
    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.store = chat.store
        self.hub = chat.hub
        self.settings = chat.settings
        self.disclosures = Disclosures(chat)

    # ---- session limits ---------------------------------------------------------------

    def limits(self, role: Role) -> tuple[float, float]:
        """(idle, absolute) seconds a session of this role may last."""
        s = self.settings
        if role.is_staff:
            return (
                min(s.staff_session_idle_seconds, s.session_idle_seconds),
                min(s.staff_session_absolute_seconds, s.session_absolute_seconds),
            )
        return s.session_idle_seconds, s.session_absolute_seconds

    def expired(self, role: Role, created_at: float, last_seen_at: float, now: float) -> bool:
        idle, absolute = self.limits(role)
        return now - last_seen_at > idle or now - created_at > absolute

    async def attach(self, conn: Connection) -> None:
        """A new socket learns when its session ends, so every frame can check, and
        hears the rooms its user holds break-glass access to."""
        row = await self.store.get_session(conn.session)
        if row is None:
            # Ended (logout, suspension, expiry) between the upgrade and now: a socket
            # without a session would never be checked again.
            conn.end(CLOSE_SESSION_ENDED, "session ended")
            return
        conn.deadline = row.created_at + self.limits(row.user.role)[1]
        conn.active = row.last_seen_at
        if conn.user.role is Role.ADMIN:
            grants = await self.store.active_break_glass(conn.user.id, self.chat.clock())
            if grants:
                self.observe(conn, [g.room_id for g in grants])

    async def check_frame(self, conn: Connection, now: float) -> None:
        """Every frame: a session past its limits ends here, even before the sweeper.

        Raises:
            Unauthenticated: the session ended; the socket is being closed.
        """
        idle = self.limits(conn.user.role)[0]
        if now > conn.deadline or (conn.active and now - conn.active > idle):
            # This socket was quiet, but the session may have been busy elsewhere (another
            # tab, REST): the store has the session's last activity.
            row = await self.store.get_session(conn.session)
            if row is not None and not self.expired(
                row.user.role, row.created_at, row.last_seen_at, now
            ):
                conn.active = now
                return
            await self.chat.end_sessions([conn.session], "session expired")
            await self.chat.audit(conn.user, "session.end", detail={"reason": "expired"})
            raise HearthError(
                "your session has ended; please log in again", code=Code.UNAUTHENTICATED
            )
        conn.active = now

    async def expire(self) -> int:
        """End every session past its role's limits; returns how many ended."""
        now = self.chat.clock()
        s = self.settings
        staff_idle, staff_abs = self.limits(Role.ADMIN)
        ended = await self.store.delete_expired_sessions(
            (now - staff_idle, now - staff_abs),
            (now - s.session_idle_seconds, now - s.session_absolute_seconds),
        )
        self.chat.bus.end_sessions(
            [digest for digest, _ in ended], CLOSE_SESSION_ENDED, "session expired"
        )
        for _, user_id in ended:
            await self.chat.store.audit(
                now,
                user_id,
                "session.end",
                subject_type="user",
                subject_id=user_id,
                detail='{"reason": "expired"}',
            )
        await self.close_ended_sessions()
        return len(ended)

    async def close_ended_sessions(self) -> None:
        """Close this process's sockets whose session the store no longer has: ended
        where this process did not hear of it (an operator's reset at the terminal,
        another process whose relay was lost). A socket that sends nothing would
        otherwise keep hearing its rooms."""
        here = self.chat.hub.sessions()
        if here:
            gone = here - await self.store.live_sessions(sorted(here))
            self.chat.bus.end_sessions(sorted(gone), CLOSE_SESSION_ENDED, "session ended")

    # ---- the second factor ------------------------------------------------------------

    def _required(self, user: User) -> bool:
        return user.role.is_staff and self.settings.staff_second_factor != "optional"

    async def enrolled(self, user_id: int) -> bool:
        state = await self.store.get_totp(user_id)
        return state is not None and state.confirmed

    async def challenge(self, user: User) -> Challenge | None:
        """After a right password: None if the login is complete, else what it awaits."""
        enrolled = await self.enrolled(user.id)
        if not enrolled and not self._required(user):
            return None
        token = new_token()
        expires = self.chat.clock() + CHALLENGE_SECONDS
        await self.store.create_challenge(token_hash(token), user.id, expires)
        return Challenge(token, user, enrol=not enrolled, expires_at=expires)

    async def _waiting(self, token: str) -> User:
        found = await self.store.get_challenge(token_hash(token))
        if found is None or found[1] <= self.chat.clock() or found[2] >= CHALLENGE_ATTEMPTS:
            if found is not None:
                await self.store.delete_challenge(token_hash(token))
            raise SecondFactorRequired(
                "this sign-in has timed out; please enter your password again",
                code=Code.UNAUTHENTICATED,
            )
        user = await self.store.get_user(found[0])
        if user is None or user.suspended:
            raise SecondFactorRequired("the username or password is not right")
        return user

    def _enrolment(self, user: User, secret: str) -> Enrolment:
        return Enrolment(
            secret, totp.provisioning_uri(secret, user.username, self.settings.program_name)
        )

    async def begin_enrolment(self, user: User) -> Enrolment:
        """A new secret for `user` to put in an authenticator app (unconfirmed until a
        first code comes back)."""
        secret = totp.new_secret()
        await self.store.start_totp(user.id, secret)
        await self.chat.audit(user, "totp.enrol_start")
        return self._enrolment(user, secret)

    async def begin_login_enrolment(self, challenge: str) -> Enrolment:
        user = await self._waiting(challenge)
        if await self.enrolled(user.id):
            raise Conflict("a second factor is already set up; enter its code")
        return await self.begin_enrolment(user)

    async def confirm_enrolment(self, user: User, code: str) -> list[str]:
        """The first good code confirms the secret; returns fresh recovery codes (shown
        once, kept only as hashes)."""
        state = await self.store.get_totp(user.id)
        if state is None or state.confirmed:
            raise Conflict("start setting up the second factor first")
        step = totp.matching_step(state.secret, code, self.chat.clock())
        codes = totp.new_recovery_codes()
        if step is None or not await self.store.confirm_totp(
            user.id, step, [totp.recovery_hash(c) for c in codes], self.chat.clock()
        ):
            await self.chat.audit(user, "totp.enrol_failed")
            raise HearthError(
                "that code is not right; check the app and try the next one",
                code=Code.BAD_CREDENTIALS,
            )
        await self.chat.audit(user, "totp.enrolled")
        return codes

    async def verify(self, user: User, code: str) -> str:
        """Check a TOTP or a recovery code, each usable once; returns which it was.

        Raises:
            HearthError: `bad_credentials`.
        """
        state = await self.store.get_totp(user.id)
        if state is None or not state.confirmed:
            raise Conflict("no second factor is set up")
        now = self.chat.clock()
        if totp.looks_like_recovery_code(code):
            if await self.store.use_recovery_code(user.id, totp.recovery_hash(code), now):
                return "recovery"
        else:
            step = totp.matching_step(state.secret, code, now)
            if step is not None and await self.store.use_totp_step(user.id, step):
                return "totp"
        await self.chat.audit(user, "login.second_factor_failed")
        raise HearthError("that code is not right, or was used already", code=Code.BAD_CREDENTIALS)

    async def complete(self, challenge: str, code: str) -> tuple[Authenticated, list[str] | None]:
        """The second step of a login: a code (confirming enrolment if this login set
        one up). Returns the session and, on enrolment, the recovery codes."""
        user = await self._waiting(challenge)
        # Wrong codes count against the same per-account throttle as wrong passwords,
        # so fresh challenges cannot be used to guess codes at speed.
        # Codes count on their own: only someone who knew the password reaches them.
        key = self.chat.login_key(user, user.username) + "/code"
        await self.chat.throttle_check(key)
        digest = token_hash(challenge)
        codes: list[str] | None = None
        try:
            if await self.enrolled(user.id):
                method = await self.verify(user, code)
            else:
                codes = await self.confirm_enrolment(user, code)
                method = "totp"
        except HearthError:
            await self.store.fail_challenge(digest)
            await self.chat.throttle_failed(key)
            raise
        await self.store.delete_challenge(digest)
        await self.chat.throttle_succeeded(key)
        auth = await self.chat.open_session(user, {"second_factor": method})
        return auth, codes

    async def new_recovery_codes(self, user: User, code: str) -> list[str]:
        await self.verify(user, code)
        codes = totp.new_recovery_codes()
        await self.store.replace_recovery_codes(user.id, [totp.recovery_hash(c) for c in codes])
        await self.chat.audit(user, "totp.recovery_codes")
        return codes

    async def reset(self, username: str) -> None:
        """The operator at the terminal removes a lost second factor; the person enrols
        again at their next login, and their sessions end."""
        found = await self.store.find_login(username)
        if found is None:
            raise NotFound("no such account")
        user = found[0]
        await self.store.remove_totp(user.id)
        await self.chat.end_sessions(await self.store.delete_user_sessions(user.id), "reset")
        await self.chat.audit(None, "totp.reset", subject_type="user", subject_id=user.id)

    async def status(self, user: User) -> dict[str, Any]:
        officers = await self.store.privacy_officers()
        grants = (
            await self.store.active_break_glass(user.id, self.chat.clock())
            if user.role is Role.ADMIN
            else []
        )
        return {
            "totp": {
                "enrolled": await self.enrolled(user.id),
                "required": self._required(user),
                "recovery_codes_left": await self.store.recovery_codes_left(user.id),
            },
            "privacy_officer": user.id in officers,
            "break_glass": [grant_dict(g) for g in grants],
            "session": dict(
                zip(("idle_seconds", "absolute_seconds"), self.limits(user.role), strict=True)
            ),
        }

    # ---- privacy officers -------------------------------------------------------------

    async def set_privacy_officer(self, actor: User | None, user_id: int, on: bool) -> None:
        """A flag on a staff account, not a role: an admin or facilitator who is also
        the program's privacy officer keeps everything else they do."""
        if actor is not None and actor.role is not Role.ADMIN:
            raise Forbidden("only an admin can name privacy officers")
        target = await self.store.get_user(user_id)
        if target is None or not target.role.is_staff:
            raise NotFound("no such staff account")
        await self.store.set_privacy_officer(user_id, on)
        await self.chat.audit(
            actor,
            "privacy_officer.set",
            subject_type="user",
            subject_id=user_id,
            detail={"on": on},
        )

    async def privacy_officers(self, actor: User) -> list[int]:
        if actor.role is not Role.ADMIN:
            raise Forbidden("only an admin can see who the privacy officers are")
        return await self.store.privacy_officers()

    # ---- break-glass ------------------------------------------------------------------

    async def break_glass(self, actor: User, room: int, reason: str) -> BreakGlass:
        """An admin who is not a member opens a room for reading, for a while, saying
        why; the privacy officers are told at once."""
        if actor.role is not Role.ADMIN:
            raise Forbidden("only an admin can use break-glass access")
        reason = " ".join(reason.split())
        if not REASON_MIN <= len(reason) <= REASON_MAX:
            raise ProtocolError(f"state the reason in {REASON_MIN} to {REASON_MAX} characters")
        if await self.store.room_state(room) is None:
            raise NotMember()
        if await self.store.membership(room, actor.id) is not None:
            raise Conflict("you are a member of this room already")
        now = self.chat.clock()
        grant = await self.store.create_break_glass(
            room, actor.id, reason, now, now + self.settings.break_glass_minutes * 60
        )
        await self.chat.audit(
            actor,
            "break_glass.open",
            subject_type="room",
            subject_id=room,
            room_id=room,
            detail={"reason": reason, "grant": grant.id, "expires_at": iso(grant.expires_at)},
        )
        frame = p.notice_frame("break_glass", access=grant_dict(grant))
        self.chat.bus.tell(await self.store.privacy_officers(), frame)
        # The admin's open sockets hear the room from now on (read only).
        for conn in self.hub.connections_of(actor.id):
            self.observe(conn, [room])
            conn.offer(p.notice_frame("break_glass_open", access=grant_dict(grant)))
        return grant

    def observe(self, conn: Connection, rooms: list[int]) -> None:
        """Hear `rooms` without being a member: no presence, no posting (the use
        cases check membership for every write)."""
        fresh = [r for r in rooms if r not in conn.rooms]
        conn.observing.update(fresh)
        self.hub.attach(conn, fresh)

    async def grants(self, actor: User, limit: int) -> list[BreakGlass]:
        if actor.role is not Role.ADMIN and actor.id not in await self.store.privacy_officers():
            raise Forbidden("only admins and privacy officers see break-glass access")
        return await self.store.list_break_glass(limit)

    async def reader(self, user: User, room: int) -> Membership | None:
        """May `user` read `room`? Its membership, or None under live break-glass.

        Raises:
            NotMember: neither (the same answer as for a room that does not exist).
        """
        try:
            return await self.chat.member(user, room)
        except NotMember:
            if user.role is Role.ADMIN:
                now = self.chat.clock()
                for g in await self.store.active_break_glass(user.id, now):
                    if g.room_id == room:
                        return None
            raise

    async def end_break_glass(self) -> list[BreakGlass]:
        """Grants past their end stop: the admin's sockets no longer hear the room, on
        every process (the store hands each ended grant to one process's sweep)."""
        ended = await self.store.end_break_glass(self.chat.clock())
        for g in ended:
            # Marked ended in the store: no later sweep hands it back, so each grant is
            # let go of here whatever fails (in doubt, the stream stops).
            try:
                member = await self.store.membership(g.room_id, g.user.id) is not None
            except Exception:  # noqa: BLE001
                log.exception("break-glass end: membership unknown; stopping the stream")
                member = False
            if not member:
                self.chat.bus.leave(g.user.id, g.room_id)
            for conn in self.hub.connections_of(g.user.id):
                conn.observing.discard(g.room_id)
            self.chat.bus.tell(
                [g.user.id], p.notice_frame("break_glass_ended", access=grant_dict(g))
            )
        for g in ended:
            try:
                await self.chat.audit(
                    None,
                    "break_glass.end",
                    subject_type="user",
                    subject_id=g.user.id,
                    room_id=g.room_id,
                    detail={"grant": g.id},
                )
            except Exception:  # noqa: BLE001 - the others' entries still get written
                log.exception("break-glass end: audit entry not written")
        return ended
