-- Access (issue 7): second factor, per-role sessions, break-glass, disclosures.

-- TOTP (RFC 6238). The secret is set when enrolment starts and confirmed by a first
-- good code; last_step refuses a code's replay within its window.
CREATE TABLE totp (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    secret TEXT NOT NULL,
    confirmed_at REAL,
    last_step INTEGER NOT NULL DEFAULT 0
);

-- Single-use recovery codes, kept only as SHA-256 of 80 random bits.
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users(id),
    code_hash BLOB NOT NULL,
    used_at REAL,
    PRIMARY KEY (user_id, code_hash)
);

-- A password that was right, waiting for its second factor (kept as a hash).
CREATE TABLE login_challenges (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    expires_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);

-- Staff who are told of every break-glass access.
ALTER TABLE users ADD COLUMN privacy_officer INTEGER NOT NULL DEFAULT 0;

-- An admin's time-boxed read access to a room they are not a member of.
CREATE TABLE break_glass (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    ended_at REAL
);
CREATE INDEX break_glass_user ON break_glass(user_id, expires_at);

-- The disclosure ledger: who disclosed what, to whom, why, when.
CREATE TABLE disclosures (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES users(id),
    subject_type TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    purpose TEXT NOT NULL,
    format TEXT NOT NULL
);
-- Each person whose records a disclosure carried, so they can see it in their ledger.
CREATE TABLE disclosure_subjects (
    disclosure_id INTEGER NOT NULL REFERENCES disclosures(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (disclosure_id, user_id)
);
CREATE INDEX disclosure_subjects_user ON disclosure_subjects(user_id);
