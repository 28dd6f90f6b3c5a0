"""How fast the playground trains and redraws while it plays: `playground: X steps/s, Y redraws/s`.

At the playground's defaults (moons, 200 points of which 140 train and 60 test,
MLP(2, [16, 16, 1])), each round runs the play loop's body for ``FRAMES`` frames:
STEPS_PER_FRAME training steps (each with the test loss and accuracy measured),
then the frame drawn and encoded as the PNG the widget shows. Steps per second
and redraws per second are both counted over that whole loop, so each pays for
the other, as on screen. The goals (issue 9) are at least 40 steps/s and 8
redraws/s. What the widget adds on top (sending the PNG to the browser) is not
counted. Most of the loop is training: on a quiet 2-core machine, 5 steps of
the engine take ~50 ms (~68 ms before issue 18, defect 10, when each neuron read
its weights again at every point: a layer now computes all the batch's points at
once, ``Value.neurons``), a frame ~15 ms (~33 ms before). Issue 18 asked for 1.5×
the speed of 6520fd3: run alternately with that checkout, 8 times each, the medians
were 47.5 steps/s and 9.45 redraws/s there, 71.5 and 14.3 here (1.51×):

    PYTHONPATH=<a checkout of 6520fd3> python benchmarks/playground.py

    python benchmarks/playground.py
"""

import statistics
import time

from micrograd_mlp.playground import STEPS_PER_FRAME, Experiment

ROUNDS = 5
FRAMES = 10


def measure(rounds=ROUNDS, frames=FRAMES):
    """(steps per second, redraws per second), the medians over ``rounds`` fresh runs; prints the result line."""
    seconds_per_frame = []
    for _ in range(rounds):
        experiment = Experiment()
        experiment.frame()  # the figure is built and laid out once, when the playground appears
        start = time.perf_counter()
        for _ in range(frames):
            experiment.step(STEPS_PER_FRAME)
            experiment.frame()
        seconds_per_frame.append((time.perf_counter() - start) / frames)
    redraws = 1.0 / statistics.median(seconds_per_frame)
    steps = STEPS_PER_FRAME * redraws
    print(f"playground: {steps:.0f} steps/s, {redraws:.1f} redraws/s")
    return steps, redraws


if __name__ == "__main__":
    measure()
