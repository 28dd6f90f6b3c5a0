"""Notebook 06's claims, re-measured; its quoted numbers compared with its outputs."""

import random
import re

from notebook_text import printed, says

from micrograd_mlp import MLP


def test_uniform_is_the_documented_formula_on_random():
    says("06", "`uniform(a, b)`, which draws our weights, is documented as `a + (b - a) * random()`",
         "\"Notes on Reproducibility\"", "promises less: only that a compatible seeder stays available and that "
         "`random()` keeps producing the same sequence", "Most other methods, `uniform` included, may change between")
    a, b = random.Random(7), random.Random(7)
    assert all(a.uniform(-1, 1) == -1 + 2 * b.random() for _ in range(1000))


def test_same_seed_same_network_and_the_printed_first_weights():
    assert all(p.data == q.data for p, q in zip(MLP(3, [4, 4, 1], seed=0).parameters(), MLP(3, [4, 4, 1], seed=0).parameters()))
    assert "seed=0: first weights ['+0.6888', '+0.5159', '-0.1589', '+0.0000']" in printed("06", "a = MLP(3, [4, 4, 1], seed=0)")


def test_the_gradient_of_x1_is_the_quoted_sum():
    says("06", "$0.6888 \\cdot 0.0201 + (-0.1589) \\cdot (-0.1055) = 0.0306$", "`L2n1 w2` has grad $0.6671$")
    out = printed("06", "small = MLP(2, [2, 1], seed=0, fused=False)")
    for fragment in ["output 0.6671 (= grad of L2n1 w2: 0.6671)", "weight on x1 +0.6888, gradient reaching its sum +0.0201",
                     "weight on x1 -0.1589, gradient reaching its sum -0.1055", "x1.grad = 0.0306"]:
        assert fragment in out
    assert round(0.6888 * 0.0201 + (-0.1589) * (-0.1055), 4) == 0.0306


def test_parameter_counts_and_graph_sizes_are_the_quoted_ones():
    says("06", "So this network has $32 + 9 = 41$ parameters", "`MLP(2, [16, 16, 1])` has 337 parameters",
         "more than a hundred thousand parameters")
    assert len(MLP(3, [4, 4, 1]).parameters()) == 41 and len(MLP(2, [16, 16, 1]).parameters()) == 337
    assert "101,770" in printed("06", "def count_parameters(nin, nouts):")
    out = printed("06", "for nouts in ([2, 1], [16, 16, 1]):")
    assert re.search(r"\[2, 1\]\): explicit graph +25 Values, fused graph +14 Values", out)


def test_identical_initial_weights_give_identical_neurons():
    says("06", "Three identical neurons with identical gradients")
    lines = printed("06", "clones = MLP(2, [3, 1], seed=0)").splitlines()
    assert len({line.split(":", 1)[1] for line in lines}) == 1


def test_notation_no_L_for_a_number_of_layers_and_fan_in_for_inputs():
    text = says("06", "n_{\\text{depth}}", "\\text{fan}_{\\text{in}}")
    assert "n_L" not in text and "\\ell = 1, \\dots, L" not in text
