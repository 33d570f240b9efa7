"""Latency statistics shared by the load test, the benchmarks and the chaos run."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least ``fraction`` of the values at or
    below it); None when there are no values. ``values`` need not be sorted."""
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction {fraction} is not within 0..1")
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latency_ms(
    values: Iterable[float], *, scale: float = 1000.0, digits: int = 2
) -> dict[str, Any]:
    """p50, p95, p99, max and mean of ``values`` (seconds by default) in milliseconds, rounded;
    None for each when there are no values."""
    ordered = sorted(values)

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * scale, digits)

    return {
        "p50": ms(percentile(ordered, 0.50)),
        "p95": ms(percentile(ordered, 0.95)),
        "p99": ms(percentile(ordered, 0.99)),
        "max": ms(ordered[-1] if ordered else None),
        "mean": ms(sum(ordered) / len(ordered) if ordered else None),
    }


@dataclass
class Outcomes:
    """Successful latencies (seconds) and failed attempts by kind, of one scenario or a total."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    @property
    def requests(self) -> int:
        return self.ok + self.failed

    def merge(self, other: Outcomes) -> None:
        self.latencies.extend(other.latencies)
        self.errors.update(other.errors)

    def summary(self, elapsed: float) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "ok": self.ok,
            "errors": self.failed,
            "success_rate": round(self.ok / self.requests, 5) if self.requests else None,
            "throughput_rps": round(self.ok / elapsed, 2) if elapsed > 0 else None,
            "latency_ms": latency_ms(self.latencies),
            "error_kinds": dict(self.errors.most_common()),
        }
