"""The audit log's hash chain: each entry's hash covers its fields and the hash before it.

Owns: the canonical serialization of an audit entry and its hash. Pure (hashlib, json).

Removing or altering an entry changes every hash after it, so `hearth audit verify`
finds the first entry that no longer fits. The hash covers the detail's text, not its
sealed bytes, so resealing under a new key leaves the chain intact. Ids are consecutive,
so a removed entry also leaves a gap. Removing entries at the end leaves a shorter valid
chain: the server therefore logs the head (`audit head id=N hash=...`) at every purge
run, and `verify --head N:HASH` checks that a head seen earlier is still in the chain.
"""

from __future__ import annotations

import hashlib
import json

GENESIS = bytes(32)


def entry_hash(
    prev_hash: bytes,
    entry_id: int,
    at: float,
    actor_id: int | None,
    action: str,
    subject_type: str | None,
    subject_id: int | None,
    room_id: int | None,
    detail: str,
) -> bytes:
    fields = [entry_id, repr(float(at)), actor_id, action, subject_type, subject_id, room_id]
    canonical = json.dumps([*fields, detail], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(prev_hash + canonical.encode("ascii")).digest()
