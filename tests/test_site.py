"""The website's course map (tools/build_site.py) reads every notebook's title and learning goals.

Building the site itself needs Sphinx (`make site`, checked in the browser by
`make e2e`); these tests need nothing but the notebooks.
"""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_notebook_gives_the_course_map_a_title_and_what_you_will_learn(path):
    title, points = build_site.title_and_summary(json.loads(path.read_text(encoding="utf-8")))
    assert title and not title[0].isdigit(), f"no '# NN · Title' heading in the first cell: {title!r}"
    assert points, "no 'What you will learn' list or paragraph in the first markdown cells"
    assert all("What to know first" not in point for point in points)


def test_learn_points_read_a_list_with_continuation_lines_and_a_bold_paragraph():
    listed = "**What you will learn**\n- one thing;\n- another thing\n  on two lines.\n\n**What to know first**\n- Python"
    assert build_site.learn_points(listed) == ["one thing", "another thing on two lines"]
    heading = "## What you will learn\n\nThis and that\nand more.\n\n## Next"
    assert build_site.learn_points(heading) == ["This and that and more"]
    inline = "**What you will learn:** a single sentence.\n\n**What to know first:** nothing."
    assert build_site.learn_points(inline) == ["a single sentence"]


def test_the_site_copy_of_a_notebook_shows_the_badges_offline_links_its_slides_and_folds_hidden_solutions(tmp_path):
    badges = f"[![Open In Colab]({build_site.BADGE_URL})](https://x) [![Binder]({build_site.BINDER_BADGE_URL})](https://y)"
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": f"{badges}\n\n# 01 · T"},
            {"cell_type": "code", "metadata": {"jupyter": {"source_hidden": True}}, "source": "x = 1", "outputs": [], "execution_count": 1},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    source = tmp_path / "notebooks" / "01_t.ipynb"
    source.parent.mkdir()
    source.write_text(json.dumps(notebook))
    staged = build_site.stage_notebook(source, tmp_path / "out.ipynb", tmp_path / "stage", "owner/repo", "main")
    first = staged["cells"][0]["source"]
    assert "../_static/colab-badge.svg" in first and "../_static/binder-badge.svg" in first
    assert 'href="../slides/01_t.slides.html"' in first
    assert "hide-input" in staged["cells"][1]["metadata"]["tags"]
    assert all((ROOT / "site" / local).is_file() for local in build_site.LOCAL_BADGES.values())
