"""Notebook 04's claims, re-measured; its quoted numbers compared with its outputs."""

import gc
import re
import sys
import time
import weakref
from pathlib import Path

import pytest
from graph_walks import recursive, visited_list
from notebook_text import printed, says

from micrograd_mlp.engine import gc_paused


class Node:
    """The notebook's class, as far as the claims need it: a value with children."""

    __slots__ = ("data", "children", "__weakref__")

    def __init__(self, data, children=()):
        self.data, self.children = data, children

    def __mul__(self, other):
        return Node(self.data * other.data, (self, other))


class ClosureNode:
    def __init__(self, data, children=()):
        self.data, self.grad, self.children = data, 0.0, children
        self._backward = lambda: None

    def __mul__(self, other):
        out = ClosureNode(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
        out._backward = _backward
        return out


def chain(steps):
    y = Node(1.0)
    for _ in range(steps):
        y = y * Node(1.0001)
    return y


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the claim is about Python 3.11 and later")
def test_a_raised_limit_lets_the_recursive_walk_finish_a_100000_deep_chain():
    says("04", "with `sys.setrecursionlimit(10**6)`, the recursive walk of a 100,000-deep chain completes on Python 3.11")
    y = chain(100_000)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(10**6)
    try:
        assert len(recursive(y)) == 200_001
    finally:
        sys.setrecursionlimit(old)


def test_a_list_of_visited_values_makes_the_walk_quadratic():
    says("04", "the walk's time grows with the square of the graph's size: on the 100,000-deep chain it would take minutes")
    times = {}
    for steps in (1500, 3000):
        y = chain(steps)
        runs = []
        for _ in range(3):  # the fastest of three, the collector paused: one run can be slowed by anything else
            gc.collect()
            with gc_paused():
                start = time.perf_counter()
                assert len(visited_list(y)) == 2 * steps + 1
                runs.append(time.perf_counter() - start)
        times[steps] = min(runs)
    assert times[3000] > 2.5 * times[1500]  # doubling the size: about four times the time
    assert times[3000] * (100_000 / 3000) ** 2 > 60  # extrapolated to the deep chain: over a minute


def test_cycles_keep_a_dropped_graph_in_memory_and_plain_values_do_not():
    says("04", "What cycles cost is therefore **memory**")
    out = printed("04", "def still_in_memory(cls, steps=10_000):")
    assert "our Value:      0 of 10,001 values still in memory" in out
    assert "closure Value:  10,001 of 10,001 values still in memory" in out
    for cls, expected in [(Node, 0), (ClosureNode, 1001)]:
        gc.disable()
        try:
            y = cls(1.0)
            refs = [weakref.ref(y)]
            for _ in range(1000):
                y = y * cls(1.0001)
                refs.append(weakref.ref(y))
            del y
            assert sum(r() is not None for r in refs) == expected
        finally:
            gc.enable()
            gc.collect()


def test_the_collector_timings_are_those_of_the_benchmark_results():
    says("04", "takes more than twice as long with the collector running as with it paused")
    results = (Path(__file__).resolve().parents[2] / "benchmarks" / "RESULTS.md").read_text()
    paused, running = re.search(r"chain of 1,000,000 multiplications.*?([0-9.]+) s with the cyclic GC paused.*?([0-9.]+) s with the collector left running", results).groups()
    assert float(running) > 2 * float(paused)


def test_the_recursion_limit_and_chain_results_are_the_printed_ones():
    says("04", "\\frac{\\partial y}{\\partial x} = 1.0001^{5000} \\approx e^{0.5} \\approx 1.6487")
    assert "x.grad = 1.6487   (1.0001 ** 5000 = 1.6487)" in printed("04", "print(f\"x.grad = {x.grad:.4f}   (1.0001 ** 5000")
    assert "recursion limit: 1,000 nested calls" in printed("04", "calls = traceback.extract_tb")
