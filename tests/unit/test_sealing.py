"""Sealing: AES-GCM with the key id in front and the row in the associated data."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.store.sealing import (
    Keyring,
    SealError,
    key_id,
    load_keyring,
    new_key,
    parse_keys,
    retire_keys,
    rotate_key_file,
)


def test_seal_opens_only_with_its_key_and_its_row() -> None:
    k1, k2 = new_key(), new_key()
    ring = Keyring([k1])
    sealed = ring.seal("I relapsed on Friday", "m|1|7")
    assert b"relapsed" not in sealed
    assert sealed[1:5] == key_id(k1) == ring.primary_id
    assert ring.open(sealed, "m|1|7") == "I relapsed on Friday"
    assert ring.seal("same", "m|1|7") != ring.seal("same", "m|1|7")  # fresh nonce
    with pytest.raises(SealError):
        ring.open(sealed, "m|1|8")  # moved to another row
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(SealError):
        ring.open(tampered, "m|1|7")
    with pytest.raises(SealError, match="not loaded"):
        Keyring([k2]).open(sealed, "m|1|7")
    # After rotation the old key still opens, the new one seals.
    rotated = Keyring([k2, k1])
    assert rotated.open(sealed, "m|1|7") == "I relapsed on Friday"
    assert rotated.seal("x", "a")[1:5] == key_id(k2)
    assert rotated.open(None, "a") is None and rotated.open("legacy text", "a") == "legacy text"
    assert "relapsed" not in repr(rotated) and len(repr(rotated)) < 60


def test_key_file_is_created_private_and_rotates(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    ring = load_keyring(str(db))
    path = tmp_path / "h.db.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_keyring(str(db)).primary_id == ring.primary_id  # stable across starts
    new_id = rotate_key_file(path)
    keys = parse_keys(path.read_text())
    assert [key_id(k) for k in keys] == [new_id, ring.primary_id]
    assert retire_keys(path, in_use={ring.primary_id}) == []
    assert retire_keys(path, in_use=set()) == [ring.primary_id]
    assert [key_id(k) for k in parse_keys(path.read_text())] == [new_id]


def test_environment_keys_and_bad_keys() -> None:
    k1, k2 = new_key(), new_key()
    from server.store.sealing import encode_key

    ring = load_keyring("/nonexistent/h.db", data_key=f"{encode_key(k1)},{encode_key(k2)}")
    assert ring.primary_id == key_id(k1) and set(ring.ids) == {key_id(k1), key_id(k2)}
    with pytest.raises(SealError):
        parse_keys("not-a-key")
    with pytest.raises(SealError):
        Keyring([])
