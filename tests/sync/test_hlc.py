from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from marugoto_sync.hlc import HybridClock, counter_of, format_stamp, millis_of, pack


@given(walls=st.lists(st.integers(0, 2**40), min_size=1, max_size=50))
def test_stamps_strictly_increase_whatever_the_wall_clock_does(walls: list[int]) -> None:
    it = iter(walls)
    clock = HybridClock(now=lambda: next(it))
    stamps = [clock.tick() for _ in walls]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)


@given(wall=st.integers(0, 2**40), remote=st.integers(0, 2**56))
def test_observe_moves_past_a_remote_stamp(wall: int, remote: int) -> None:
    clock = HybridClock(now=lambda: wall)
    clock.observe(remote)
    assert clock.tick() > remote


def test_a_stamp_follows_the_wall_clock_when_it_is_ahead() -> None:
    clock = HybridClock(now=lambda: 1_000)
    assert clock.tick() == pack(1_000, 0)
    assert clock.tick() == pack(1_000, 1)  # same millisecond: the counter moves


def test_counter_overflow_rolls_into_the_next_millisecond() -> None:
    clock = HybridClock(last=pack(5, 0xFFFF), now=lambda: 0)
    stamp = clock.tick()
    assert (millis_of(stamp), counter_of(stamp)) == (6, 0)
    assert format_stamp(stamp) == "6.0"
