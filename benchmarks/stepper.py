"""How long the backward stepper takes per step, on a graph of 50 values: `stepper: Z ms per step`.

Counted: everything the stepper does to show the steps, divided by their
number: making it (the trace, `dot` laying the graph out once, one `neato -n2`
run drawing every step's picture) and then going through every step as ▶ does
(the slider moves, the picture and the chain-rule text get their new values).
A click alone costs far less, since its picture is already drawn.
The goal (issue 9) is at most 100 ms.

    python benchmarks/stepper.py
"""

import statistics
import time

from micrograd_mlp.engine import Value
from micrograd_mlp.nn import MLP
from micrograd_mlp.stepper import BackwardStepper

ROUNDS = 5


def squared_error_of_a_small_network():
    """(MLP(2, [4, 1]) of one point − 1)², as the explicit graph of + and *: 50 values, 30 steps."""
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    return (MLP(2, [4, 1], fused=False, seed=0)(x) - 1.0) ** 2


def measure(rounds=ROUNDS):
    """Milliseconds per step (the median over ``rounds`` stepper made and stepped through); prints the result line."""
    loss = squared_error_of_a_small_network()
    per_step = []
    for _ in range(rounds):
        start = time.perf_counter()
        stepper = BackwardStepper(loss)
        for frame in range(1, stepper.frames):
            stepper.show(frame)
        per_step.append((time.perf_counter() - start) / (stepper.frames - 1))
    milliseconds = 1000 * statistics.median(per_step)
    print(f"stepper: {milliseconds:.0f} ms per step")
    return milliseconds


if __name__ == "__main__":
    measure()
