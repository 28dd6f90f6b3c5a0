"""Notebook 17's claims: the numbers its prose quotes against what its cells printed, and the cost claims re-counted.

The operation counts are deterministic, so they are counted again here with the course's `Dual` and the package's
`Value`, and held to the formulas the prose gives. Timings are stored outputs that nbval does not compare, so the
prose states them qualitatively and these tests hold those statements to the stored run.
"""

import math
import random
import re

import numpy as np
from notebook_text import printed, prose, says

from micrograd_mlp import Value
from micrograd_mlp.exercises import forward_reverse as fr

NB = "17"
SIZES = [1, 2, 5, 10, 20, 50, 100, 200]


def table(out, columns):
    """{size: (numbers...)} from the rows of a printed table."""
    rows = {}
    for line in out.splitlines():
        numbers = re.findall(r"[0-9][0-9,]*\.?[0-9]*", line)
        if numbers and line.strip()[0].isdigit():
            rows[int(numbers[0])] = tuple(float(v.replace(",", "")) for v in numbers[1:columns])
    return rows


# --- the cost claims, counted again --------------------------------------------------------------------------


def forward_mode_count(n):
    rng = random.Random(n)
    w, x = [rng.uniform(-1, 1) for _ in range(n)], [rng.uniform(-1, 1) for _ in range(n)]
    fr.Dual.operations = 0
    grads = []
    for k in range(n + 1):
        params = [fr.Dual(p, 1.0 if i == k else 0.0) for i, p in enumerate([*w, 0.1])]
        grads.append(fr.neuron_loss(params[:-1], x, params[-1], 0.5).dot)
    values = [Value(p) for p in [*w, 0.1]]
    loss = fr.neuron_loss(values[:-1], x, values[-1], 0.5)
    loss.backward()
    assert max(abs(g - v.grad) for g, v in zip(grads, values)) < 1e-15
    return fr.Dual.operations, 2 * len(loss.topological_order(leaves=False))


def test_n_inputs_one_output_counts():
    for n in SIZES:
        forward, reverse = forward_mode_count(n)
        assert forward == (n + 1) * (2 * n + 3) and reverse == 2 * (2 * n + 3)
        assert forward / reverse == (n + 1) / 2
    assert forward_mode_count(200) == (81_003, 806)


def test_one_input_m_outputs_counts():
    for m in SIZES:
        fr.Dual.operations = 0
        dots = [y.dot for y in fr.trajectory(fr.Dual(0.8, 1.0), m)]
        forward = fr.Dual.operations
        t = Value(0.8)
        outputs = fr.trajectory(t, m)
        reverse, grads = len(outputs[-1].topological_order(leaves=False)), []
        for y in outputs:
            t.grad = 0.0
            y.backward()
            grads.append(t.grad)
            reverse += len(y.topological_order(leaves=False))
        assert forward == 3 * m and reverse == 3 * m + 3 * m * (m + 1) // 2
        assert max(abs(a - b) for a, b in zip(dots, grads)) < 1e-15
        assert reverse / forward == (m + 3) / 2
    assert (forward, reverse) == (600, 60_900)


def test_the_printed_count_tables_are_the_counts():
    many_in = table(printed(NB, "many_in = {}"), 4)
    many_out = table(printed(NB, "many_out = {}"), 4)
    assert sorted(many_in) == SIZES and sorted(many_out) == SIZES
    for n in SIZES:
        assert many_in[n][:2] == ((n + 1) * (2 * n + 3), 2 * (2 * n + 3))
        assert many_out[n][:2] == (3 * n, 3 * n + 3 * n * (n + 1) // 2)
    assert printed(NB, "many_in = {}").count("below 1e-15: True") == len(SIZES)
    assert printed(NB, "many_out = {}").count("below 1e-15: True") == len(SIZES)
    says(NB, "At $n = 200$ forward mode performs 81,003 operations and reverse mode 806", "**100.5 times** at $n = 200$",
         "expect forward mode to cost $(n + 1)(2n + 3)$ and reverse mode $2(2n + 3)$",
         "at $m = 200$ forward mode performs 600 operations and reverse mode 60,900, **101.5 times**",
         "the ratio is $(m + 3)/2$", "81,003 operations forward and 806 in reverse", "600 against 60,900")
    assert "100.5×" in printed(NB, "many_in = {}") and "101.5×" in printed(NB, "many_out = {}")
    # one input, one output: the same order of cost, 3 operations against 6 (section 1 quotes it)
    assert many_out[1][:2] == (3, 6)
    says(NB, "for one step of section 4's trajectory we\ncount 3 operations against 6")
    # reverse mode costs twice the loss's own operations, at every n (2n + 3 operations per evaluation)
    says(NB, "in our count reverse mode computes the whole gradient for twice the operations of the loss itself")
    assert all(many_in[n][1] == 2 * (2 * n + 3) for n in SIZES)


def test_the_timing_statements_hold_in_the_stored_run():
    times = table(printed(NB, "many_in_time = {}"), 4)
    says(NB, "For one or two inputs both take a few hundredths of a millisecond or less",
         "twice the inputs, about four times the time or more", "reverse mode's about in\nproportion to $n$",
         "by $n = 200$ forward mode takes over a hundred times longer in this run",
         "The time ratios follow the count\nratios without being equal to them")
    assert all(times[n][k] < 0.1 for n in (1, 2) for k in (0, 1))  # milliseconds
    assert times[200][0] / times[100][0] >= 3.5 and 1.3 <= times[200][1] / times[100][1] <= 3.5
    assert 100 <= times[200][2] < 1000  # over a hundred times longer
    out_times = table(printed(NB, "many_out_time = {}"), 4)
    assert out_times[200][2] > 10 and out_times[200][1] / out_times[100][1] > 2.5  # reverse grows like m²
    says(NB, "at the largest\nsizes the times have about the same slopes as the counts above them")
    slope = lambda a, b: math.log(b / a) / math.log(2)  # noqa: E731 - from n = 100 to 200, on log-log axes
    assert 1.5 <= slope(times[100][0], times[200][0]) <= 2.8 and 0.5 <= slope(times[100][1], times[200][1]) <= 1.5
    assert 0.5 <= slope(out_times[100][0], out_times[200][0]) <= 1.5 and 1.3 <= slope(out_times[100][1], out_times[200][1]) <= 3.2


# --- forward mode at work ------------------------------------------------------------------------------------


def test_the_worked_example_and_notebook_03s_neuron():
    out = printed(NB, "def f(x)")
    assert "f(2 + 1ε) = Dual(value=10.0, dot=7.0)" in out
    says(NB, "$f(2 + 1\\varepsilon) = 10 + 7\\varepsilon$", "five passes", "0.5 for $x_2$ and for $b$, $-1.5$ for $x_1$, "
         "$1$ for $w_1$ and $0$ for $w_2$")
    forward = dict(re.findall(r"do/d(\w+) = (-?[0-9.]+)\n", out))
    reverse = dict(re.findall(r"do/d(\w+) = (-?[0-9.]+)", out.splitlines()[-1]))
    assert forward == reverse == {"x1": "-1.5000", "x2": "0.5000", "w1": "1.0000", "w2": "0.0000", "b": "0.5000"}
    assert out.count("o = 0.7071") == 5


def test_the_worked_solution_is_exact_on_the_example():
    x = fr.Dual(2.0, 1.0)
    y = x * x + 3 * x
    assert (y.value, y.dot) == (10.0, 7.0)


# --- the matrix view -----------------------------------------------------------------------------------------


def test_the_jacobian_is_w_and_the_entry_counts():
    assert "equal to W: True" in printed(NB, "jacobian = np.array(columns).T")
    out = printed(NB, "for m_, n_ in")
    assert "16,384 entries" in out and "W̄ = ȳ xᵀ 1,024" in out and "36 entries" in out
    says(NB, "would\nhold 16,384 numbers, of which the gradient needs 1,024")
    # dy/dW as an m × m × n array: only m·n entries (one in m) are not zero, and those are copies of x
    says(NB, "$m \\times m \\times n$ numbers, of which only $m \\times n$ (one in $m$) are not\n  zero: $m$ copies of $\\mathbf{x}$")
    m, n = 3, 4
    x = np.arange(1.0, n + 1)
    jacobian = np.zeros((m, m, n))  # [i, k, l] = dy_i / dW_kl
    for i in range(m):
        jacobian[i, i, :] = x
    assert np.count_nonzero(jacobian) == m * n and all((jacobian[i, i] == x).all() for i in range(m))
    assert 16 * 16 * 64 == 16_384 and 16 * 64 == 1_024


def test_the_layer_and_the_batch_agree_with_the_engine():
    single = printed(NB, "y_bar = np.array(")
    batch = printed(NB, "Y_bar = np.array(")
    assert single.count("below 1e-12: True") == 3 and batch.count("below 1e-12: True") == 3
    assert "sum of the points' outer products: True" in batch
    assert "forward X Wᵀ 60, backward Ȳ W and Ȳᵀ X 120" in batch
    says(NB, "All three agree with the scalar engine to $10^{-12}$", "The batch formulas agree with the engine as well",
         "costs twice its forward pass")


def test_the_layer_rules_on_fresh_numbers():
    """x̄ = Wᵀȳ, W̄ = ȳxᵀ, b̄ = ȳ, and for a batch Ȳ W, Ȳᵀ X and the column sums, against the engine."""
    rng = np.random.default_rng(1717)
    N, n, m = 3, 4, 2
    X, W, b, c = rng.normal(size=(N, n)), rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=m)
    Xv = [[Value(v) for v in row] for row in X]
    Wv = [[Value(v) for v in row] for row in W]
    bv = [Value(v) for v in b]
    Yv = [[sum((Wv[i][j] * row[j] for j in range(n)), bv[i]) for i in range(m)] for row in Xv]
    sum((c[i] * Yv[p][i].tanh() for p in range(N) for i in range(m)), Value(0.0)).backward()
    Y_bar = np.array([[y.grad for y in row] for row in Yv])
    grads = lambda rows: np.array([[v.grad for v in row] for row in rows])  # noqa: E731
    assert np.max(np.abs(grads(Xv) - Y_bar @ W)) < 1e-12
    assert np.max(np.abs(grads(Wv) - Y_bar.T @ X)) < 1e-12
    assert np.max(np.abs(np.array([v.grad for v in bv]) - Y_bar.sum(axis=0))) < 1e-12
    assert np.allclose(grads(Xv)[0], W.T @ Y_bar[0], rtol=0, atol=1e-12)  # one point: Wᵀ ȳ


# --- sources and links ------------------------------------------------------------------------------------------


def test_outside_facts_name_their_source():
    # Verified: Baydin, Pearlmutter, Radul and Siskind, JMLR 18(153):1-43, 2018 (section 3, "AD and its main modes";
    # 3.1, forward mode, with dual numbers); Clifford, "Preliminary sketch of biquaternions", Proc. London Math. Soc.
    # 4 (1873) 381-395; the cheap gradient principle as cited from Griewank and Walther (2008), a bound on operation
    # counts; PyTorch's tutorial "A Gentle Introduction to torch.autograd" says, in the singular, "torch.autograd is an
    # engine for computing vector-Jacobian product".
    says(NB, "Baydin et al., *Automatic differentiation in\nmachine learning: a survey*, JMLR 2018",
         "W. K. Clifford in 1873, in his *Preliminary sketch of biquaternions*",
         "Griewank\nand Walther", "*Evaluating Derivatives*, 2nd edition, SIAM 2008", "cheap gradient principle",
         "It bounds operations, not memory",
         "*A Gentle Introduction to `torch.autograd`*",
         "\"`torch.autograd` is an engine for computing vector-Jacobian product\"")
    assert "vector-Jacobian products\"" not in prose(NB)  # the tutorial's words, not a paraphrase in quotes
    text = prose(NB)
    assert "helps with section 5 but is not needed" in text and "## 5. The matrix view" in text
    assert "16_digits.ipynb" in text and "15_under_the_hood.ipynb" in text


def test_figures_quoted_from_other_notebooks():
    # 337 parameters and about 180 bytes per node are notebook 15's, printed and claimed there
    says(NB, "337 parameters", "about 180 bytes per node")
    assert "337 parameters" in printed("15", "print(model)")
    says("15", "About 180 bytes per node")
