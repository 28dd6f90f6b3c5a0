"""The numpy mirror of the claim tests takes the same steps as ``fit`` (Adam with a penalty; SGD with momentum under a schedule)."""

import numpy as np
import pytest
from numpy_mirror import mirror_fit

from micrograd_mlp import MLP, fit, load_dataset
from micrograd_mlp.optim import linear_decay


def test_the_mirror_takes_fits_steps():
    X, y = load_dataset("moons", n_samples=30, noise=0.2, seed=3)
    for options in [dict(optimizer="adam", lr=0.02, alpha=0.003), dict(optimizer="sgd", lr=linear_decay(0.5, 0.05, 4), momentum=0.5)]:
        model = MLP(2, [5, 4, 1], activation="relu", seed=2)
        history = fit(model, X, y, loss="bce", steps=4, batch_size=10, seed=1, validation=(X, y), progress=False, **options)
        run = mirror_fit([5, 4, 1], X, y, seed=2, steps=4, batch_size=10, batch_seed=1, validation=(X, y), **options)
        assert run.loss == pytest.approx(history.loss, rel=1e-9)
        assert run.val_data_loss == pytest.approx(history.val_data_loss, rel=1e-9)
        assert np.allclose(run.scores(X)[:, 0], [model(x).data for x in X], atol=1e-9)
