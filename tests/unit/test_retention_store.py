"""The store's purge and resealer work in bounded batches that add up to everything."""

from __future__ import annotations

from pathlib import Path

from server.models import Role, RoomKind
from server.store import open_store
from server.store.sealing import Keyring, key_id, new_key

DEFAULTS = {RoomKind.COHORT: 1, RoomKind.ALUMNI: 10}


async def test_purge_and_reseal_in_small_batches_cover_every_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    old, new = new_key(), new_key()
    store = open_store(url, keyring=Keyring([old]))
    await store.open()
    fran = await store.create_user("fran", "Fran", Role.FACILITATOR, "h", 0.0)
    room = (await store.create_cohort("G", None, [fran.id], "rules", fran.id, 0.0)).room_id
    for i in range(25):
        await store.add_message(room, fran, f"c{i}", f"text {i}", None, 100.0 + i)
        await store.audit(100.0 + i, fran.id, "test.entry", detail=f'{{"n": {i}}}')
    await store.close()

    store = open_store(url, keyring=Keyring([new, old]))
    await store.open()
    try:
        sizes = []
        while n := await store.reseal(batch=7):
            sizes.append(n)
        assert sum(sizes) == 50 and max(sizes) == 7  # 25 bodies, 25 audit details
        assert await store.key_usage() == {key_id(new).hex(): 50}
        assert await store.reseal(batch=7) == 0

        # Messages 0..9 expire first (sent at 100..109, 1 day kept), in batches of 4.
        now = 100.0 + 86400 + 9.5
        batches = []
        while purged := await store.purge_expired(now, DEFAULTS, limit=4):
            batches.append(purged[0].messages)
        assert batches == [4, 4, 2]
        assert [m.text for m in await store.history(room, None, 100)] == [
            f"text {i}" for i in range(10, 25)
        ]
        entries = [e for e in await store.audit_entries(None, 100) if e.action == "retention.purge"]
        assert len(entries) == 3
        assert (await store.verify_audit()).broken_at is None
    finally:
        await store.close()
