"""The course's claims about itself, and the rule that every notebook's claims are tested.

Each notebook's claims (a number quoted from an output, a comparison over seeds) are tested in
``tests/claims/test_claims_NN.py``: the numbers against the stored outputs (nbval proves those are what
the cells print), the comparisons re-run small where that is fast, or read from the stored table.
This file holds the claims that the README and the teaching guide make about the course as a whole.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NUMBER_WORDS = {15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_its_claims_tested(path):
    claims = ROOT / "tests" / "claims" / f"test_claims_{path.name[:2]}.py"
    assert claims.exists(), f"{path.name} has no {claims.relative_to(ROOT)}: test the numbers and comparisons its prose makes"
    assert re.search(r"^def test_", claims.read_text(encoding="utf-8"), re.M), f"{claims.name} holds no test"


@pytest.mark.parametrize("document", ["README.md", "TEACHING.md"])
def test_the_number_of_notebooks_said_is_the_number_there_is(document):
    text = (ROOT / document).read_text(encoding="utf-8").lower()
    said = {count for count, word in NUMBER_WORDS.items() if re.search(rf"\b{word} notebooks\b", text)}
    assert said <= {len(NOTEBOOKS)}, f"{document} speaks of {sorted(said)} notebooks; there are {len(NOTEBOOKS)}"


def test_every_notebook_is_in_the_course_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"](notebooks/{path.name})" in readme, f"README's course table has no row for {path.name}"
