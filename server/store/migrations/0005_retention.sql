-- Retention, legal holds and a tamper-evident audit log (issue 7, storage half).
-- Bodies and staff notes become sealed BLOBs (see server/store/sealing.py); older TEXT
-- values still read and are sealed by the background resealer.

-- Days a room keeps its messages; NULL follows the program default for its kind.
ALTER TABLE rooms ADD COLUMN retention_days INTEGER;

-- A legal hold on a room or on a member suspends purging of what it covers.
CREATE TABLE legal_holds (
    id INTEGER PRIMARY KEY,
    room_id INTEGER REFERENCES rooms(id),
    user_id INTEGER REFERENCES users(id),
    reason BLOB,
    created_by INTEGER,
    created_at REAL NOT NULL,
    released_by INTEGER,
    released_at REAL,
    CHECK ((room_id IS NULL) != (user_id IS NULL))
);
CREATE INDEX legal_holds_active ON legal_holds(released_at);

-- Each audit row carries the hash of the one before and its own hash over both.
ALTER TABLE audit_log ADD COLUMN prev_hash BLOB;
ALTER TABLE audit_log ADD COLUMN hash BLOB;
CREATE INDEX audit_actor ON audit_log(actor_id, at);

-- The purge finds expired messages by time.
CREATE INDEX messages_sent ON messages(room_id, sent_at);
CREATE INDEX held_messages_sent ON held_messages(room_id, sent_at);
