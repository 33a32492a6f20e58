"""The pure maths of routine: sessions across time zones and daylight saving, one-off
changes, reminders, series, streaks and milestones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from server import schedule as s


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def tuesdays_ny() -> s.Schedule:
    return s.parse_schedule(
        "America/New_York",
        [{"weekday": "tuesday", "time": "18:00", "duration_minutes": 90, "place": "Room 2"}],
    )


def test_next_session_follows_daylight_saving_in_its_zone() -> None:
    sch = tuesdays_ny()
    # Before the clocks go back (1 Nov 2026): 18:00 EDT is 22:00 UTC.
    before = s.next_session(sch, [], utc(2026, 10, 26, 12))
    assert before is not None and before.start == utc(2026, 10, 27, 22)
    # After: 18:00 EST is 23:00 UTC; same wall clock, one hour later in UTC.
    after = s.next_session(sch, [], utc(2026, 10, 28, 12))
    assert after is not None and after.start == utc(2026, 11, 3, 23)
    assert after.end == utc(2026, 11, 4, 0, 30)
    # Spring forward (8 Mar 2026): back to 22:00 UTC on the Tuesday after.
    spring = s.next_session(sch, [], utc(2026, 3, 8, 12))
    assert spring is not None and spring.start == utc(2026, 3, 10, 22)


def test_a_session_in_progress_is_still_next() -> None:
    sch = tuesdays_ny()
    during = s.next_session(sch, [], utc(2026, 11, 3, 23, 45))
    assert during is not None and during.start == utc(2026, 11, 3, 23)
    later = s.next_session(sch, [], utc(2026, 11, 4, 0, 30))
    assert later is not None and later.start == utc(2026, 11, 10, 23)


def test_nonexistent_and_repeated_local_times() -> None:
    tz = s.zone("America/New_York")
    # 02:30 on 8 Mar 2026 does not exist: read as 03:30 EDT.
    assert s.local_start(date(2026, 3, 8), time(2, 30), tz) == utc(2026, 3, 8, 7, 30)
    # 01:30 on 1 Nov 2026 happens twice: the first (EDT).
    assert s.local_start(date(2026, 11, 1), time(1, 30), tz) == utc(2026, 11, 1, 5, 30)


def test_zones_differ_in_their_own_dst_weeks() -> None:
    london = s.parse_schedule("Europe/London", [{"weekday": "monday", "time": "19:00"}])
    # 26 Oct 2026: London is back on GMT, New York still on EDT.
    o = s.next_session(london, [], utc(2026, 10, 26, 0))
    assert o is not None and o.start == utc(2026, 10, 26, 19)
    o = s.next_session(london, [], utc(2026, 10, 19, 0))
    assert o is not None and o.start == utc(2026, 10, 19, 18)


def test_cancelled_and_moved_sessions() -> None:
    sch = tuesdays_ny()
    first = utc(2026, 11, 3, 23)
    cancelled = s.Change(1, first, s.ChangeKind.CANCELLED, None, "holiday")
    nxt = s.next_session(sch, [cancelled], utc(2026, 11, 1))
    assert nxt is not None and nxt.start == utc(2026, 11, 10, 23)
    shown = s.upcoming(sch, [cancelled], utc(2026, 11, 1), count=2)
    assert shown[0].cancelled and shown[0].start == first and not shown[1].cancelled
    moved = s.Change(2, first, s.ChangeKind.MOVED, utc(2026, 11, 4, 23), "moved a day")
    nxt = s.next_session(sch, [moved], utc(2026, 11, 1))
    assert nxt is not None and nxt.start == utc(2026, 11, 4, 23)
    assert nxt.end == utc(2026, 11, 5, 0, 30) and nxt.original_start == first
    # Pinned until the session has passed.
    assert s.pinned([cancelled], sch, utc(2026, 11, 3, 12)) == [cancelled]
    assert s.pinned([cancelled], sch, utc(2026, 11, 4, 1)) == []
    assert s.pinned([moved], sch, utc(2026, 11, 4, 1)) == [moved]


def test_reminders_skip_cancelled_sessions_and_follow_dst() -> None:
    sch = tuesdays_ny()
    assert s.next_reminder(sch, [], utc(2026, 10, 26), 60) == utc(2026, 10, 27, 21)
    assert s.next_reminder(sch, [], utc(2026, 11, 2), 60) == utc(2026, 11, 3, 22)
    # Past the reminder time of a session about to start: the next week's.
    assert s.next_reminder(sch, [], utc(2026, 11, 3, 22, 30), 60) == utc(2026, 11, 10, 22)
    cancelled = s.Change(1, utc(2026, 11, 3, 23), s.ChangeKind.CANCELLED, None, "")
    assert s.next_reminder(sch, [cancelled], utc(2026, 11, 2), 60) == utc(2026, 11, 10, 22)


def test_parse_rejects_what_cannot_be_right() -> None:
    with pytest.raises(s.ScheduleError):
        s.parse_schedule("Mars/Olympus", [])
    for bad in (
        {"weekday": "funday", "time": "18:00"},
        {"weekday": "monday", "time": "25:00"},
        {"weekday": "monday", "time": "6pm"},
        {"weekday": "monday", "time": "18:00", "duration_minutes": 5},
        {"weekday": "monday", "time": "18:00", "duration_minutes": True},
        {"weekday": "monday", "time": "18:00", "colour": "red"},
    ):
        with pytest.raises(s.ScheduleError):
            s.parse_session(bad)


def test_series_and_streak() -> None:
    today = date(2026, 11, 27)
    by_day = {today: (4, 2, True), today - timedelta(days=1): (3, 5, False)}
    points = s.series(by_day, today, 30)
    assert len(points) == 30 and points[0].day == today - timedelta(days=29)
    assert points[-1] == s.DayPoint(today, 4, 2, True)
    assert points[-3].mood is None
    assert s.streak(by_day, today) == 2
    # Today is not over: not checking in yet breaks nothing.
    assert s.streak([today - timedelta(days=1), today - timedelta(days=2)], today) == 2
    assert s.streak([today - timedelta(days=3)], today) == 0


@pytest.mark.parametrize(
    ("since", "today", "key"),
    [
        (date(2026, 1, 1), date(2026, 1, 2), "1d"),
        (date(2026, 1, 1), date(2026, 1, 8), "7d"),
        (date(2026, 1, 1), date(2026, 1, 31), "30d"),
        (date(2026, 1, 1), date(2026, 3, 2), "60d"),
        (date(2026, 1, 1), date(2026, 4, 1), "90d"),
        (date(2026, 1, 1), date(2026, 7, 1), "6m"),
        (date(2025, 8, 31), date(2026, 2, 28), "6m"),
        (date(2025, 1, 1), date(2026, 1, 1), "1y"),
        (date(2020, 3, 5), date(2026, 3, 5), "6y"),
        (date(2024, 2, 29), date(2025, 2, 28), "1y"),
        (date(2024, 2, 29), date(2028, 2, 29), "4y"),
    ],
)
def test_milestones(since: date, today: date, key: str) -> None:
    found = s.milestone_on(since, today)
    assert found is not None and found.key == key


def test_no_milestone_on_other_days() -> None:
    since = date(2026, 1, 1)
    hits = [d for d in range(0, 800) if s.milestone_on(since, since + timedelta(days=d))]
    assert hits == [1, 7, 30, 60, 90, 181, 365, 730]


def test_local_day_is_the_rooms() -> None:
    ts = utc(2026, 11, 27, 3).timestamp()  # 22:00 the day before in Chicago
    assert s.local_day(ts, "America/Chicago") == date(2026, 11, 26)
    assert s.local_day(ts, "UTC") == date(2026, 11, 27)
