"""Notebook 16's claims: each number its prose quotes against what its cells printed, and the five-seed result.

Everything but the times is seeded, and nbval proves the stored outputs are what the cells print. The times are
stored outputs that nbval does not compare (``nbval-ignore-output``), so the prose states them only as ratios in
words ("tens of times"), and the test below holds those words to the stored run.
"""

import re
import statistics

import numpy as np
from notebook_text import printed, says

from micrograd_mlp import MLP, load_dataset, predict

NB = "16"


def numbers(pattern, text):
    found = [float(match.replace(",", "")) for match in re.findall(pattern, text)]
    assert found, f"{pattern!r} not found in:\n{text}"
    return found


def number(pattern, text):
    (value,) = numbers(pattern, text)
    return value


def test_the_data():
    says(NB, "1,797 scanned digits of 8×8 pixels, ten classes", "174 to 183 images each", "by 13 people")
    out = printed(NB, 'X, y = load_dataset("digits")')
    assert "1,797 images of 64 pixels; pixel values from 0.0 to 1.0" in out
    counts = numbers(r"\d: (\d+)", out)
    assert len(counts) == 10 and (min(counts), max(counts)) == (174, 183)


def test_the_split_is_stratified():
    says(NB, "about 36 images of each digit", "the 1,437 training images")
    out = printed(NB, "X_train, X_test, y_train, y_test = train_test_split(")
    assert "1,437 training images, 360 test images" in out
    per_digit = numbers(r"(\d+)", out.splitlines()[1])
    assert len(per_digit) == 10 and sum(per_digit) == 360 and all(35 <= count <= 37 for count in per_digit)


def test_scaling_starts_the_network_unsure():
    says(NB, "the first loss is close to $\\ln 10$", "With the raw counts it is many times larger")
    out = printed(NB, "def mean_cross_entropy(")
    scaled = number(r"pixels / 16 \(0 to 1\): ([0-9.]+)", out)
    raw = number(r"raw pixels \(0 to 16\): ([0-9.]+)", out)
    assert abs(scaled - 2.30) < 0.15 and raw > 5 * scaled
    says(NB, "exactly 16 times larger logits, as the biases start at 0")
    model = MLP(64, [32, 10], activation="relu", init="he", seed=0)  # re-run: cheap
    assert all(p.data == 0.0 for layer in model.layers for neuron in layer.neurons for p in [neuron.b])
    X, _ = load_dataset("digits", n_samples=20, seed=0)
    assert np.allclose(predict(model, [[16 * p for p in x] for x in X]), 16 * predict(model, X), rtol=1e-12, atol=0)


def test_training_result():
    says(NB, "(*epochs*) over the 1,437 training images", "the engine reads 96.9% of the test digits", "about 6.7 passes",
         "it is lowest at one of the last steps")
    out = printed(NB, "engine_accuracy = accuracy_on(")
    assert "parameters: 2,410" in out and "accuracy 96.9%" in out
    assert number(r"lowest at step (\d+)", out) >= 290  # still falling at the end: no overfitting
    assert "(6.7 epochs)" in printed(NB, "EPOCHS = STEPS * BATCH")


def test_numpy_reproduces_the_engine():
    says(NB, "all 2,410 weights equal to within $10^{-9}$", "the same test-loss curve at every step")
    out = printed(NB, "numpy_layers, numpy_curves = numpy_train(")
    assert "test accuracy: engine 96.9%, numpy 96.9%" in out
    assert "the 2,410 weights agree to 1e-9: True" in out and "agree at every step to 1e-9: True" in out


def test_five_seeds_at_least_95_percent():
    text = says(NB, "Over five seeds the network reads 96.3% of the held-out digits on average, with a standard "
                "deviation of 0.7 points, from 95.0% for the worst seed to 96.9% for the best",
                "Every seed reaches at least 95%", "**over five seeds 96.3% on average**")
    assert "lowest 95.0%" in text
    out = printed(NB, "SEEDS = range(5)")
    accuracies = numbers(r"seed \d: test accuracy ([0-9.]+)%", out)
    assert len(accuracies) == 5
    assert min(accuracies) >= 95.0  # the bar, on every seed
    assert accuracies[0] == 96.9  # seed 0 is the run of section 3
    summary = f"mean {statistics.mean(accuracies):.1f}%"
    assert summary in out and "mean 96.3%, standard deviation 0.7 points, lowest 95.0%, highest 96.9%" in out


def test_the_mistakes():
    says(NB, "96.9% right means 11 of the 360 test digits wrong", "349 of the 360 test digits are right, 32 to 36 per digit",
         "no pair of digits is confused more than twice")
    out = printed(NB, "matrix = sklearn_confusion_matrix(")
    assert "11 of 360 test digits wrong; the diagonal holds 349, the whole matrix 360" in out
    diagonal = numbers(r"(\d+)", out.splitlines()[1].split(":")[1])
    assert (min(diagonal), max(diagonal), sum(diagonal)) == (32, 36, 349)
    pairs = numbers(r"\((\d+)\)", out.splitlines()[2])
    assert max(pairs) == 2 and sum(pairs) == 11


def test_what_the_first_layer_shows():
    says(NB, "The four pixels blank in every training image (0, 24, 32 and 39", "a change of 0.0",
         "Neurons 8, 15 and 17 are paler than most", "although no neuron\n  did before")
    out = printed(NB, "W1_start, b1_start = numpy_mlp(")
    size, change = number(r"before training ([0-9.]+);", out), number(r"average change in training ([0-9.]+)", out)
    assert 0.67 <= change / size <= 1.5  # "about as much as its initial size"
    assert "pixels blank in every training image: [0, 24, 32, 39]; the largest change of their weights: 0.0" in out
    assert "before training, neurons that output 0 on every training image: []" in out
    assert "after training, neurons that output 0 on every training image: [8, 15, 17]" in out


def test_three_ways_same_accuracy_and_the_ratios_in_words():
    says(NB, "the same test accuracy, because they compute the same numbers", "numpy by tens of times, PyTorch by ten\ntimes or so",
         "PyTorch is slower than numpy here")
    out = printed(NB, "torch_layers = torch_train(")
    assert "test accuracy: PyTorch 96.9%, engine 96.9%" in out and "agree with the engine's to 1e-9: True" in out
    table = printed(NB, "ONE_EPOCH = round(")
    rows = {name.strip(): (float(accuracy), float(seconds), float(ratio)) for name, accuracy, seconds, ratio in
            re.findall(r"^(our scalar engine \(fit\)|numpy matrices|PyTorch tensors, float64)\s+([0-9.]+)%\s+([0-9.]+)\s+([0-9]+)×$",
                       table, re.M)}
    assert len(rows) == 3, table
    assert {accuracy for accuracy, _, _ in rows.values()} == {96.9}
    numpy_ratio, torch_ratio = rows["numpy matrices"][2], rows["PyTorch tensors, float64"][2]
    assert 20 <= numpy_ratio < 1000  # tens of times
    assert 5 <= torch_ratio < 100  # ten times or so
    assert rows["numpy matrices"][1] < rows["PyTorch tensors, float64"][1]  # PyTorch slower than numpy here
