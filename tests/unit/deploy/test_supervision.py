"""The fleet supervisor: an unexpected exit is reported with its cause and restarted after a backoff;
an exit the fleet asked for is not; a crash loop is reported once and left stopped."""

import signal
import sys
from typing import Any, cast

import pytest

from viralclip_localstack.processes import ChildProcess
from viralclip_localstack.supervision import RestartPolicy, Supervisor


class Children:
    """A fleet of real short-lived processes: each restart runs the same command again."""

    def __init__(self, **commands: list[str]) -> None:
        self.commands = commands
        self.children = {name: ChildProcess(name, argv).start() for name, argv in commands.items()}

    def restart(self, name: str) -> ChildProcess:
        self.children[name] = ChildProcess(name, self.commands[name]).start()
        return self.children[name]

    def wait_exited(self, name: str) -> None:
        process = self.children[name].process
        assert process is not None
        process.wait(10)


def supervised(fleet: Children, policy: RestartPolicy) -> tuple[Supervisor, list[str]]:
    lines: list[str] = []
    return Supervisor(cast(Any, fleet), policy=policy, report=lines.append), lines


EXITS_3 = [sys.executable, "-c", "raise SystemExit(3)"]
SLEEPS = [sys.executable, "-c", "import time; time.sleep(30)"]


def test_backoff_doubles_up_to_its_ceiling_and_a_loop_is_more_than_the_allowed_restarts() -> None:
    policy = RestartPolicy(base_delay_sec=0.5, max_delay_sec=3.0, max_restarts=3, window_sec=60)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert not policy.is_crash_loop(3)
    assert policy.is_crash_loop(4)


def test_an_unexpected_exit_is_reported_with_its_code_then_restarted_after_the_backoff() -> None:
    fleet = Children(scoring=EXITS_3)
    supervisor, lines = supervised(fleet, RestartPolicy(base_delay_sec=2.0))
    fleet.wait_exited("scoring")
    first = fleet.children["scoring"]

    supervisor.check(now=100.0)
    supervisor.check(now=101.0)  # still backing off
    assert fleet.children["scoring"] is first
    supervisor.check(now=102.0)

    assert fleet.children["scoring"] is not first
    assert lines[0].startswith("supervisor: !!! scoring exited unexpectedly (exit code 3); restarting")
    assert "in 2.0 s" in lines[0]
    assert lines[1] == "supervisor: restarted scoring (restart 1)"
    assert supervisor.restarts == {"scoring": 1}
    fleet.wait_exited("scoring")


def test_a_killed_service_is_reported_by_its_signal() -> None:
    fleet = Children(thumbnail=SLEEPS)
    supervisor, lines = supervised(fleet, RestartPolicy())
    fleet.children["thumbnail"].kill()
    supervisor.check(now=0.0)
    assert "thumbnail exited unexpectedly (signal SIGKILL)" in lines[0]
    assert signal.SIGKILL.name in fleet.children["thumbnail"].exit_description()


def test_a_service_the_fleet_stopped_is_left_alone() -> None:
    fleet = Children(windowing=SLEEPS)
    supervisor, lines = supervised(fleet, RestartPolicy())
    fleet.children["windowing"].stop(5)
    supervisor.check(now=0.0)
    supervisor.check(now=100.0)
    assert lines == []


def test_a_crash_loop_is_reported_once_and_not_restarted_again() -> None:
    fleet = Children(scoring=EXITS_3)
    supervisor, lines = supervised(
        fleet, RestartPolicy(base_delay_sec=1.0, max_delay_sec=1.0, max_restarts=2, window_sec=60)
    )
    now = 0.0
    for _ in range(3):
        fleet.wait_exited("scoring")
        supervisor.check(now)  # notices the exit
        now += 1.0
        supervisor.check(now)  # restarts, unless it is a loop
    loop_reports = [line for line in lines if "crash-looping" in line]
    assert len(loop_reports) == 1
    assert "3 exits within 60 s" in loop_reports[0]
    assert "NOT restarting" in loop_reports[0]
    assert supervisor.restarts == {"scoring": 2}
    assert supervisor.crash_looping == ["scoring"]
    supervisor.check(now + 100.0)
    assert supervisor.restarts == {"scoring": 2}


@pytest.mark.parametrize(
    ("code", "words"), [(0, "exit code 0"), (-9, "signal SIGKILL"), (-15, "signal SIGTERM")]
)
def test_exit_descriptions(code: int, words: str) -> None:
    child = ChildProcess("x", [sys.executable, "-c", ""])
    child.process = cast(Any, type("Done", (), {"poll": lambda self: code})())
    assert child.exit_description() == words
