"""The maths of a group's rhythm: weekly sessions, one-off changes, reminders, local
days, check-in series and streaks, quiet members and sobriety milestones.

Owns: pure functions over dates and times. Pure: the standard library only (zoneinfo
for IANA time zones); every function takes `now` or `today`, never reads a clock.

Time zones and daylight saving: a session is "Tuesday 18:00 in America/New_York", so
its UTC time moves by an hour when the clocks change. A local time that does not exist
(the spring-forward gap) is read with fold=0, which zoneinfo maps one hour later
(02:30 becomes 03:30 daylight time); a local time that happens twice (fall back) is the
first of the two. Both match what people in that place would do.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_SESSIONS = 14
PLACE_CHARS = 300
NOTE_CHARS = 300
DURATION_MAX = 8 * 60
REMINDER_CHOICES = (15, 30, 60, 120, 1440)
# How far ahead the next session is looked for (a schedule with every week cancelled
# has no next session).
LOOKAHEAD_DAYS = 62


class ScheduleError(ValueError):
    """A schedule, change or date that cannot be right; the message says why."""


class ChangeKind(StrEnum):
    MOVED = "moved"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Session:
    """A weekly session: weekday 0 (Monday) to 6, local start time, length, where."""

    weekday: int
    start: time
    duration_minutes: int
    place: str


@dataclass(frozen=True)
class Schedule:
    time_zone: str
    sessions: tuple[Session, ...]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class Change:
    """A one-off change to one occurrence, named by its original UTC start."""

    id: int
    occurrence: datetime
    kind: ChangeKind
    new_start: datetime | None
    note: str


@dataclass(frozen=True)
class Occurrence:
    """One session on one day, in UTC, with any one-off change applied."""

    start: datetime
    end: datetime
    place: str
    original_start: datetime
    change: Change | None = None

    @property
    def cancelled(self) -> bool:
        return self.change is not None and self.change.kind is ChangeKind.CANCELLED


# ---- parsing (the edges hand us JSON) ------------------------------------------------


def zone(name: str) -> ZoneInfo:
    """An IANA time zone by name.

    Raises:
        ScheduleError: not a known zone.
    """
    if not name or len(name) > 64 or name not in _zones():
        raise ScheduleError(f"'{name[:64]}' is not an IANA time zone (e.g. America/Chicago)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"'{name}' is not an IANA time zone") from None


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def parse_session(raw: Mapping[str, object]) -> Session:
    """`{"weekday": "tuesday", "time": "18:30", "duration_minutes": 90, "place": "..."}`."""
    weekday = raw.get("weekday")
    if not isinstance(weekday, str) or weekday.lower() not in WEEKDAYS:
        raise ScheduleError("'weekday' is a day name, monday to sunday")
    start = raw.get("time")
    try:
        if not isinstance(start, str) or len(start) != 5:
            raise ValueError
        parsed = time.fromisoformat(start)
    except ValueError:
        raise ScheduleError("'time' is a local time as HH:MM, e.g. 18:30") from None
    duration = raw.get("duration_minutes", 90)
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise ScheduleError("'duration_minutes' is a whole number of minutes")
    if not 15 <= duration <= DURATION_MAX:
        raise ScheduleError(f"a session lasts 15 to {DURATION_MAX} minutes")
    place = raw.get("place", "")
    if not isinstance(place, str) or len(place) > PLACE_CHARS:
        raise ScheduleError(f"'place' is text of at most {PLACE_CHARS} characters")
    unknown = set(raw) - {"weekday", "time", "duration_minutes", "place"}
    if unknown:
        raise ScheduleError(f"unexpected field '{sorted(unknown)[0]}' in a session")
    return Session(WEEKDAYS.index(weekday.lower()), parsed, duration, " ".join(place.split()))


def parse_schedule(time_zone: str, sessions: Sequence[object]) -> Schedule:
    zone(time_zone)
    if len(sessions) > MAX_SESSIONS:
        raise ScheduleError(f"at most {MAX_SESSIONS} weekly sessions")
    parsed = []
    for raw in sessions:
        if not isinstance(raw, dict):
            raise ScheduleError("each session is an object")
        parsed.append(parse_session(raw))
    parsed.sort(key=lambda s: (s.weekday, s.start))
    return Schedule(time_zone, tuple(parsed))


def session_dict(s: Session) -> dict[str, object]:
    return {
        "weekday": WEEKDAYS[s.weekday],
        "time": s.start.strftime("%H:%M"),
        "duration_minutes": s.duration_minutes,
        "place": s.place,
    }


# ---- occurrences ----------------------------------------------------------------------


def local_start(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time on a local day, in UTC (see the module note on DST)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def occurrences(schedule: Schedule, since: datetime, until: datetime) -> list[Occurrence]:
    """Every session starting in [since - 1 day, until], in UTC start order, unchanged."""
    tz = schedule.zone
    day = since.astimezone(tz).date() - timedelta(days=1)
    last = until.astimezone(tz).date()
    found: list[Occurrence] = []
    while day <= last:
        for s in schedule.sessions:
            if s.weekday == day.weekday():
                start = local_start(day, s.start, tz)
                end = start + timedelta(minutes=s.duration_minutes)
                found.append(Occurrence(start, end, s.place, start))
        day += timedelta(days=1)
    found.sort(key=lambda o: o.start)
    return found


def is_occurrence(schedule: Schedule, when: datetime) -> bool:
    """Whether a session of this schedule starts at `when` (UTC)."""
    return any(o.start == when for o in occurrences(schedule, when, when))


def apply_changes(found: Iterable[Occurrence], changes: Iterable[Change]) -> list[Occurrence]:
    by_start = {c.occurrence: c for c in changes}
    out = []
    for o in found:
        change = by_start.get(o.original_start)
        if change is None:
            out.append(o)
        elif change.kind is ChangeKind.CANCELLED:
            out.append(Occurrence(o.start, o.end, o.place, o.original_start, change))
        else:
            assert change.new_start is not None
            moved = change.new_start
            out.append(Occurrence(moved, moved + (o.end - o.start), o.place, o.start, change))
    out.sort(key=lambda o: o.start)
    return out


def upcoming(
    schedule: Schedule, changes: Iterable[Change], now: datetime, count: int = 3
) -> list[Occurrence]:
    """The next `count` occurrences not over yet (a session in progress counts),
    cancelled ones included so the room can say so."""
    found = apply_changes(occurrences(schedule, now, now + timedelta(days=LOOKAHEAD_DAYS)), changes)
    return [o for o in found if o.end > now][:count]


def next_session(schedule: Schedule, changes: Iterable[Change], now: datetime) -> Occurrence | None:
    """The next session that will happen (not cancelled), or one in progress."""
    for o in upcoming(schedule, changes, now, count=MAX_SESSIONS * 9):
        if not o.cancelled:
            return o
    return None


def pinned(changes: Iterable[Change], schedule: Schedule, now: datetime) -> list[Change]:
    """Changes to show pinned: until the session they concern has passed (the later of
    its original and its new time)."""
    longest = max((s.duration_minutes for s in schedule.sessions), default=0)
    out = []
    for c in changes:
        last = max(c.occurrence, c.new_start or c.occurrence) + timedelta(minutes=longest)
        if last > now:
            out.append(c)
    return sorted(out, key=lambda c: c.occurrence)


def reminder_at(occurrence: Occurrence, minutes_before: int) -> datetime:
    return occurrence.start - timedelta(minutes=minutes_before)


def next_reminder(
    schedule: Schedule, changes: Iterable[Change], now: datetime, minutes_before: int
) -> datetime | None:
    """When the next reminder is due: before the next session that is not cancelled,
    whose reminder time has not passed."""
    for o in upcoming(schedule, changes, now, count=MAX_SESSIONS * 9):
        at = reminder_at(o, minutes_before)
        if not o.cancelled and at > now:
            return at
    return None


# ---- days, series, streaks, quiet ------------------------------------------------------


def local_day(ts: float, time_zone: str) -> date:
    return datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo(time_zone)).date()


@dataclass(frozen=True)
class DayPoint:
    day: date
    mood: int | None
    craving: int | None
    on_plan: bool | None


def series(
    by_day: Mapping[date, tuple[int, int, bool]], today: date, days: int = 30
) -> list[DayPoint]:
    """One point per day, oldest first, ending today; missed days have no values."""
    out = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        found = by_day.get(day)
        if found is None:
            out.append(DayPoint(day, None, None, None))
        else:
            out.append(DayPoint(day, found[0], found[1], found[2]))
    return out


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days checked in, ending today, or yesterday if today is still open
    (a day not over yet does not break anything)."""
    done = set(days)
    day = today if today in done else today - timedelta(days=1)
    count = 0
    while day in done:
        count += 1
        day -= timedelta(days=1)
    return count


def quiet_days(last_active: float, now: float) -> int:
    """Whole days since someone last posted or checked in."""
    return max(0, int((now - last_active) // 86_400))


# ---- milestones ------------------------------------------------------------------------

FIXED_DAYS = (1, 7, 30, 60, 90)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later; the 31st of a shorter month (or the
    29th of February in a common year) falls on that month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Milestone:
    key: str  # stable: "1d", "7d", "30d", "60d", "90d", "6m", "1y", "2y", ...
    label: str  # "1 day", "6 months", "2 years"
    days: int


def milestone_on(sober_since: date, today: date) -> Milestone | None:
    """The milestone that falls on `today` for someone sober since `sober_since`."""
    days = (today - sober_since).days
    if days <= 0:
        return None
    if days in FIXED_DAYS:
        return Milestone(f"{days}d", "1 day" if days == 1 else f"{days} days", days)
    if add_months(sober_since, 6) == today:
        return Milestone("6m", "6 months", days)
    years = today.year - sober_since.year
    if years >= 1 and add_months(sober_since, 12 * years) == today:
        return Milestone(f"{years}y", "1 year" if years == 1 else f"{years} years", days)
    return None


def parse_date(raw: str, today: date) -> date:
    try:
        if len(raw) != 10:
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise ScheduleError("a date is YYYY-MM-DD") from None
    if day > today:
        raise ScheduleError("a sobriety date cannot be in the future")
    if day.year < 1900:
        raise ScheduleError("a sobriety date after 1900, please")
    return day
