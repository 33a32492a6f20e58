"""The `hearth` command: serve, create the first admin, assess messages.

Owns: argument parsing and terminal I/O. May import everything in `server`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from .config import Secret, Settings
from .errors import HearthError
from .models import Role

if TYPE_CHECKING:
    from .chat import Chat


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        os.environ,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        database=_secret(getattr(args, "database", None)),
        redis_url=_secret(getattr(args, "redis", None)),
    )


def _secret(value: str | None) -> Secret | None:
    """URLs may carry passwords: keep them out of any repr."""
    return None if value is None else Secret(value)


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from .app import make_app

    settings = _settings(args)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiohttp's access log carries paths with invite tokens; keep it off.
    asyncio.run(_first_start_hint(settings))
    app = make_app(settings)
    app.on_startup.append(_settle_heap)  # after every cleanup_ctx: the store is open
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        access_log=None,
        backlog=4096,
        print=lambda _msg: print(
            f"Hearth is serving on http://{settings.host}:{settings.port} (Ctrl+C to stop)",
            flush=True,
        ),
    )
    return 0


async def _settle_heap(_app: object) -> None:
    """What start-up built (rule tables, compiled expressions, the model's weights, the
    app) lives as long as the process: move it out of the cyclic collector's sight. A
    full collection otherwise walks all of it, 40 to 270 ms under load, and every
    message in flight waits that long (bench/README.md); now it walks what came since."""
    gc.collect()
    gc.freeze()


async def _first_start_hint(settings: Settings) -> None:
    from .store import open_store_for

    store = open_store_for(settings)
    await store.open()
    try:
        admins = await store.count_users(Role.ADMIN)
    finally:
        await store.close()
    if admins == 0:
        print(
            "No admin yet. Create the first one in another terminal:\n"
            "    .venv/bin/hearth create-admin --username admin --name 'Program Admin'\n",
            flush=True,
        )


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("the passwords differ")
    return first


def _create_account(args: argparse.Namespace, role: Role) -> int:
    password = _read_password(args)

    async def work(chat: Chat) -> int:
        user = await chat.create_account(None, args.username, args.name, password, role)
        print(f"created {role.value} '{user.username}' (id {user.id})")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


async def _with_chat(settings: Settings, work: Callable[[Chat], Awaitable[int]]) -> int:
    """Run one administrative task against the store, as the operator at the terminal."""
    from .bus import LocalBus
    from .chat import Chat
    from .hub import Hub
    from .store import open_store_for

    store = open_store_for(settings)
    await store.open()
    try:
        hub = Hub()
        return await work(Chat(settings, store, hub, LocalBus(hub)))
    except HearthError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        await store.close()


def _set_password(args: argparse.Namespace) -> int:
    password = _read_password(args)

    async def work(chat: Chat) -> int:
        await chat.reset_password(args.username, password)
        print(f"password set for '{args.username}'; their sessions have ended")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _unsuspend(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        found = await chat.store.find_login(args.username)
        if found is None:
            print("error: no such account", file=sys.stderr)
            return 1
        await chat.store.set_suspended(found[0].id, False)
        await chat.audit(None, "moderate.unsuspend", subject_type="user", subject_id=found[0].id)
        print(f"'{found[0].username}' can sign in again")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _users(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        for user in await chat.store.list_users():
            state = " (suspended)" if user.suspended else ""
            print(f"{user.id:>6}  {user.role.value:<12} {user.username}{state}")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


# ---- retention, audit chain, keys ----


def _when(text: str) -> float:
    """An ISO 8601 time (UTC unless it says otherwise) or UNIX seconds."""
    from datetime import UTC, datetime

    try:
        return float(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"not a time: {text!r} (use ISO 8601, e.g. 2026-11-01T09:00)") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _audit_verify(args: argparse.Namespace) -> int:
    head = None
    if args.head:
        hid, _, digest = args.head.partition(":")
        head = (int(hid), digest.lower())

    async def work(chat: Chat) -> int:
        check = await chat.store.verify_audit(head)
        if check.broken_at is not None:
            print(
                f"audit log BROKEN at entry {check.broken_at}: {check.problem}"
                f" ({check.checked} entries before it verified)"
            )
            return 2
        top = await chat.store.audit_head()
        print(
            f"audit log verified: {check.checked} entries, head {top[0]}:{top[1]}"
            if top
            else "audit log verified: empty"
        )
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _audit_touched(args: argparse.Namespace) -> int:
    from .retention import touched_line

    async def work(chat: Chat) -> int:
        found = await chat.store.find_login(args.staff)
        if found is None:
            print(f"error: no account '{args.staff}'", file=sys.stderr)
            return 1
        since, until = _when(args.since), _when(args.until)
        people = await chat.retention.touched(found[0].id, since, until)
        for t in people:
            print(touched_line(t))
        await chat.audit(
            None,
            "audit.touched",
            subject_type="user",
            subject_id=found[0].id,
            detail={"since": since, "until": until, "members": len(people)},
        )
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _purge(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        purged = await chat.retention.purge()
        for p in purged:
            print(
                f"room {p.room_id}: {p.messages} messages, {p.held} held messages,"
                f" {p.checkins} check-ins removed"
            )
        print(f"purge done: {sum(p.messages for p in purged)} messages removed")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _rotate_key(args: argparse.Namespace) -> int:
    from .store import key_file_path
    from .store.sealing import rotate_key_file

    settings = _settings(args)
    if str(settings.data_key):
        print(
            "error: keys come from HEARTH_DATA_KEY; put a new key (python -c 'import base64,"
            "os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())') first in it",
            file=sys.stderr,
        )
        return 1
    path = key_file_path(settings)
    kid = rotate_key_file(path)
    print(f"new primary key {kid.hex()} written to {path}; older keys kept to open old rows.")
    if args.now:

        async def work(chat: Chat) -> int:
            n = await chat.retention.reseal_all()
            print(f"resealed {n} rows")
            return 0

        return asyncio.run(_with_chat(_settings(args), work))
    print("Restart the server: it reseals old rows in the background (or run with --now).")
    return 0


def _keys(args: argparse.Namespace) -> int:
    from .store import key_file_path
    from .store.sealing import retire_keys

    async def work(chat: Chat) -> int:
        usage = await chat.store.key_usage()
        for kid, n in sorted(usage.items()):
            print(f"{kid:>8}  {n} rows")
        settings = _settings(args)
        if args.retire and not str(settings.data_key):
            path = key_file_path(settings)
            in_use = {bytes.fromhex(k) for k in usage if k != "plain"}
            for gone in retire_keys(path, in_use):
                print(f"retired key {gone.hex()} (no row uses it)")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _hold(args: argparse.Namespace) -> int:
    from .retention import hold_dict

    async def work(chat: Chat) -> int:
        retention = chat.retention
        if args.hold_command == "list":
            for hold in await retention.holds(None, active_only=not args.all):
                print(json.dumps(hold_dict(hold)))
            return 0
        if args.hold_command == "release":
            hold = await retention.release_hold(None, args.id, args.reason)
            print(f"legal hold {hold.id} released")
            return 0
        user_id = None
        if args.user is not None:
            found = await chat.store.find_login(args.user)
            if found is None:
                print(f"error: no account '{args.user}'", file=sys.stderr)
                return 1
            user_id = found[0].id
        hold = await retention.place_hold(None, args.room, user_id, args.reason)
        print(f"legal hold {hold.id} placed; purging of what it covers is suspended")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _retention(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        if args.days is not None or args.default:
            shown = await chat.retention.set_room_retention(
                None, args.room, None if args.default else args.days
            )
        else:
            shown = await chat.retention.room_retention(None, args.room)
        source = "set for this room" if shown["days"] is not None else "the program default"
        hold = "; a legal hold suspends purging" if shown["on_hold"] else ""
        print(f"room {args.room} keeps messages {shown['effective_days']} days ({source}){hold}")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _privacy_officer(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        found = await chat.store.find_login(args.username)
        if found is None:
            print("error: no such account", file=sys.stderr)
            return 1
        await chat.access.set_privacy_officer(None, found[0].id, not args.off)
        state = "no longer" if args.off else "now"
        print(f"'{found[0].username}' is {state} a privacy officer")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _reset_second_factor(args: argparse.Namespace) -> int:
    async def work(chat: Chat) -> int:
        await chat.access.reset(args.username)
        print(f"second factor removed for '{args.username}'; they enrol again at next login")
        return 0

    return asyncio.run(_with_chat(_settings(args), work))


def _migrate_store(args: argparse.Namespace) -> int:
    from .store import database_path
    from .store.copy import CopyError, copy_store
    from .store.sealing import load_keyring

    # The SQLite database's keys, found as the server finds them (HEARTH_DATA_KEY,
    # HEARTH_KEY_FILE, or the key file beside it).
    settings = _settings(args)
    keyring = load_keyring(database_path(args.source), settings.key_file, str(settings.data_key))
    try:
        copied = asyncio.run(copy_store(args.source, args.target, keyring))
    except CopyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for c in copied:
        print(f"{c.table:<24} {c.rows:>9} rows")
    print("copied; point HEARTH_DATABASE at the new database and restart")
    return 0


def _assess(args: argparse.Namespace) -> int:
    from moderation.__main__ import main as assess_main

    return assess_main([])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hearth", description="Hearth group chat server")
    sub = parser.add_subparsers(dest="command", required=True)

    def db_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--database", help="database URL (default sqlite:///var/hearth.db; env HEARTH_DATABASE)"
        )

    serve = sub.add_parser("serve", help="serve Hearth over HTTP and websockets")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1; env HEARTH_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8080; env HEARTH_PORT)")
    db_arg(serve)
    serve.add_argument(
        "--redis",
        help="Redis URL relaying live events between processes (env HEARTH_REDIS_URL)",
    )
    serve.set_defaults(func=_serve)

    p = sub.add_parser(
        "migrate-store", help="copy a SQLite database into an empty PostgreSQL database"
    )
    p.add_argument("--from", dest="source", required=True, help="sqlite:///path/to/hearth.db")
    p.add_argument("--to", dest="target", required=True, help="postgresql://user@host/db")
    p.set_defaults(func=_migrate_store)

    for name, role in (("create-admin", Role.ADMIN), ("create-facilitator", Role.FACILITATOR)):
        p = sub.add_parser(name, help=f"create a {role.value} account")
        p.add_argument("--username", required=True)
        p.add_argument("--name", required=True, help="display name")
        p.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of prompting",
        )
        db_arg(p)
        p.set_defaults(func=lambda a, r=role: _create_account(a, r))

    p = sub.add_parser("set-password", help="set a new password for an account")
    p.add_argument("--username", required=True)
    p.add_argument("--password-stdin", action="store_true")
    db_arg(p)
    p.set_defaults(func=_set_password)

    p = sub.add_parser("unsuspend", help="let a suspended account sign in again")
    p.add_argument("--username", required=True)
    db_arg(p)
    p.set_defaults(func=_unsuspend)

    p = sub.add_parser("users", help="list accounts (ids, roles, usernames)")
    db_arg(p)
    p.set_defaults(func=_users)

    # ---- retention, audit chain, keys ----
    audit = sub.add_parser("audit", help="check the audit log; breach response")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    p = audit_sub.add_parser("verify", help="check the hash chain; exit 2 if broken")
    p.add_argument("--head", help="ID:HASH of a head logged earlier that must still be there")
    db_arg(p)
    p.set_defaults(func=_audit_verify)
    p = audit_sub.add_parser(
        "touched", help="members whose records a staff account touched between two times"
    )
    p.add_argument("--staff", required=True, help="the staff account's username")
    p.add_argument("--since", required=True, help="ISO 8601 time (UTC) or UNIX seconds")
    p.add_argument("--until", required=True, help="ISO 8601 time (UTC) or UNIX seconds")
    db_arg(p)
    p.set_defaults(func=_audit_touched)
    p = sub.add_parser("purge", help="remove expired messages now (the server does it hourly)")
    db_arg(p)
    p.set_defaults(func=_purge)
    p = sub.add_parser("rotate-key", help="make a new data key the one that seals")
    p.add_argument("--now", action="store_true", help="reseal old rows now (server stopped)")
    db_arg(p)
    p.set_defaults(func=_rotate_key)
    p = sub.add_parser("keys", help="rows per data key; --retire drops unused old keys")
    p.add_argument("--retire", action="store_true")
    db_arg(p)
    p.set_defaults(func=_keys)

    hold = sub.add_parser("hold", help="legal holds: suspend purging for a room or member")
    hold_sub = hold.add_subparsers(dest="hold_command", required=True)
    p = hold_sub.add_parser("place", help="place a legal hold")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--room", type=int, help="room id")
    target.add_argument("--user", help="the member's username")
    p.add_argument("--reason", required=True)
    db_arg(p)
    p.set_defaults(func=_hold)
    p = hold_sub.add_parser("release", help="release a legal hold")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    db_arg(p)
    p.set_defaults(func=_hold)
    p = hold_sub.add_parser("list", help="active legal holds (JSON lines)")
    p.add_argument("--all", action="store_true", help="include released ones")
    db_arg(p)
    p.set_defaults(func=_hold)
    p = sub.add_parser("retention", help="show or set how long a room keeps messages")
    p.add_argument("--room", type=int, required=True)
    change = p.add_mutually_exclusive_group()
    change.add_argument("--days", type=int)
    change.add_argument("--default", action="store_true", help="follow the program default")
    db_arg(p)
    p.set_defaults(func=_retention)

    p = sub.add_parser(
        "privacy-officer", help="name a staff account a privacy officer (told of break-glass)"
    )
    p.add_argument("--username", required=True)
    p.add_argument("--off", action="store_true", help="remove the flag instead")
    db_arg(p)
    p.set_defaults(func=_privacy_officer)

    p = sub.add_parser(
        "reset-second-factor", help="remove a lost second factor; it is set up again at login"
    )
    p.add_argument("--username", required=True)
    db_arg(p)
    p.set_defaults(func=_reset_second_factor)

    assess = sub.add_parser(
        "assess", help='read {"id","text"} JSON lines, write {"id","labels"} JSON lines'
    )
    assess.set_defaults(func=_assess)

    args = parser.parse_args(argv)
    from .store.sealing import SealError

    try:
        result: int = args.func(args)
    except SealError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
