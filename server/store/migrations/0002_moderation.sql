-- Moderation: room policy and state, mutes, removals, the hold queue, alerts, reports.
ALTER TABLE rooms ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN slow_mode_seconds INTEGER NOT NULL DEFAULT 0;
-- label -> action overrides of the default policy, as JSON.
ALTER TABLE rooms ADD COLUMN policy TEXT NOT NULL DEFAULT '{}';

ALTER TABLE room_members ADD COLUMN muted_until REAL;
ALTER TABLE room_members ADD COLUMN mute_reason TEXT;

-- A removed message keeps its text for staff; the room sees a tombstone.
ALTER TABLE messages ADD COLUMN removed_by INTEGER;
ALTER TABLE messages ADD COLUMN removal_reason TEXT;

-- Messages that wait for a facilitator (held) or never reach the room (blocked).
CREATE TABLE held_messages (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    client_id TEXT NOT NULL,
    body TEXT NOT NULL,
    reply_to INTEGER,
    sent_at REAL NOT NULL,
    labels TEXT NOT NULL,
    state TEXT NOT NULL,
    decided_by INTEGER,
    decided_at REAL,
    note TEXT,
    message_seq INTEGER,
    UNIQUE (room_id, author_id, client_id)
);
CREATE INDEX held_messages_room_state ON held_messages(room_id, state);

-- Alerts stay until a facilitator acknowledges them. Evidence is kept as rule ids;
-- the phrases are recomputed from the message for staff, never stored twice.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    kind TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    subject_id INTEGER NOT NULL REFERENCES users(id),
    message_seq INTEGER,
    held_id INTEGER,
    labels TEXT NOT NULL,
    rules TEXT NOT NULL,
    created_at REAL NOT NULL,
    acknowledged_by INTEGER,
    acknowledged_at REAL
);
CREATE INDEX alerts_room_open ON alerts(room_id, acknowledged_at);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    message_seq INTEGER NOT NULL,
    reporter_id INTEGER NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    handled_by INTEGER,
    handled_at REAL,
    note TEXT
);
CREATE INDEX reports_room_state ON reports(room_id, state);
CREATE INDEX audit_room ON audit_log(room_id, at);
