"""The package against PyTorch, where both compute the same thing in float64.

Losses against torch.nn.functional (cross-entropy also at logits of ±1000), an MLP's
gradients against its torch.nn copy (torch_bridge), our optimisers' steps against
torch.optim, fit's whole loss curve against a PyTorch loop on the same batches, and
the xavier/he initialisations against their formulas and torch.nn.init.
Skipped when PyTorch is not installed (pip install -e ".[torch]").
"""

import math
import random

import pytest

torch = pytest.importorskip("torch")

from micrograd_mlp import MLP, SGD, Adam, Value, fit, linear_decay, load_dataset  # noqa: E402
from micrograd_mlp.losses import binary_cross_entropy, cross_entropy, mse  # noqa: E402
from micrograd_mlp.torch_bridge import load_into_torch, torch_mlp  # noqa: E402
from torch_loops import torch_fit_losses  # noqa: E402

F = torch.nn.functional
TOLERANCE = 1e-12


def as_tensor(values, requires_grad=False):
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


def linears(network):
    return [module for module in network if isinstance(module, torch.nn.Linear)]


def largest_gradient_difference(model, network):
    """max |our gradient − PyTorch's| over every weight and bias."""
    gaps = []
    for layer, linear in zip(model.layers, linears(network)):
        weights = as_tensor([[w.grad for w in neuron.w] for neuron in layer.neurons])
        biases = as_tensor([neuron.b.grad for neuron in layer.neurons])
        gaps += [(weights - linear.weight.grad).abs().max().item(), (biases - linear.bias.grad).abs().max().item()]
    return max(gaps)


# --- losses -------------------------------------------------------------------------


def cross_entropy_both(rows, labels):
    """(our loss, our gradients per logit, torch's loss, torch's gradients) for logits ``rows``."""
    logits = [[Value(z) for z in row] for row in rows]
    loss = cross_entropy(logits, labels)
    loss.backward()
    torch_logits = as_tensor(rows, requires_grad=True)
    torch_loss = F.cross_entropy(torch_logits, torch.tensor(labels))
    torch_loss.backward()
    return loss.data, [[z.grad for z in row] for row in logits], torch_loss.item(), torch_logits.grad.tolist()


@pytest.mark.parametrize("seed", range(6))
def test_cross_entropy_matches_torch(seed):
    rng = random.Random(seed)
    classes, examples = rng.randint(2, 5), rng.randint(1, 6)
    rows = [[rng.gauss(0.0, 3.0) for _ in range(classes)] for _ in range(examples)]
    labels = [rng.randrange(classes) for _ in range(examples)]
    ours, our_grads, theirs, their_grads = cross_entropy_both(rows, labels)
    assert ours == pytest.approx(theirs, abs=TOLERANCE)
    assert our_grads == [pytest.approx(row, abs=TOLERANCE) for row in their_grads]


def test_cross_entropy_matches_torch_at_logits_of_1000():
    rows = [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0], [1000.0, 1000.0, -1000.0]]
    labels = [1, 2, 0]
    ours, our_grads, theirs, their_grads = cross_entropy_both(rows, labels)
    assert ours == pytest.approx(theirs, abs=TOLERANCE)
    # per example: 1000 − (−1000); 1000 + ln(1 + e⁻¹) − 999; 1000 + ln 2 − 1000
    assert ours == pytest.approx((2000.0 + 1.0 + math.log1p(math.exp(-1.0)) + math.log(2.0)) / 3, rel=1e-12)
    assert our_grads == [pytest.approx(row, abs=TOLERANCE) for row in their_grads]


@pytest.mark.parametrize("logit", [-800.0, -3.0, 0.0, 2.5, 800.0])
@pytest.mark.parametrize("label", [0.0, 1.0])
def test_binary_cross_entropy_matches_torch(logit, label):
    z = Value(logit)
    loss = binary_cross_entropy([z], [label])
    loss.backward()
    torch_z = as_tensor([logit], requires_grad=True)
    torch_loss = F.binary_cross_entropy_with_logits(torch_z, as_tensor([label]))
    torch_loss.backward()
    assert loss.data == pytest.approx(torch_loss.item(), abs=TOLERANCE)
    assert z.grad == pytest.approx(torch_z.grad.item(), abs=TOLERANCE)


def test_mse_matches_torch():
    scores, targets = [0.3, -1.2, 2.0], [1.0, -1.0, -1.0]
    values = [Value(s) for s in scores]
    loss = mse(values, targets)
    loss.backward()
    torch_scores = as_tensor(scores, requires_grad=True)
    torch_loss = F.mse_loss(torch_scores, as_tensor(targets))
    torch_loss.backward()
    assert loss.data == pytest.approx(torch_loss.item(), abs=TOLERANCE)
    assert [v.grad for v in values] == pytest.approx(torch_scores.grad.tolist(), abs=TOLERANCE)


# --- a network and its torch.nn copy ---------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("fused", [True, False])
def test_mlp_gradients_match_its_torch_copy(activation, fused):
    X, y = load_dataset("spirals", n_samples=30, classes=3, seed=2)
    model = MLP(2, [8, 8, 3], activation=activation, seed=4, fused=fused)
    network = torch_mlp(model)
    loss = cross_entropy([model(x) for x in X], y)
    loss.backward()
    torch_loss = F.cross_entropy(network(as_tensor(X)), torch.tensor([int(label) for label in y]))
    torch_loss.backward()
    assert loss.data == pytest.approx(torch_loss.item(), abs=TOLERANCE)
    assert largest_gradient_difference(model, network) < TOLERANCE


@pytest.mark.parametrize("output_activation", ["linear", "sigmoid", "tanh"])
def test_torch_copy_computes_the_same_outputs(output_activation):
    model = MLP(3, [5, 2], activation="tanh", output_activation=output_activation, seed=7)
    network = torch_mlp(model)
    rng = random.Random(0)
    points = [[rng.uniform(-2.0, 2.0) for _ in range(3)] for _ in range(10)]
    with torch.no_grad():
        theirs = network(as_tensor(points)).tolist()
    ours = [[v.data for v in model(x)] for x in points]
    assert all(o == pytest.approx(t, abs=TOLERANCE) for o, t in zip(ours, theirs))
    assert all(p.dtype == torch.float64 for p in network.parameters())


def test_torch_mlp_refuses_what_is_not_an_mlp():
    with pytest.raises(TypeError, match="copies an MLP, got Layer"):
        torch_mlp(MLP(2, [3]).layers[0])


def test_load_into_torch_names_a_missing_label_and_refuses_extra_ones():
    network = torch_mlp(MLP(2, [3, 1], seed=0))
    small = MLP(2, [2, 1], seed=0).state_dict()
    with pytest.raises(KeyError, match="L1n3 w1"):
        load_into_torch(small, network)
    big = MLP(2, [3, 1], seed=0).state_dict() | {"L3n1 b": 0.5}
    with pytest.raises(ValueError, match="the state has 14 parameters but the torch model only 13"):
        load_into_torch(big, network)


# --- optimisers -----------------------------------------------------------------------


def gradient_sequence(count, size, seed=5):
    rng = random.Random(seed)
    return [[rng.gauss(0.0, 1.0) for _ in range(size)] for _ in range(count)]


def run_both(make_ours, make_theirs, steps=10, size=7):
    """Apply the same gradients to our parameters and to a torch tensor; return both final values."""
    start = [0.1 * i - 0.3 for i in range(size)]
    ours = [Value(v) for v in start]
    theirs = as_tensor(start, requires_grad=True)
    our_optimizer, (their_optimizer, scheduler) = make_ours(ours), make_theirs([theirs])
    for gradients in gradient_sequence(steps, size):
        for p, g in zip(ours, gradients):
            p.grad = g
        theirs.grad = as_tensor(gradients)
        our_optimizer.step()
        their_optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return [p.data for p in ours], theirs.tolist()


def test_adam_steps_match_torch_optim():
    ours, theirs = run_both(
        lambda ps: Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6),
        lambda ts: (torch.optim.Adam(ts, lr=0.05, betas=(0.8, 0.99), eps=1e-6), None),
    )
    assert ours == pytest.approx(theirs, abs=TOLERANCE)


def test_sgd_with_momentum_matches_torch_optim():
    ours, theirs = run_both(
        lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        lambda ts: (torch.optim.SGD(ts, lr=0.1, momentum=0.9), None),
    )
    assert ours == pytest.approx(theirs, abs=TOLERANCE)


def test_sgd_with_a_linear_schedule_matches_lambda_lr():
    steps = 10

    def theirs_with_schedule(ts):
        optimizer = torch.optim.SGD(ts, lr=1.0)
        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0 - 0.9 * step / steps)

    ours, theirs = run_both(lambda ps: SGD(ps, lr=linear_decay(1.0, 0.1, steps)), theirs_with_schedule, steps=steps)
    assert ours == pytest.approx(theirs, abs=TOLERANCE)


# --- training ---------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_fit_draws_the_same_curve_as_a_torch_loop(optimizer):
    X, y = load_dataset("spirals", n_samples=60, classes=3, seed=0)
    steps = 25
    model = MLP(2, [8, 3], activation="relu", seed=1)
    network = torch_mlp(model)
    history = fit(model, X, y, loss="cross_entropy", optimizer=optimizer, batch_size=16, steps=steps, progress=False)
    if optimizer == "adam":
        torch_optimizer, scheduler = torch.optim.Adam(network.parameters(), lr=0.01), None  # fit's default for adam
    else:  # fit's default for sgd: 1.0 falling linearly towards 0.1
        torch_optimizer = torch.optim.SGD(network.parameters(), lr=1.0)
        scheduler = torch.optim.lr_scheduler.LambdaLR(torch_optimizer, lambda step: 1.0 - 0.9 * step / steps)
    theirs = torch_fit_losses(network, X, y, torch_optimizer, steps, batch_size=16, scheduler=scheduler)
    assert history.loss == pytest.approx(theirs, abs=1e-10)
    assert largest_parameter_difference(model, network) < 1e-10


def largest_parameter_difference(model, network):
    gaps = []
    for layer, linear in zip(model.layers, linears(network)):
        weights = as_tensor([[w.data for w in neuron.w] for neuron in layer.neurons])
        gaps.append((weights - linear.weight.detach()).abs().max().item())
    return max(gaps)


# --- initialisation -----------------------------------------------------------------------


def variance(values):
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / len(values)


@pytest.mark.parametrize(
    "init, expected, torch_init",
    [
        ("xavier", lambda fan_in, fan_out: 2.0 / (fan_in + fan_out), lambda w: torch.nn.init.xavier_uniform_(w)),
        ("he", lambda fan_in, fan_out: 2.0 / fan_in, lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")),
        ("uniform", lambda fan_in, fan_out: 1.0 / 3.0, lambda w: torch.nn.init.uniform_(w, -1.0, 1.0)),
    ],
)
def test_initial_weights_have_the_variance_of_the_formula_and_of_torch_nn_init(init, expected, torch_init):
    fan_in, fan_out = 120, 200  # 24,000 weights: the sample variance is within about 1% of the true one
    layer = MLP(fan_in, [fan_out], init=init, seed=3).layers[0]
    weights = [w.data for neuron in layer.neurons for w in neuron.w]
    bound = (3.0 * expected(fan_in, fan_out)) ** 0.5  # U(−a, a) has variance a²/3
    assert max(abs(w) for w in weights) <= bound
    assert max(abs(w) for w in weights) > 0.99 * bound
    assert variance(weights) == pytest.approx(expected(fan_in, fan_out), rel=0.05)
    torch.manual_seed(3)
    theirs = torch_init(torch.empty(fan_out, fan_in, dtype=torch.float64))  # torch's weight: (fan_out, fan_in)
    assert theirs.abs().max().item() <= bound
    assert theirs.var(unbiased=False).item() == pytest.approx(expected(fan_in, fan_out), rel=0.05)
    assert all(neuron.b.data == 0.0 for neuron in layer.neurons)
