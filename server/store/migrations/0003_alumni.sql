-- Discharge and the alumni network.
-- A closed cohort's room: read-only for everyone; its retention clock starts here.
ALTER TABLE rooms ADD COLUMN closed_at REAL;

-- A discharged member keeps read-only access until then (a cohort's grace period);
-- past it the membership row is deleted. NULL: an ordinary member.
ALTER TABLE room_members ADD COLUMN access_until REAL;
-- An alum trusted by staff with the lighter moderation actions in this alumni room.
ALTER TABLE room_members ADD COLUMN moderator INTEGER NOT NULL DEFAULT 0;
-- The member muted this room for themselves (no notifications, no unread badge).
ALTER TABLE room_members ADD COLUMN notifications_muted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX room_members_access_until ON room_members(access_until)
    WHERE access_until IS NOT NULL;

-- Read-only days a discharged member keeps in this cohort (0: access ends at once).
ALTER TABLE cohorts ADD COLUMN grace_days INTEGER NOT NULL DEFAULT 0;

-- Every discharge. `note` is for staff views only: never sent to the client, the
-- room, or the audit log.
CREATE TABLE discharges (
    id INTEGER PRIMARY KEY,
    cohort_id INTEGER NOT NULL REFERENCES cohorts(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    outcome TEXT NOT NULL,
    note TEXT,
    discharged_by INTEGER NOT NULL REFERENCES users(id),
    discharged_at REAL NOT NULL,
    access_until REAL NOT NULL
);
CREATE INDEX discharges_cohort ON discharges(cohort_id);
CREATE INDEX discharges_user ON discharges(user_id);

-- Consent to the alumni network, append-only: the latest row is the person's answer.
-- decision: given, declined, withdrawn; version: of the consent text they were shown.
CREATE TABLE alumni_consents (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    version INTEGER NOT NULL,
    decision TEXT NOT NULL,
    decided_at REAL NOT NULL
);
CREATE INDEX alumni_consents_user ON alumni_consents(user_id, id);

-- What an alumni room is for and who may join it. Its messages, members, agreement
-- and policy live in the ordinary room tables.
CREATE TABLE alumni_rooms (
    room_id INTEGER PRIMARY KEY REFERENCES rooms(id),
    category TEXT NOT NULL,
    access TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL
);

-- Invitations to invitation-only alumni rooms (and mentoring rooms). An invitation
-- stays valid after joining, so a member who leaves can come back, until revoked.
CREATE TABLE alumni_invitations (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    invited_by INTEGER NOT NULL REFERENCES users(id),
    invited_at REAL NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX alumni_invitations_user ON alumni_invitations(user_id);
