#!/usr/bin/env bash
# make test-colab: the course in an environment pinned to Google Colab's versions (colab/constraints.txt).
#
# 1. .venv-colab gets what Colab already has that the course touches (colab/requirements.txt), at Colab's
#    versions and with Colab's pip; then hypothesis for the tests and PyTorch for notebook 14 (see
#    constraints.txt for why torch is 2.13.0 here).
# 2. The course is installed the way the notebooks' first cell does on Colab: `pip install` of the package
#    (this working tree here, GitHub there), dependencies included. It must change nothing: pip's freeze
#    after is the freeze before plus micrograd-mlp, or this fails and shows what pip changed.
# 3. The package's tests run against the installed package, then every notebook (colab/run_notebooks.py).
# With --install-only (make e2e, for its classic Notebook), it stops after 2.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv-colab
BIN=$VENV/bin
OUT=build/colab
start=$SECONDS

test -x $BIN/python || $PYTHON -m venv $VENV
$BIN/python -m pip install --quiet -c colab/constraints.txt pip
$BIN/python -m pip install --quiet -c colab/constraints.txt -r colab/requirements.txt hypothesis \
    filelock typing-extensions sympy networkx jinja2 fsspec  # PyTorch's dependencies, at Colab's versions
# torch 2.13 asks for setuptools>=77.0.3 (to build C++ extensions, which the course never does) where Colab has
# 75.2.0: it comes without its dependencies, installed just above, so that setuptools stays Colab's.
$BIN/python -m pip install --quiet --no-deps torch==2.13.0
$BIN/python -m pip uninstall --quiet --yes micrograd-mlp 2>/dev/null || true  # from an earlier run

mkdir -p $OUT
$BIN/python -m pip freeze --all > $OUT/pip-freeze-before.txt
$BIN/python -m pip install --quiet .
$BIN/python -m pip freeze --all | grep -v '^micrograd-mlp @ ' > $OUT/pip-freeze-after.txt
if ! diff -u $OUT/pip-freeze-before.txt $OUT/pip-freeze-after.txt; then
    echo "FAIL installing the course changed Colab's packages (- before, + after; see $OUT/)" >&2
    exit 1
fi
echo "PASS installing the course changed none of the $(wc -l < $OUT/pip-freeze-before.txt) packages here:" \
     "$(grep -iE '^(ipywidgets|ipython|numpy|matplotlib|scikit-learn|notebook)==' $OUT/pip-freeze-before.txt | tr '\n' ' ')"
if [ "${1:-}" = --install-only ]; then
    exit 0
fi
echo "Graphviz: $(dot -V 2>&1) (Colab: Ubuntu's graphviz 2.42.2, which reports the same)"

# The tests of what depends on the installed packages' versions: the engine and networks with numpy, the
# datasets (scikit-learn), pictures (matplotlib, Graphviz), the widgets (ipywidgets), training (tqdm), the
# command line, PyTorch's bridge. Not here: this repository's own setup, the website's build (Sphinx is not
# in Colab), the notebooks' text (they are executed below) and the long property-based searches of the
# package's pure Python, which `make test` runs.
# pytest's script, not `python -m pytest`: the tests import the installed package, not this folder's.
$BIN/pytest -q -p no:cacheprovider --disable-warnings \
    tests/test_engine.py tests/test_nn.py tests/test_losses.py tests/test_optim.py tests/test_data.py \
    tests/test_plots.py tests/test_graph.py tests/test_colab_profile.py tests/test_stepper.py \
    tests/test_playground.py tests/test_train.py tests/test_diagnostics.py tests/test_cli.py tests/test_torch_bridge.py
$BIN/python colab/run_notebooks.py --require-torch
echo "make test-colab took $((SECONDS - start)) s"
