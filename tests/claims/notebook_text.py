"""What a notebook says and what it printed, for the claim tests.

nbval proves that the stored outputs are what the cells print, so a claim test
can compare the prose with the stored outputs without running the notebook.
"""

import re
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def load(name):
    """The notebook whose file name starts with ``name`` (``"08"`` or ``"08_moons"``)."""
    (path,) = NOTEBOOKS.glob(f"{name}*.ipynb")
    return nbformat.read(path, as_version=4)


def prose(name):
    """All of the notebook's Markdown, worked solutions left out, as one text with single spaces."""
    cells = [cell.source for cell in load(name).cells
             if cell.cell_type == "markdown" and "solution" not in cell.metadata.get("tags", [])]
    return re.sub(r"\s+", " ", "\n".join(cells))


def printed(name, source_contains):
    """The text that the one code cell whose source contains ``source_contains`` printed or returned."""
    cells = [cell for cell in load(name).cells if cell.cell_type == "code" and source_contains in cell.source]
    assert len(cells) == 1, f"{len(cells)} code cells of {name} contain {source_contains!r}"
    texts = []
    for output in cells[0].outputs:
        if output.output_type == "stream":
            texts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            texts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(texts)


def says(name, *fragments):
    """Assert that the prose contains each fragment (white space folded), and return the prose."""
    text = prose(name)
    for fragment in fragments:
        assert re.sub(r"\s+", " ", fragment) in text, f"notebook {name} no longer says {fragment!r}"
    return text
