"""Sphinx configuration of the course website; `make site` (tools/build_site.py) builds it into build/site.

tools/build_site.py copies this folder and the notebooks into build/site-src, writes
the index (the course map) and the MathJax files next to it, then runs Sphinx.
The notebooks are rendered with their stored outputs: nothing is executed.
Everything a page needs (theme, fonts, MathJax) is served from the site itself,
so it works offline and from any static host.
"""

import os

project = "micrograd-mlp"
author = "micrograd-mlp contributors"
copyright = "micrograd-mlp contributors"

# build_site.py passes the repository taken from pyproject.toml's Homepage.
REPOSITORY = os.environ.get("SITE_REPOSITORY", "VisvaV/micrograd-mlp")
BRANCH = os.environ.get("SITE_BRANCH", "main")

extensions = ["myst_nb", "sphinx.ext.mathjax", "sphinx.ext.githubpages"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# Notebooks: stored outputs only, never executed; no widget JavaScript from a CDN.
nb_execution_mode = "off"
nb_ipywidgets_js = {}
# A stored widget carries a picture of itself (a GIF or PNG): show that, since a page has no kernel for the widget.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# MathJax 3 from the site itself (_static/mathjax, copied there by build_site.py), not from a CDN.
mathjax_path = "mathjax/tex-chtml.js"

html_title = "micrograd-mlp"
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_theme_options = {
    "repository_url": f"https://github.com/{REPOSITORY}",
    "repository_branch": BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    # no top bar: the search field is in the sidebar already
    "navbar_start": [],
    "navbar_center": [],
    "navbar_end": [],
    "navbar_persistent": [],
}
