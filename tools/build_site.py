"""Build the course as a static website in build/site, as `make site` does.

The notebooks are rendered with their STORED outputs (nothing is executed) by
Sphinx and myst-nb with the sphinx-book-theme. The steps:

1. copy site/ (conf.py, _static/) into a temporary folder, with MathJax 3 from the
   sphinx-mathjax-offline package in _static/mathjax, so pages render their
   maths without any connection;
2. copy every notebooks/NN_*.ipynb into its notebooks/ folder, with the
   Colab badge's picture pointed at a local copy, hidden solution cells folded
   (myst-nb's hide-input tag) and links to repository files outside notebooks/
   pointed at GitHub;
3. write the index: the course map (number, title, what you will learn, a
   Colab link and the slides), taken from each notebook's first cell, and the
   table of contents;
4. add the lecturer's guide (TEACHING.md) as a page, then run Sphinx with warnings as errors into build/site;
5. build the slide decks (tools/build_slides.py) into build/site/slides: each
   lesson page links its deck.

Open build/site/index.html, or serve the folder with any static web server.
"""

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BADGE_URL = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE_URL = "https://mybinder.org/badge_logo.svg"
# The badges' pictures, served from the site itself (_static/) instead of from Colab's and Binder's servers.
LOCAL_BADGES = {BADGE_URL: "_static/colab-badge.svg", BINDER_BADGE_URL: "_static/binder-badge.svg"}
LOCAL_BADGE = LOCAL_BADGES[BADGE_URL]
PICTURE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
# Markdown links and images: [text](target "title") and ![alt](target)
MARKDOWN_LINK = re.compile(r"(!?\[[^\]]*\]\()(<[^>]*>|[^)\s]+)((?:\s+\"[^\"]*\")?\))")
HTML_SRC = re.compile(r"""((?:src|href)=["'])([^"']+)(["'])""")
# MathJax files the pages need: the tex-chtml bundle loads the rest (fonts, the
# TeX extensions, accessibility, the SVG output its menu offers) on demand from beside itself.
MATHJAX_UNUSED = ["mml-*.js", "tex-svg*.js", "tex-mml-*.js", "tex-chtml-full*.js", "node-main.js"]


def repository():
    """owner/name from pyproject.toml's Homepage (https://github.com/owner/name)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'Homepage\s*=\s*"https://github\.com/([^/"]+/[^/"]+?)/?"', text)
    return match.group(1) if match else "VisvaV/micrograd-mlp"


def colab_url(repo, branch, name):
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{name}"


def mathjax_folder():
    """The MathJax 3 folder shipped by the sphinx-mathjax-offline package (a folder with a dash: not importable)."""
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        sys.exit('MathJax for offline use is missing: pip install -e ".[site]" (package sphinx-mathjax-offline)')
    folder = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"
    if not (folder / "tex-chtml.js").is_file():
        sys.exit(f"{folder} has no tex-chtml.js: reinstall sphinx-mathjax-offline")
    return folder


def title_and_summary(notebook):
    """The title (from '# NN · Title') and the 'What you will learn' points of a notebook's first markdown cells."""
    markdown = [cell for cell in notebook["cells"] if cell["cell_type"] == "markdown"]
    first = "".join(markdown[0]["source"]) if markdown else ""
    title = ""
    for line in first.splitlines():
        match = re.match(r"#\s+(.+?)\s*#*\s*$", line)
        if match:
            title = match.group(1)
            break
    title = re.sub(r"^\d+\s*[·.:\-–—]\s*", "", title).strip()
    return title, learn_points("\n\n".join("".join(cell["source"]) for cell in markdown[:2]))


BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
LEAD_IN = re.compile(r"^\s*(?:#+\s|(?:\*\*|__)[^*_]+(?:\*\*|__))")  # a heading or a bold lead-in


def learn_points(text):
    """The points under 'What you will learn' (a heading or a bold lead-in, then a list or a paragraph)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not re.search(r"what you will learn", line, re.IGNORECASE):
            continue
        rest = re.sub(r"^\s*#*\s*(\*\*|__)?\s*what you will learn\s*[:.]?\s*(\*\*|__)?\s*[:.]?\s*", "", line, flags=re.IGNORECASE)
        points = [rest.strip()] if rest.strip() else []
        listed = False
        for position, follow in enumerate(lines[index + 1 :], start=index + 1):
            if LEAD_IN.match(follow):
                break  # the next heading or bold lead-in (e.g. What to know first)
            if not follow.strip():
                upcoming = next((later for later in lines[position + 1 :] if later.strip()), "")
                if points and not (listed and BULLET.match(upcoming)):
                    break  # the paragraph or the list ended
                continue
            if BULLET.match(follow):
                points.append(BULLET.sub("", follow).strip())
                listed = True
            elif points:
                points[-1] += " " + follow.strip()  # a point's continuation line
            else:
                points.append(follow.strip())
        points = [re.sub(r"[;,.]\s*$", "", point).strip() for point in points]
        points = [point for point in points if point]
        if points:
            return points
    return []


def stage_notebook(source, target, stage, repo, branch):
    """Copy one notebook for the site: local badge picture, folded hidden cells, links that resolve."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    notebook.get("metadata", {}).pop("widgets", None)
    notebooks_dir = source.parent.resolve()
    repository_root = notebooks_dir.parent

    def retarget(target_link, html=False):
        bare = target_link.strip("<>")
        if bare in LOCAL_BADGES:
            return f"../{LOCAL_BADGES[bare]}"
        if re.match(r"^[a-z][a-z0-9+.-]*:", bare, re.IGNORECASE) or bare.startswith(("#", "/")):
            return target_link
        path_part, _, fragment = bare.partition("#")
        if not path_part:
            return target_link
        resolved = (notebooks_dir / path_part).resolve()
        try:
            relative = resolved.relative_to(repository_root)
        except ValueError:
            return target_link
        if resolved.parent == notebooks_dir and resolved.suffix == ".ipynb":
            # another lesson: Sphinx links a markdown link itself; raw HTML needs the page's name
            return resolved.stem + ".html" + (f"#{fragment}" if fragment else "") if html else target_link
        if resolved.is_file() and resolved.suffix.lower() in PICTURE_SUFFIXES:
            copy = stage / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(resolved, copy)
            return target_link
        kind = "tree" if resolved.is_dir() else "blob"
        url = f"https://github.com/{repo}/{kind}/{branch}/{relative.as_posix()}"
        return url + (f"#{fragment}" if fragment else "")

    for cell in notebook["cells"]:
        metadata = cell.setdefault("metadata", {})
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            text = MARKDOWN_LINK.sub(lambda m: m.group(1) + retarget(m.group(2)) + m.group(3), text)
            text = HTML_SRC.sub(lambda m: m.group(1) + retarget(m.group(2), html=True) + m.group(3), text)
            cell["source"] = text
        elif cell["cell_type"] == "code":
            tags = metadata.setdefault("tags", [])
            hidden = metadata.get("jupyter", {})
            if hidden.get("source_hidden") and "hide-input" not in tags:
                tags.append("hide-input")
            if hidden.get("outputs_hidden") and "hide-output" not in tags:
                tags.append("hide-output")
    first = notebook["cells"][0]  # the deck is built beside the site (build_slides), not a file to retarget
    first["source"] = "".join(first["source"]) + (
        f'\n\n<a class="slides-link" href="../slides/{source.stem}.slides.html">Slides of this lesson</a>'
    )
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")
    return notebook


def index_page(lessons, repo, branch, intro):
    """The home page: the introduction, the course map as a table (with MyST markdown in its cells), the table of contents."""
    rows = ["* - \\#", "  - Lesson", "  - What you will learn", "  - Run it"]
    for number, name, title, points in lessons:
        rows.append(f"* - {number}")
        rows.append(f"  - [{title}](notebooks/{name})")
        if len(points) > 1:
            rows.append(f"  - - {points[0]}")
            rows.extend(f"    - {point}" for point in points[1:])
        else:
            rows.append(f"  - {points[0] if points else ''}")
        deck = f"slides/{name[: -len('.ipynb')]}.slides.html"
        rows.append(f"  - [![Open in Colab]({LOCAL_BADGE})]({colab_url(repo, branch, name)}) <a href=\"{deck}\">slides</a>")
    toctree = "\n".join(f"notebooks/{name[: -len('.ipynb')]}" for _, name, _, _ in lessons)
    return (
        "# micrograd-mlp: the course\n\n"
        f"{intro.strip()}\n\n"
        "## Course map\n\n"
        "Take the lessons in order: each one builds on the one before. Each has slides too; lecturers, see the "
        "[teaching guide](teaching.md).\n\n"
        "```{list-table}\n:header-rows: 1\n:widths: 4 22 62 12\n:class: course-map\n\n"
        + "\n".join(rows)
        + "\n```\n\n"
        "```{toctree}\n:hidden:\n:caption: Lessons\n:maxdepth: 1\n\n"
        f"{toctree}\n```\n\n"
        "```{toctree}\n:hidden:\n:caption: For lecturers\n:maxdepth: 1\n\nteaching\n```\n"
    )


def build_slides():
    """tools/build_slides.py as a module (it is a script, and it imports this one)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_slides", ROOT / "tools" / "build_slides.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def looks_like_a_site(folder):
    """True for a folder this script may replace: missing, empty, or a Sphinx site built before."""
    return not folder.exists() or not any(folder.iterdir()) or (folder / "objects.inv").is_file()


def build(notebooks_dir, out, branch="main"):
    from sphinx.cmd.build import build_main

    repo = repository()
    notebooks = sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        sys.exit(f"no notebooks named NN_topic.ipynb in {notebooks_dir}")
    if not looks_like_a_site(out):
        sys.exit(f"{out} is not empty and holds no site built before: refusing to replace it")
    with tempfile.TemporaryDirectory(prefix="micrograd-site-") as temp:
        # everything Sphinx and myst-nb write (sources, doctrees, jupyter_execute) stays in the temporary folder
        stage, html = Path(temp) / "src", Path(temp) / "html"
        shutil.copytree(ROOT / "site", stage, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copytree(mathjax_folder(), stage / "_static" / "mathjax", ignore=shutil.ignore_patterns(*MATHJAX_UNUSED))
        (stage / "notebooks").mkdir()
        lessons = []
        for path in notebooks:
            notebook = stage_notebook(path, stage / "notebooks" / path.name, stage, repo, branch)
            title, points = title_and_summary(notebook)
            lessons.append((path.name[:2], path.name, title or path.stem, points))
        intro_file = stage / "intro.md"
        intro = intro_file.read_text(encoding="utf-8") if intro_file.exists() else ""
        intro_file.unlink(missing_ok=True)
        (stage / "index.md").write_text(index_page(lessons, repo, branch, intro), encoding="utf-8")
        shutil.copyfile(ROOT / "TEACHING.md", stage / "teaching.md")  # the lecturer's guide, a page of its own

        os.environ["SITE_REPOSITORY"] = repo
        os.environ["SITE_BRANCH"] = branch
        args = ["-b", "html", "-W", "--keep-going", "-q", "-d", str(Path(temp) / "doctrees"), str(stage), str(html)]
        status = build_main(args)
        if status:
            sys.exit(f"Sphinx failed (status {status}): see the warnings above")
        build_slides().build(notebooks_dir, html / "slides", ROOT / "build" / "slides-vendor")
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(html, out)
    return lessons


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="folder of NN_topic.ipynb (default: notebooks/)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="where the site goes (default: build/site)")
    parser.add_argument("--branch", default="main", help="branch the Colab and GitHub links point at (default: main)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    start = time.perf_counter()
    lessons = build(args.notebooks.resolve(), out, args.branch)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20
    print(f"site: {len(lessons)} lessons in {out} ({size:.1f} MiB) in {time.perf_counter() - start:.1f} s")
    print(f"open {out / 'index.html'}")


if __name__ == "__main__":
    main()
