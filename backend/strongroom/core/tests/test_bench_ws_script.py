"""scripts/bench_ws.py: the load generator's own garbage collector stays out of the phases it
measures (a gen2 pass over 10,000 sockets' objects delayed the arrivals it timed)."""

import gc

from strongroom.core.testing import script_module


def test_a_phase_runs_without_the_cyclic_collector_and_collects_after() -> None:
    bench_ws = script_module("bench_ws")
    assert gc.isenabled()

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    with bench_ws.paused_gc():
        assert not gc.isenabled()
        Cycle()  # garbage only the cyclic collector frees
        left = sum(isinstance(o, Cycle) for o in gc.get_objects())
        assert left == 1
    assert gc.isenabled()
    assert not any(isinstance(o, Cycle) for o in gc.get_objects())
