"""The pure-Python floor: one training step written by hand on plain floats.

No graph, no objects per operation: just the forward pass, the hinge loss with
L2, the backward pass derived on paper, and the SGD update, as nested loops over
lists. Any scalar autograd written in Python pays for its graph on top of this;
the benchmark reports how many times this floor each engine takes.
"""


def forward_backward(layers, X, y, alpha):
    """Loss and gradients of MLP(2, [16, 16, 1]) with ReLU hidden layers, hinge loss + alpha·Σw².

    ``layers`` is a list of (W, b) with W[j][i] the weight from input i to neuron j.
    Returns (loss, grads) with grads shaped like ``layers``.
    """
    grads = [([[0.0] * len(row) for row in W], [0.0] * len(b)) for W, b in layers]
    last = len(layers) - 1
    n = len(X)
    total = 0.0
    for x, target in zip(X, y):
        activations = [x]
        pre_activations = []
        for k, (W, b) in enumerate(layers):
            z = [sum(wi * xi for wi, xi in zip(row, activations[-1])) + bj for row, bj in zip(W, b)]
            pre_activations.append(z)
            activations.append(z if k == last else [zj if zj > 0.0 else 0.0 for zj in z])
        score = activations[-1][0]
        margin = 1.0 - target * score
        if margin <= 0.0:
            continue
        total += margin
        delta = [-target / n]  # d loss / d score
        for k in range(last, -1, -1):
            W, _ = layers[k]
            gW, gb = grads[k]
            inputs = activations[k]
            if k != last:
                delta = [d if z > 0.0 else 0.0 for d, z in zip(delta, pre_activations[k])]
            for j, d in enumerate(delta):
                if d == 0.0:
                    continue
                row = gW[j]
                for i, xi in enumerate(inputs):
                    row[i] += d * xi
                gb[j] += d
            if k:
                delta = [sum(W[j][i] * delta[j] for j in range(len(delta))) for i in range(len(inputs))]
    loss = total / n
    for (W, b), (gW, gb) in zip(layers, grads):
        for row, grow in zip(W, gW):
            for i, w in enumerate(row):
                loss += alpha * w * w
                grow[i] += 2.0 * alpha * w
        for j, bj in enumerate(b):
            loss += alpha * bj * bj
            gb[j] += 2.0 * alpha * bj
    return loss, grads


def sgd_step(layers, grads, lr):
    for (W, b), (gW, gb) in zip(layers, grads):
        for row, grow in zip(W, gW):
            for i, g in enumerate(grow):
                row[i] -= lr * g
        for j, g in enumerate(gb):
            b[j] -= lr * g
