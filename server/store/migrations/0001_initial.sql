-- Hearth schema, version 1. Times are UNIX seconds (REAL) in UTC.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    hide_presence INTEGER NOT NULL DEFAULT 0,
    hide_read INTEGER NOT NULL DEFAULT 0,
    suspended INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);

-- Only a hash of the token is kept: a stolen database does not yield live sessions.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL,
    last_seen_at REAL NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE rooms (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    latest_seq INTEGER NOT NULL DEFAULT 0,
    agreement_version INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);

CREATE TABLE agreements (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL,
    PRIMARY KEY (room_id, version)
);

CREATE TABLE cohorts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    schedule TEXT NOT NULL DEFAULT '',
    room_id INTEGER NOT NULL UNIQUE REFERENCES rooms(id),
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL
);

CREATE TABLE room_members (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    joined_at REAL NOT NULL,
    read_seq INTEGER NOT NULL DEFAULT 0,
    accepted_version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user ON room_members(user_id);

-- Every acceptance of a group agreement, with the version of its text.
CREATE TABLE agreement_acceptances (
    room_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    accepted_at REAL NOT NULL,
    PRIMARY KEY (room_id, user_id, version)
);

CREATE TABLE invites (
    token_hash BLOB PRIMARY KEY,
    cohort_id INTEGER NOT NULL REFERENCES cohorts(id),
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL,
    used_by INTEGER REFERENCES users(id)
);

-- A message is identified by (room_id, seq): seq is the room-log sequence of the
-- event that posted it. client_id makes re-sends idempotent.
CREATE TABLE messages (
    room_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    body TEXT,
    reply_to INTEGER,
    sent_at REAL NOT NULL,
    edited_at REAL,
    deleted_at REAL,
    PRIMARY KEY (room_id, seq),
    UNIQUE (room_id, author_id, client_id)
);

-- The room log: one row per change, gap-free per room.
CREATE TABLE events (
    room_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message_seq INTEGER NOT NULL,
    actor_id INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (room_id, seq)
);

CREATE TABLE reactions (
    room_id INTEGER NOT NULL,
    message_seq INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    reaction TEXT NOT NULL,
    PRIMARY KEY (room_id, message_seq, user_id, reaction)
);

-- Append-only record of who did what to whom, when and why. Never message bodies.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    subject_type TEXT,
    subject_id INTEGER,
    room_id INTEGER,
    detail TEXT NOT NULL DEFAULT '{}'
);
