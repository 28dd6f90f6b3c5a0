"""What the course asks of Graphviz is known to the `dot` that Google Colab has: Graphviz 2.42.

Colab's image (googlecolab/backend-info, apt-list.txt of 2026-08-19) has Ubuntu's graphviz
2.42.2-6ubuntu0.1; Debian 12, where CI runs, has 2.42.2-7: the same upstream release, so CI draws with
Colab's `dot`. On a newer Graphviz the course's pictures still draw, but an attribute added after 2.42
would be ignored on Colab without a word: this test lists every attribute, shape, style and HTML-label
element the package writes and checks each against Graphviz 2.42's documentation.
"""

import functools
import re

import pytest

from micrograd_mlp.graph import draw_dot
from micrograd_mlp.stepper import backward_trace, frame_source, layout, lecture_neuron

# Every attribute name of doc/info/attrs.html in Graphviz 2.42 (graph, node, edge and cluster attributes).
ATTRIBUTES_2_42 = set(
    """
    _background area arrowhead arrowsize arrowtail bb bgcolor center charset class clusterrank color colorscheme
    comment compound concentrate constraint Damping decorate defaultdist dim dimen dir diredgeconstraints distortion
    dpi edgehref edgetarget edgetooltip edgeURL epsilon esep fillcolor fixedsize fontcolor fontname fontnames
    fontpath fontsize forcelabels gradientangle group head_lp headclip headhref headlabel headport headtarget
    headtooltip headURL height href id image imagepath imagepos imagescale inputscale K label label_scheme
    labelangle labeldistance labelfloat labelfontcolor labelfontname labelfontsize labelhref labeljust labelloc
    labeltarget labeltooltip labelURL landscape layer layerlistsep layers layerselect layersep layout len levels
    levelsgap lhead lheight lp ltail lwidth margin maxiter mclimit mindist minlen mode model mosek newrank nodesep
    nojustify normalize notranslate nslimit nslimit1 ordering orientation outputorder overlap overlap_scaling
    overlap_shrink pack packmode pad page pagedir pencolor penwidth peripheries pin pos quadtree quantum rank
    rankdir ranksep ratio rects regular remincross repulsiveforce resolution root rotate rotation samehead
    sametail samplepoints scale searchsize sep shape shapefile showboxes sides size skew smoothing sortv splines
    start style stylesheet tail_lp tailclip tailhref taillabel tailport tailtarget tailtooltip tailURL target
    tooltip truecolor URL vertices viewport voro_margin weight width xdotversion xlabel xlp z
    """.split()
)
SHAPES_2_42 = {"box", "ellipse", "oval", "circle", "point", "plaintext", "plain", "record", "Mrecord", "none"}
STYLES_2_42 = {"filled", "solid", "dashed", "dotted", "bold", "invis", "rounded", "diagonals", "striped", "wedged"}
# HTML-like labels in 2.42 (doc/info/shapes.html): the elements the package writes and their attributes there.
HTML_2_42 = {
    "table": {"align", "bgcolor", "border", "cellborder", "cellpadding", "cellspacing", "color", "columns", "fixedsize",
              "gradientangle", "height", "href", "id", "port", "rows", "sides", "style", "target", "title", "tooltip",
              "valign", "width"},
    "tr": set(),
    "td": {"align", "balign", "bgcolor", "border", "cellpadding", "cellspacing", "color", "colspan", "fixedsize",
           "gradientangle", "height", "href", "id", "port", "rowspan", "sides", "style", "target", "title", "tooltip",
           "valign", "width"},
    "font": {"color", "face", "point-size"},
}  # fmt: skip

# name=value in DOT: a value is "quoted", an HTML-like <<label>>, or a bare word; the value is skipped over.
ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|<<.*?>>(?=[\s\],;])|[^\s\],;]+)', re.DOTALL)


def sources():
    """The DOT the package writes: draw_dot in each style and direction, and the stepper's layout and frames."""
    root = lecture_neuron()
    root.backward()
    yield draw_dot(root).source
    yield draw_dot(root, rankdir="TB", color="grad").source
    trace = backward_trace(lecture_neuron())
    positions = layout(trace)
    yield from (frame_source(trace, positions, frame) for frame in (0, 1, len(trace.steps)))


@functools.cache  # drawn once for all the tests
def used():
    """Every (attribute, value) pair in those sources."""
    return [(name, value.strip('"')) for source in sources() for name, value in ATTRIBUTE.findall(source)]


def test_every_attribute_the_course_writes_is_one_graphviz_2_42_knows():
    names = {name for name, _ in used()}
    assert {"rankdir", "shape", "fillcolor", "pos", "penwidth", "label"} <= names  # the parsing found them
    assert names <= ATTRIBUTES_2_42, f"not in Graphviz 2.42: {sorted(names - ATTRIBUTES_2_42)}"


@pytest.mark.parametrize("attribute, known", [("shape", SHAPES_2_42), ("style", STYLES_2_42)])
def test_shapes_and_styles_are_ones_graphviz_2_42_knows(attribute, known):
    values = {value for name, value in used() if name == attribute}
    assert values, f"no {attribute} found"
    assert values <= known, f"{attribute} not in Graphviz 2.42: {sorted(values - known)}"


def test_html_labels_use_only_what_graphviz_2_42_knows():
    labels = [value for name, value in used() if name == "label" and value.startswith("<<")]
    assert labels, "draw_dot(color='grad') writes its legend as an HTML-like label"
    for label in labels:
        for element, attributes in re.findall(r"<(\w+)([^>]*)>", label):
            assert element in HTML_2_42, f"<{element}> is not an HTML-like label element of Graphviz 2.42"
            names = set(re.findall(r"([\w-]+)=", attributes))
            assert names <= HTML_2_42[element], f"<{element}> attributes not in Graphviz 2.42: {names - HTML_2_42[element]}"
