"""The one retry policy: exponential waits with a cap, a jitter share, a server's floor, a schedule."""

import pytest

from viralclip_runtime import RetriesExhausted, RetryPolicy

POLICY = RetryPolicy(base_delay_sec=0.5, max_delay_sec=8.0, jitter=0.5)


def test_waits_double_and_stop_at_the_cap() -> None:
    delays = [POLICY.delay(failures, draw=lambda: 1.0) for failures in range(1, 8)]

    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


@pytest.mark.parametrize("draw", [0.0, 0.3, 1.0])
def test_half_jitter_spreads_a_wait_over_its_upper_half(draw: float) -> None:
    delay = POLICY.delay(3, draw=lambda: draw)

    assert 1.0 <= delay <= 2.0
    assert delay == pytest.approx(2.0 * (0.5 + 0.5 * draw))


@pytest.mark.parametrize(("jitter", "draw", "expected"), [(1.0, 0.0, 0.0), (1.0, 0.25, 0.5), (0.0, 0.9, 2.0)])
def test_the_jitter_share_decides_how_much_of_the_wait_is_random(
    jitter: float, draw: float, expected: float
) -> None:
    policy = RetryPolicy(base_delay_sec=0.5, max_delay_sec=8.0, jitter=jitter)

    assert policy.delay(3, draw=lambda: draw) == pytest.approx(expected)


def test_a_servers_wait_is_a_floor_but_never_beyond_the_cap() -> None:
    assert POLICY.delay(1, draw=lambda: 1.0, at_least_sec=3.0) == 3.0
    assert POLICY.delay(1, draw=lambda: 1.0, at_least_sec=600.0) == 8.0
    assert POLICY.delay(4, draw=lambda: 1.0, at_least_sec=0.1) == 4.0


def test_the_schedule_lists_the_waits_before_every_attempt_after_the_first() -> None:
    policy = RetryPolicy(max_attempts=5, base_delay_sec=1.0, max_delay_sec=5.0, jitter=0.0)

    assert policy.schedule() == (1.0, 2.0, 4.0, 5.0)
    assert RetryPolicy(max_attempts=1).schedule() == ()


@pytest.mark.parametrize(("field", "value"), [("max_attempts", 0), ("jitter", 1.5), ("jitter", -0.1)])
def test_a_policy_that_cannot_work_is_refused(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: value})  # type: ignore[arg-type]


async def test_run_retries_transient_faults_and_gives_up_past_the_budget() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay_sec=0.001, max_delay_sec=0.001)
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ConnectionError("away")
        return "done"

    assert await policy.run(flaky) == "done"

    async def down() -> None:
        raise TimeoutError

    with pytest.raises(RetriesExhausted, match="gave up after 3 attempts"):
        await policy.run(down)


async def test_run_does_not_retry_a_fault_that_is_not_transient() -> None:
    calls = 0

    async def broken() -> None:
        nonlocal calls
        calls += 1
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        await RetryPolicy(base_delay_sec=0.001).run(broken)
    assert calls == 1
