"""The load generator of scripts/load_test.py: scenarios run in a closed loop (N clients, each
starting its next request when the last one ends) or an open loop (a fixed rate, whatever the
answers take), bounded by a duration and a request count, every outcome recorded."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from dataclasses import dataclass

from lib.stats import Outcomes, percentile


class UsageError(Exception):
    """A problem with the command line or the target: exit 2."""


class FailedRequestError(Exception):
    """One request that did not succeed; the message is its error kind (no secrets)."""


class Scenario:
    name = ""

    async def run_once(self) -> None:
        raise NotImplementedError


class Recorder:
    """Every result, per scenario, plus a running window for the progress line."""

    def __init__(self, names: list[str], track_window: bool) -> None:
        self.stats = {name: Outcomes(name) for name in names}
        self.completed = 0
        self.errors = 0
        self.track_window = track_window
        self.window: list[float] = []

    def success(self, name: str, latency: float) -> None:
        self.stats[name].latencies.append(latency)
        if self.track_window:
            self.window.append(latency)
        self.completed += 1

    def failure(self, name: str, kind: str) -> None:
        self.stats[name].errors[kind] += 1
        self.completed += 1
        self.errors += 1

    def total(self) -> Outcomes:
        total = Outcomes("all")
        for stats in self.stats.values():
            total.merge(stats)
        return total


@dataclass
class Plan:
    scenarios: list[Scenario]
    duration: float
    max_requests: int
    rate: float
    concurrency: int
    max_in_flight: int


class Runner:
    def __init__(self, plan: Plan, recorder: Recorder, progress: bool) -> None:
        self.plan = plan
        self.recorder = recorder
        self.progress = progress
        self.stop = asyncio.Event()
        self.issued = 0
        self.started = 0.0
        self.elapsed = 0.0

    def _next(self) -> Scenario | None:
        if self.stop.is_set():
            return None
        if self.plan.max_requests and self.issued >= self.plan.max_requests:
            self.stop.set()
            return None
        scenario = self.plan.scenarios[self.issued % len(self.plan.scenarios)]
        self.issued += 1
        return scenario

    async def _one(self, scenario: Scenario, since: float) -> None:
        try:
            await scenario.run_once()
        except FailedRequestError as exc:
            self.recorder.failure(scenario.name, str(exc))
        except UsageError as exc:  # a re-login that failed
            self.recorder.failure(scenario.name, f"re-login failed: {exc}")
        else:
            self.recorder.success(scenario.name, time.perf_counter() - since)

    async def _closed_loop_client(self) -> None:
        while (scenario := self._next()) is not None:
            await self._one(scenario, time.perf_counter())

    async def _open_loop(self) -> None:
        interval = 1.0 / self.plan.rate
        tasks: set[asyncio.Task[None]] = set()
        n = 0
        while True:
            scheduled = self.started + n * interval
            delay = scheduled - time.perf_counter()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), delay)
            scenario = self._next()
            if scenario is None:
                break
            n += 1
            if len(tasks) >= self.plan.max_in_flight:
                self.recorder.failure(scenario.name, "not sent: client at --max-in-flight")
                continue
            task = asyncio.create_task(self._one(scenario, scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks)

    async def _progress(self) -> None:
        last_time, last_count = self.started, 0
        while not self.stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), 1.0)
            now = time.perf_counter()
            window = sorted(self.recorder.window)
            self.recorder.window = []
            p95 = percentile(window, 0.95)
            rps = (self.recorder.completed - last_count) / max(now - last_time, 1e-9)
            last_time, last_count = now, self.recorder.completed
            sys.stderr.write(
                f"\r[{now - self.started:6.1f} s] requests {self.recorder.completed:8d}  "
                f"rps {rps:8.1f}  errors {self.recorder.errors:6d}  "
                f"p95 {'-' if p95 is None else f'{p95 * 1000:.1f} ms':>10}   "
            )
            sys.stderr.flush()
        sys.stderr.write("\n")

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop.set)
        self.started = time.perf_counter()
        deadline = loop.call_later(self.plan.duration, self.stop.set)
        progress = asyncio.create_task(self._progress()) if self.progress else None
        try:
            if self.plan.rate > 0:
                await self._open_loop()
            else:
                await asyncio.gather(
                    *(self._closed_loop_client() for _ in range(self.plan.concurrency))
                )
        finally:
            self.elapsed = time.perf_counter() - self.started
            deadline.cancel()
            self.stop.set()
            if progress is not None:
                await progress
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)
