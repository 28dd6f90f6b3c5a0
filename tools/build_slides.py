"""Build one reveal.js slide deck per notebook in build/slides, as `make slides` does.

Each cell's ``slideshow`` metadata (slide, subslide, fragment, skip, notes) decides
where it goes; the same metadata drives live presenting in JupyterLab
(jupyterlab-rise). The decks work offline, for a lecture hall whose network is
not to be trusted:

- reveal.js comes from its npm package, installed into build/slides-vendor
  the first time (pinned below), and is copied beside the decks;
- MathJax 3 comes from the sphinx-mathjax-offline package, as for the website;
- pictures are embedded in the HTML; nothing else is loaded from anywhere.

Open build/slides/index.html, or a deck directly; press S for the speaker view
with its notes, and the arrow keys to move.
"""

import argparse
import html
import importlib.util
import json
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tools" / "slides_template"
REVEAL_VERSION = "4.6.1"  # the major version nbconvert's reveal template is written for
WIDTH, HEIGHT = 1280, 760  # the slide size in CSS pixels; reveal.js scales it to the window

spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


def reveal_folder(vendor):
    """reveal.js from npm, installed into ``vendor`` once; the folder holding its dist/ and plugin/."""
    folder = vendor / "node_modules" / "reveal.js"
    if not (folder / "dist" / "reveal.js").is_file() or json.loads((folder / "package.json").read_text())["version"] != REVEAL_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("make slides needs npm to install reveal.js (Debian/Ubuntu: sudo apt-get install npm)")
        vendor.mkdir(parents=True, exist_ok=True)
        command = [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(vendor), f"reveal.js@{REVEAL_VERSION}"]
        if subprocess.run(command).returncode != 0:
            sys.exit(f"npm could not install reveal.js {REVEAL_VERSION}: see its message above")
    return folder


def exporter():
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATE.parent)]
    config.SlidesExporter.template_name = TEMPLATE.name
    config.SlidesExporter.reveal_url_prefix = "reveal.js"
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_width = str(WIDTH)
    config.SlidesExporter.reveal_height = str(HEIGHT)
    config.SlidesExporter.embed_images = True
    # A stored widget carries a picture of itself: show that, since a deck has no kernel to draw the widget.
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    config.NbConvertBase.display_data_priority = [
        "image/gif", "image/png", "image/jpeg", "text/html", "text/markdown", "text/latex", "image/svg+xml", "text/plain",
    ]
    return SlidesExporter(config=config)


def for_the_deck(notebook):
    """The deck shows the exercise, not its worked solution (that is for later, in the notebook),
    and the badges' pictures from beside the deck instead of from Colab's and Binder's servers."""
    notebook.cells = [cell for cell in notebook.cells if "solution" not in cell.metadata.get("tags", [])]
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for url, local in build_site.LOCAL_BADGES.items():
                cell.source = cell.source.replace(url, Path(local).name)
    return notebook


def build(notebooks_dir, out, vendor):
    import nbformat

    notebooks = sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        sys.exit(f"no notebooks named NN_topic.ipynb in {notebooks_dir}")
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "reveal.js", ignore_errors=True)
    reveal = reveal_folder(vendor)
    for part in ("dist", "plugin"):
        shutil.copytree(reveal / part, out / "reveal.js" / part)
    shutil.rmtree(out / "mathjax", ignore_errors=True)
    shutil.copytree(build_site.mathjax_folder(), out / "mathjax", ignore=shutil.ignore_patterns(*build_site.MATHJAX_UNUSED))
    for local in build_site.LOCAL_BADGES.values():
        shutil.copyfile(ROOT / "site" / local, out / Path(local).name)
    slides = exporter()
    slides.log.setLevel(logging.ERROR)  # not a warning per deck about pictures without alt text (ours are plots)
    decks = []
    for path in notebooks:
        notebook = for_the_deck(nbformat.read(path, as_version=4))
        body, _ = slides.from_notebook_node(notebook, resources={"metadata": {"name": path.stem, "path": str(path.parent)}})
        deck = out / f"{path.stem}.slides.html"
        deck.write_text(body, encoding="utf-8")
        title, _ = build_site.title_and_summary(notebook)
        decks.append((path.stem, title or path.stem, deck))
    (out / "index.html").write_text(index_page(decks), encoding="utf-8")
    return decks


def index_page(decks):
    items = "\n".join(
        f'<li><a href="{deck.name}">{html.escape(name[:2])} · {html.escape(title)}</a></li>' for name, title, deck in decks
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>micrograd-mlp: slides</title></head>\n"
        "<body style=\"font-family: sans-serif; max-width: 40em; margin: 2em auto\">\n"
        "<h1>micrograd-mlp: the slides</h1>\n<p>One deck per lesson. Arrow keys move; S opens the speaker view with "
        "the notes; F goes full screen.</p>\n"
        f"<ol style=\"list-style: none; padding: 0\">\n{items}\n</ol>\n</body></html>\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="folder of NN_topic.ipynb (default: notebooks/)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides", help="where the decks go (default: build/slides)")
    parser.add_argument("--vendor", type=Path, default=ROOT / "build" / "slides-vendor", help="where npm installs reveal.js")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    decks = build(args.notebooks.resolve(), args.out.resolve(), args.vendor.resolve())
    print(f"slides: {len(decks)} decks in {args.out} in {time.perf_counter() - start:.1f} s")
    print(f"open {args.out.resolve() / 'index.html'}")


if __name__ == "__main__":
    main()
