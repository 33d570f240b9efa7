"""scripts/bench_ws.py: the load generator's own garbage collector stays out of the phases it
measures (a gen2 pass over 10,000 sockets' objects delayed the arrivals it timed)."""

import gc
import weakref

from strongroom.core.testing import script_module


class _Cycle:
    """Garbage that only the cyclic collector frees."""

    def __init__(self) -> None:
        self.me = self


def test_a_phase_runs_without_the_cyclic_collector_and_collects_after() -> None:
    bench_ws = script_module("bench_ws")
    assert gc.isenabled()
    with bench_ws.paused_gc():
        assert not gc.isenabled()
        cycle = _Cycle()
        left = weakref.ref(cycle)
        del cycle
        allocated = [[n] for n in range(100_000)]  # far past every collection threshold
        assert left() is not None  # no collection ran during the phase
        del allocated
    assert gc.isenabled()
    assert left() is None  # collected when the phase ended
