"""set_state on every panel: each moves its controls to a new valid state and shows it.

A panel's set_state is public API (the lessons' exercises and the tests use
it), and it failed for one panel for every state because an attribute hid a
method. So every panel with controls is listed here, and a test checks that
the list is complete.
"""

import importlib
import pkgutil

import numpy as np
import pytest

import bp_helpers.panels
from bp_helpers.network import Network
from bp_helpers.panels.chain import ChainPanel
from bp_helpers.panels.descent import DescentPanel
from bp_helpers.panels.inside import InsidePanel
from bp_helpers.panels.levers import LeversPanel
from bp_helpers.panels.nudge import NudgePanel
from bp_helpers.panels.paths import PathsPanel
from bp_helpers.panels.view import PanelView
from bp_helpers.panels.wishes import WishesPanel


def digits():
    rng = np.random.default_rng(0)
    labels = np.array([3, 2, 4, 1, 2, 5, 2, 0, 9, 2, 7, 6, 2, 8])
    return Network([784, 16, 16, 10], seed=0), rng.uniform(0, 1, (len(labels), 784)), labels


# A panel's maker, and new values for every control it has.
PANELS = {
    ChainPanel: (ChainPanel, dict(w=(1.0, 0.5, -1.5), b=(0.0, 0.25, 0.5), x=0.5, y=0.0,
                                  activation="relu")),
    DescentPanel: (DescentPanel, dict(lr=30.0, batch_size=100)),
    InsidePanel: (lambda: InsidePanel(*digits()), dict(index=3, neuron=7)),
    LeversPanel: (LeversPanel, dict(a_prev=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), j=1, step=0.2)),
    NudgePanel: (NudgePanel, dict(w=-1.0, b=0.5, a_prev=0.2, y=1.0, delta=0.01, wrt="b",
                                  activation="relu")),
    PathsPanel: (PathsPanel, dict(layer=0, k=1, delta=1e-2)),
    WishesPanel: (lambda: WishesPanel(*digits()), dict(index=4, neuron=3, batch_size=5)),
}


def panels_with_controls():
    """Every PanelView subclass in bp_helpers.panels that defines its own controls."""
    for module in pkgutil.iter_modules(bp_helpers.panels.__path__):
        importlib.import_module(f"bp_helpers.panels.{module.name}")
    found, todo = set(), [PanelView]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith("bp_helpers.panels.") and "controls" in vars(cls):
                found.add(cls)
    return found


def test_every_panel_with_controls_is_listed():
    assert panels_with_controls() == set(PANELS)


@pytest.mark.parametrize("cls", PANELS, ids=lambda cls: cls.__name__)
def test_set_state_moves_every_control(cls):
    make, values = PANELS[cls]
    panel = make()
    before = panel.state
    assert all(getattr(before, name) != value for name, value in values.items())
    panel.set_state(**values)
    for name, value in values.items():
        assert getattr(panel.state, name) == value
