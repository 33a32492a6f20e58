"""Exports and the disclosure ledger.

Owns: `Disclosures`: a person downloads their own messages and account data; an admin
exports a room's or a member's records for a lawful disclosure, which is first entered
in the ledger (who, what, to whom, why, when) that each person it carried can read.
Every export is audited, never with message bodies. No aiohttp. May import: export,
protocol, models, errors, store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from . import export
from .errors import Forbidden, NotFound, ProtocolError
from .models import Disclosure, Message, Role, User, iso

if TYPE_CHECKING:
    from .chat import Chat

RECIPIENT_MAX = 200
PURPOSE_MAX = 1000
LEDGER_MAX = 500


class Format(StrEnum):
    JSON = "json"
    HTML = "html"


class Subject(StrEnum):
    ROOM = "room"
    MEMBER = "member"


def _text(value: str, what: str, limit: int) -> str:
    value = " ".join(value.split())
    if len(value) < 3 or len(value) > limit:
        raise ProtocolError(f"'{what}' is 3 to {limit} characters")
    return value


class Disclosures:
    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.store = chat.store

    def _now(self) -> str | None:
        return iso(datetime.fromtimestamp(self.chat.clock(), UTC))

    async def _account(self, user: User) -> dict[str, Any]:
        created = await self.store.user_created_at(user.id)
        rooms = await self.store.room_summaries(user.id)
        return {
            "id": user.id,
            "username": user.username,
            "name": user.display_name,
            "role": user.role.value,
            "created_at": iso(datetime.fromtimestamp(created, UTC)) if created else None,
            "hide_presence": user.hide_presence,
            "hide_read": user.hide_read,
            "rooms": [{"id": r.id, "name": r.name, "role": r.role.value} for r in rooms],
            "agreements_accepted": [
                {"room": room, "version": version, "at": iso(datetime.fromtimestamp(at, UTC))}
                for room, version, at in await self.store.agreement_acceptances(user.id)
            ],
        }

    async def _authored(self, user_id: int) -> list[dict[str, Any]]:
        by_room: dict[int, tuple[str, list[Message]]] = {}
        for item in await self.store.messages_by_author(user_id):
            by_room.setdefault(item.room_id, (item.room_name, []))[1].append(item.message)
        return export.rooms_record((rid, name, ms) for rid, (name, ms) in by_room.items())

    async def own(self, user: User, fmt: Format) -> dict[str, Any]:
        """Everything Hearth holds that is this person's: account, their messages, and
        who their records were disclosed to."""
        doc = export.document(
            scope="self",
            program=self.chat.settings.program_name,
            generated_at=self._now(),
            account=await self._account(user),
            rooms=await self._authored(user.id),
            unshared=export.unshared_record(await self.store.unshared_by_author(user.id)),
            checkins=await self.store.checkins_of(user.id),
            ledger=await self.store.disclosures(user.id, LEDGER_MAX),
        )
        await self.chat.audit(
            user,
            "export.self",
            subject_type="user",
            subject_id=user.id,
            detail={"format": fmt.value},
        )
        return doc

    async def disclose(
        self,
        actor: User,
        subject: Subject,
        subject_id: int,
        recipient: str,
        purpose: str,
        fmt: Format,
    ) -> dict[str, Any]:
        """A lawful disclosure: entered in the ledger first, then built, with the
        42 CFR Part 2 notice.

        Raises:
            Forbidden: not an admin. NotFound: no such room or member.
        """
        if actor.role is not Role.ADMIN:
            raise Forbidden("only an admin can export records for a disclosure")
        recipient = _text(recipient, "recipient", RECIPIENT_MAX)
        purpose = _text(purpose, "purpose", PURPOSE_MAX)
        account: dict[str, Any] | None = None
        unshared: list[dict[str, Any]] | None = None
        if subject is Subject.ROOM:
            state = await self.store.room_state(subject_id)
            if state is None:
                raise NotFound("no such room")
            messages = await self.store.room_messages(subject_id)
            rooms = export.rooms_record([(state.id, state.name, messages)])
            carried = {m.author.id for m in messages} | {
                u.id for u, _ in await self.store.room_members(subject_id)
            }
            room_id: int | None = subject_id
        else:
            member = await self.store.get_user(subject_id)
            if member is None:
                raise NotFound("no such member")
            account = await self._account(member)
            rooms = await self._authored(member.id)
            unshared = export.unshared_record(await self.store.unshared_by_author(member.id))
            carried = {member.id}
            room_id = None
        entry: Disclosure = await self.store.add_disclosure(
            actor.id,
            subject.value,
            subject_id,
            recipient,
            purpose,
            fmt.value,
            sorted(carried),
            self.chat.clock(),
        )
        await self.chat.audit(
            actor,
            "export.disclosure",
            subject_type=subject.value,
            subject_id=subject_id,
            room_id=room_id,
            detail={"ledger": entry.id, "format": fmt.value},
        )
        return export.document(
            scope=subject.value,
            program=self.chat.settings.program_name,
            generated_at=self._now(),
            account=account,
            rooms=rooms,
            unshared=unshared,
            disclosure=entry,
        )

    async def ledger(self, actor: User, about_me: bool) -> list[Disclosure]:
        """A person's own entries; the whole ledger for admins and privacy officers."""
        if about_me:
            return await self.store.disclosures(actor.id, LEDGER_MAX)
        if actor.role is not Role.ADMIN and actor.id not in await self.store.privacy_officers():
            raise Forbidden("only admins and privacy officers read the whole ledger")
        return await self.store.disclosures(None, LEDGER_MAX)
