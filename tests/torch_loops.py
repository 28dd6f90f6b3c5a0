"""fit's training loop written in PyTorch, for the tests that compare the two curves step by step."""

import random

import torch
import torch.nn.functional as F


def torch_fit_losses(network, X, y, optimizer, steps, batch_size=None, seed=0, alpha=1e-4, scheduler=None):
    """The loss at each step of fit's loop in PyTorch: the same batches (random.Random(seed).sample, or every point
    for batch_size=None), cross-entropy + alpha·Σp², then the optimizer's step and the scheduler's."""
    points, classes = torch.tensor(X, dtype=torch.float64), torch.tensor([int(label) for label in y])
    rng, losses = random.Random(seed), []
    for _ in range(steps):
        batch = list(range(len(X))) if batch_size is None else rng.sample(range(len(X)), batch_size)
        loss = F.cross_entropy(network(points[batch]), classes[batch]) + alpha * sum((p**2).sum() for p in network.parameters())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
    return losses
