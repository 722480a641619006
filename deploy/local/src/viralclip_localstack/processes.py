"""Child processes that never outlive their parent: started in their own process group, asked to stop
with SIGTERM, killed after a grace period, and sent SIGKILL by the kernel if the parent dies first."""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    os.setpgrp()
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class ChildProcess:
    """One supervised child process."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
        cwd: Path | None = None,
        pipe_output: bool = False,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env) if env is not None else dict(os.environ)
        self.log_path = log_path
        self.cwd = cwd
        self.pipe_output = pipe_output
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._asked_to_stop = False

    def start(self) -> "ChildProcess":
        self._asked_to_stop = False
        if self.pipe_output:
            stdout: int | IO[bytes] = subprocess.PIPE
        elif self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = stdout = self.log_path.open("ab")
        else:
            stdout = subprocess.DEVNULL
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was not started"
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def asked_to_stop(self) -> bool:
        """True once `terminate`/`stop` was called: an exit after that is expected."""
        return self._asked_to_stop

    def exit_description(self) -> str:
        """How the process ended, in words: `exit code 1`, `signal SIGKILL`, or `running`."""
        code = None if self.process is None else self.process.poll()
        if code is None:
            return "running"
        if code < 0:
            try:
                return f"signal {signal.Signals(-code).name}"
            except ValueError:
                return f"signal {-code}"
        return f"exit code {code}"

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM the process group, wait up to `timeout`, then SIGKILL. Returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait(5)
        self._close_log()
        return self.process.returncode

    def terminate(self) -> None:
        """Ask the process group to stop (SIGTERM) without waiting; asking twice sends one signal,
        since a second SIGTERM arriving after a graceful shutdown would kill the process mid-exit."""
        if self.process is not None and self.process.poll() is None and not self._asked_to_stop:
            self._asked_to_stop = True
            self._signal_group(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self._signal_group(signal.SIGKILL)
            self.process.wait(5)
        self._close_log()

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):  # it already exited
            os.killpg(self.process.pid, sig)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
