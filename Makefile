# Two commands are all a student needs: `make lab` and `make test`.
# Each creates or updates .venv from requirements.txt and installs the package in editable mode.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test notebooks images bench e2e e2e-browser site slides student clean

$(READY): requirements.txt pyproject.toml
	bash tools/ensure-graphviz.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet -e .
	touch $(READY)

lab: $(READY)  ## open the course in JupyterLab
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/01_derivatives.ipynb

test: $(READY)  ## every test: unit and property tests, then every notebook re-executed by nbval
	$(BIN)/python -m pytest tests notebooks $(NBVAL) --numprocesses auto --dist loadfile  # a notebook's cells stay in one process, in order

test-colab:  ## the course with Google Colab's versions of its packages (.venv-colab): installing it changes none, tests and notebooks pass
	bash tools/ensure-graphviz.sh
	PYTHON=$(PYTHON) bash colab/check.sh

notebooks: $(READY)  ## re-execute every notebook in place (commit the result)
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

images: $(READY)  ## regenerate the pictures in images/: the command line's, and the two widgets' animations
	$(BIN)/python -m micrograd_mlp --dataset moons --no-progress --out images
	$(BIN)/python -m micrograd_mlp --dataset circles --no-progress --out images
	$(BIN)/python -m micrograd_mlp.stepper images/stepper.gif
	$(BIN)/python -c "from pathlib import Path; from micrograd_mlp.playground import Experiment; Path('images/playground.gif').write_bytes(Experiment().animation())"

bench: $(READY)  ## the speed and memory benchmark: writes benchmarks/RESULTS.md and images/benchmark.png
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run.py

e2e: $(READY) e2e-browser site  ## every notebook in real JupyterLab, 03 and 10 in the classic Notebook with Colab's ipywidgets 7, then the site, driven by the system's Chromium; screenshots in build/e2e
	$(BIN)/python -m pip install --quiet -e ".[e2e]"
	PYTHON=$(PYTHON) bash colab/check.sh --install-only  # .venv-colab, where the classic Notebook runs
	$(BIN)/python tests/e2e/run.py

e2e-browser: $(READY)  # stop early, saying what to install, when Chromium is missing
	@$(BIN)/python tests/e2e/run.py --check-browser

site: $(READY)  ## the course as a static website in build/site, from the notebooks' stored outputs, with the slides (works offline)
	$(BIN)/python -m pip install --quiet -e ".[site]"
	$(BIN)/python tools/build_site.py

slides: $(READY)  ## one reveal.js deck per notebook in build/slides (works offline; reveal.js from npm)
	$(BIN)/python -m pip install --quiet -e ".[site]"
	$(BIN)/python tools/build_slides.py

student: $(READY)  ## the notebooks without their worked solutions, in build/student: the edition to hand out
	$(BIN)/python tools/student_edition.py build/student

clean:
	rm -rf build .pytest_cache .hypothesis
