"""Retention, legal holds, key rotation and breach response: the use cases.

Owns: `Retention`, which decides who may set a room's retention or place a legal hold,
runs the purge and the resealer, and answers "whose records did this staff account
touch?". No aiohttp. May import: store, models, errors, config.

What "touched" means (`touched`): a member is touched by a staff account between two
times if (a) the account acted on them or on something of theirs in that window
(any audit entry by the account whose subject is the member, or their message, held
message, alert or report: moderation, reading a removed original, break-glass, export),
or (b) the account was active in that window (any audit entry by it, or a session alive
in it) and the member belongs (or enrolled) in a room the account belongs to or acted
in, because staff can read everything in their rooms. (b) over-reports on purpose: a
breach notice that misses someone is worse than one that includes a person whose
messages were merely on screen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .errors import Forbidden, NotFound, ProtocolError
from .models import Role, RoomKind, User, iso
from .store import LegalHold, Purged, Store, Touched

if TYPE_CHECKING:
    from .chat import Chat

log = logging.getLogger(__name__)

MAX_DAYS = 100 * 365
REASON_CHARS = 500
RESEAL_BATCH = 200
PURGE_BATCH = 2000


class Retention:
    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.store: Store = chat.store
        self.clock: Callable[[], float] = chat.clock

    @property
    def defaults(self) -> Mapping[RoomKind, int]:
        s = self.chat.settings
        return {RoomKind.COHORT: s.retention_days, RoomKind.ALUMNI: s.alumni_retention_days}

    @staticmethod
    def _admin(actor: User, what: str) -> None:
        if actor.role is not Role.ADMIN:
            raise Forbidden(f"only an admin can {what}")

    # ---- retention ------------------------------------------------------------------

    async def room_retention(self, actor: User | None, room: int) -> dict[str, Any]:
        """`actor=None` is the operator at the terminal."""
        if actor is not None and actor.role is not Role.ADMIN:
            membership = await self.chat.member(actor, room)
            if membership.role is not Role.FACILITATOR:
                raise Forbidden("only staff see a room's retention")
        found = await self.store.room_retention(room)
        if found is None:
            raise NotFound("no such room")
        kind, days = found
        holds = await self.store.list_holds(active_only=True)
        return {
            "room": room,
            "days": days,
            "default_days": self.defaults[kind],
            "effective_days": days if days is not None else self.defaults[kind],
            "on_hold": any(h.room_id == room for h in holds),
        }

    async def set_room_retention(
        self, actor: User | None, room: int, days: int | None
    ) -> dict[str, Any]:
        """Set a room's retention in days (`None`: the program default for its kind)."""
        if actor is not None:
            self._admin(actor, "set retention")
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise ProtocolError(f"retention is 1 to {MAX_DAYS} days")
        before = await self.room_retention(actor, room)
        await self.store.set_room_retention(room, days)
        await self.chat.audit(
            actor,
            "retention.change",
            subject_type="room",
            subject_id=room,
            room_id=room,
            detail={"from": before["days"], "to": days},
        )
        return await self.room_retention(actor, room)

    async def purge(self) -> list[Purged]:
        """Remove every expired message now (the store audits each room's purge)."""
        now = self.clock()
        totals: dict[int, Purged] = {}
        # In bounded transactions, so sends wait for none of them for long.
        while batch := await self.store.purge_expired(now, self.defaults, PURGE_BATCH):
            for p in batch:
                before = totals.get(p.room_id, Purged(p.room_id, 0, 0))
                totals[p.room_id] = Purged(
                    p.room_id,
                    before.messages + p.messages,
                    before.held + p.held,
                    before.checkins + p.checkins,
                )
        purged = list(totals.values())
        for p in purged:
            log.info(
                "purged room %d: %d messages, %d held, %d check-ins",
                p.room_id,
                p.messages,
                p.held,
                p.checkins,
            )
        head = await self.store.audit_head()
        if head is not None:
            # An anchor outside the database: `hearth audit verify --head` checks it.
            log.info("audit head id=%d hash=%s", head[0], head[1])
        return purged

    # ---- legal holds ----------------------------------------------------------------

    @staticmethod
    def _reason(reason: str) -> str:
        reason = reason.strip()
        if not reason or len(reason) > REASON_CHARS:
            raise ProtocolError(f"a legal hold needs a reason of 1 to {REASON_CHARS} characters")
        return reason

    async def place_hold(
        self, actor: User | None, room: int | None, user: int | None, reason: str
    ) -> LegalHold:
        """Suspend purging for a room or a member. `actor=None` is the operator."""
        if actor is not None:
            self._admin(actor, "place a legal hold")
        if (room is None) == (user is None):
            raise ProtocolError("a legal hold covers either a room or a member")
        reason = self._reason(reason)
        hold_id = await self.store.place_hold(
            room, user, reason, actor.id if actor else None, self.clock()
        )
        await self.chat.audit(
            actor,
            "legal_hold.place",
            subject_type="user" if user is not None else "room",
            subject_id=user if user is not None else room,
            room_id=room,
            detail={"hold": hold_id, "reason": reason},
        )
        return next(h for h in await self.store.list_holds(active_only=True) if h.id == hold_id)

    async def release_hold(self, actor: User | None, hold_id: int, reason: str) -> LegalHold:
        if actor is not None:
            self._admin(actor, "release a legal hold")
        reason = self._reason(reason)
        hold = await self.store.release_hold(hold_id, actor.id if actor else None, self.clock())
        await self.chat.audit(
            actor,
            "legal_hold.release",
            subject_type="user" if hold.user_id is not None else "room",
            subject_id=hold.user_id if hold.user_id is not None else hold.room_id,
            room_id=hold.room_id,
            detail={"hold": hold_id, "reason": reason},
        )
        return hold

    async def holds(self, actor: User | None, active_only: bool = True) -> list[LegalHold]:
        if actor is not None:
            self._admin(actor, "see legal holds")
        return await self.store.list_holds(active_only)

    # ---- keys and breach response -----------------------------------------------------

    async def reseal_all(self) -> int:
        """Reseal, in small batches, every row an older key sealed; returns how many."""
        total = 0
        while n := await self.store.reseal(RESEAL_BATCH):
            total += n
        if total:
            log.info("resealed %d rows under the primary key", total)
            await self.chat.audit(None, "keys.reseal", detail={"rows": total})
        return total

    async def touched(self, staff_id: int, since: float, until: float) -> list[Touched]:
        """Members whose records `staff_id` touched in [since, until] (see the module
        docstring for what counts)."""
        if until < since:
            raise ProtocolError("'until' is before 'since'")
        return await self.store.staff_touched(staff_id, since, until)


def hold_dict(h: LegalHold) -> dict[str, Any]:
    return {
        "id": h.id,
        "room": h.room_id,
        "user": h.user_id,
        "reason": h.reason,
        "created_by": h.created_by,
        "created_at": iso(h.created_at),
        "released_at": iso(h.released_at) if h.released_at else None,
    }


def touched_line(t: Touched) -> str:
    return json.dumps(
        {
            "user": t.user.id,
            "username": t.user.username,
            "role": t.user.role.value,
            "why": list(t.reasons),
        }
    )
