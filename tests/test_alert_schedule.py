"""alerts/schedule.py: local times, windows over midnight, and clocks in other zones."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from alerts.schedule import in_window, last_slot, next_slot, parse_clock, parse_window, window_end

SHANGHAI, BERLIN = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin")
TIMES = (time(9), time(18))


def at(tz: ZoneInfo, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=tz).astimezone(UTC)


def test_slots_are_local_times_on_any_day() -> None:
    assert last_slot(at(SHANGHAI, 2, 8, 59), TIMES, SHANGHAI) == at(SHANGHAI, 1, 18)
    assert last_slot(at(SHANGHAI, 2, 9), TIMES, SHANGHAI) == at(SHANGHAI, 2, 9)
    assert next_slot(at(SHANGHAI, 2, 9), TIMES, SHANGHAI) == at(SHANGHAI, 2, 18)
    assert next_slot(at(SHANGHAI, 2, 18, 1), TIMES, SHANGHAI) == at(SHANGHAI, 3, 9)


def test_a_digest_follows_the_local_clock_across_a_change_of_summer_time() -> None:
    # Berlin moves its clocks forward on 2026-03-29: 09:00 is 08:00 UTC before, 07:00 after
    assert last_slot(at(BERLIN, 28, 10), TIMES, BERLIN).astimezone(UTC).hour == 8
    assert last_slot(at(BERLIN, 30, 10), TIMES, BERLIN).astimezone(UTC).hour == 7


def test_quiet_windows_may_wrap_midnight() -> None:
    night, lunch = parse_window("23:00-08:00"), parse_window("12:00-13:30")
    assert in_window(at(SHANGHAI, 2, 23, 30), night, SHANGHAI)
    assert in_window(at(SHANGHAI, 3, 7, 59), night, SHANGHAI)
    assert not in_window(at(SHANGHAI, 3, 8), night, SHANGHAI)
    assert in_window(at(SHANGHAI, 3, 13, 29), lunch, SHANGHAI)
    assert not in_window(at(SHANGHAI, 3, 23, 30), lunch, SHANGHAI)
    assert window_end(at(SHANGHAI, 2, 23, 30), night, SHANGHAI) == at(SHANGHAI, 3, 8)
    assert window_end(at(SHANGHAI, 3, 2), night, SHANGHAI) == at(SHANGHAI, 3, 8)


@pytest.mark.parametrize("text", ["9am", "24:00", "9:5", "", "09:00:00"])
def test_bad_clocks_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a time of day"):
        parse_clock(text)


def test_bad_windows_are_refused() -> None:
    with pytest.raises(ValueError, match="not a time window"):
        parse_window("23:00")
    with pytest.raises(ValueError, match="same time"):
        parse_window("08:00-08:00")
