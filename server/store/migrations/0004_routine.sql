-- Routine: daily check-ins, a room's weekly schedule and one-off changes, reminders,
-- sobriety dates and per-room consent to celebrate milestones.

-- A card in the room log (a shared check-in, a milestone, a schedule change) is a
-- message with a card: ordered, replayed on resume and reacted to like any message.
ALTER TABLE messages ADD COLUMN card TEXT;
-- An alert raised by a check-in points at it (a private one has no message).
ALTER TABLE alerts ADD COLUMN checkin_id INTEGER;

-- One check-in per member, room and local day (the room's time zone).
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    mood INTEGER NOT NULL,
    craving INTEGER NOT NULL,
    on_plan INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    shared INTEGER NOT NULL,
    labels TEXT NOT NULL DEFAULT '[]',
    message_seq INTEGER,
    created_at REAL NOT NULL,
    UNIQUE (room_id, user_id, day)
);
CREATE INDEX checkins_room_day ON checkins(room_id, day);

-- A room's structured schedule replaces the cohort's free-text `cohorts.schedule`
-- (left in place, no longer written or read, so nothing anyone typed is lost).
-- Weekly sessions as JSON [{weekday, time, duration_minutes, place}], local to time_zone.
CREATE TABLE room_schedules (
    room_id INTEGER PRIMARY KEY REFERENCES rooms(id),
    time_zone TEXT NOT NULL,
    sessions TEXT NOT NULL DEFAULT '[]',
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at REAL NOT NULL
);

-- A one-off change to one occurrence, named by its original start (UNIX seconds, UTC).
CREATE TABLE schedule_changes (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    occurrence_at REAL NOT NULL,
    kind TEXT NOT NULL,
    new_start REAL,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at REAL NOT NULL,
    message_seq INTEGER,
    UNIQUE (room_id, occurrence_at)
);

-- A member's opt-in to a reminder before each session of a room.
CREATE TABLE session_reminders (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    minutes_before INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
);

-- Private to the member: nobody else reads it, ever.
CREATE TABLE sobriety_dates (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    since TEXT NOT NULL
);

-- Consent, per room, to celebrate this member's milestones there.
CREATE TABLE milestone_shares (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (room_id, user_id)
);
