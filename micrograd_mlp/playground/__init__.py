"""A live training playground in the notebook, in the spirit of TensorFlow Playground.

Pick a dataset, a network and the training settings; press play and watch the
decision boundary move, the training and test curves grow and the weights of
the network change colour and thickness, step by step.

It is built in layers, one file each, so that everything but the buttons can be tested
and used without a browser:

``settings.py``    ``Settings``: the controls' values, checked: a bad value raises ValueError saying what
                   to change; ``parse_hidden`` and ``parse_batch_size`` read the two text boxes.
``experiment.py``  ``Experiment``: settings → the data split into training and test points, the MLP and
                   its ``Trainer``; ``step(n)`` trains, ``frame()`` draws the current state as PNG bytes,
                   ``animation()`` a short run as an animated GIF.
``dashboard.py``   ``Dashboard``: the picture of an Experiment: boundary and points, network, curves (one
                   matplotlib figure, redrawn by blitting only what moves); ``edge_style``, how it draws a weight.
``widget.py``      ``Playground``: the ipywidgets controls and buttons around an Experiment; play trains in
                   a background thread, several steps between redraws, so the kernel stays responsive.

Imports go one way, never back: widget.py uses experiment.py and settings.py; experiment.py uses
settings.py and dashboard.py; settings.py and dashboard.py use no other file of the playground.
The package gathers their public names, so that one import is enough:

    from micrograd_mlp.playground import Playground
    Playground(dataset="spirals", hidden=(16, 16), activation="relu")
"""

from .dashboard import Dashboard, edge_style
from .experiment import Experiment
from .settings import Settings, parse_batch_size, parse_hidden
from .widget import Playground

# constants the notebook, its exercises, the tests and the benchmark import from here too
from .dashboard import NEGATIVE_WEIGHT, POSITIVE_WEIGHT, THICKEST, THINNEST  # noqa: F401
from .experiment import STEPS_PER_FRAME  # noqa: F401
from .widget import PLAY_LIMIT  # noqa: F401

__all__ = ["Settings", "Experiment", "Dashboard", "Playground", "edge_style", "parse_hidden", "parse_batch_size"]
