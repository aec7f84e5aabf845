"""Interactive panels: a pure function from slider values to numbers, plus a thin view.

Each module holds one panel. Its logic function takes a frozen state (the
slider values) and returns a frozen result (readouts and figure data), so
tests check the numbers without a browser; the view class builds the
sliders, calls the logic on every change and updates its readout and plot
artists in place.
"""

from bp_helpers.panels.chain import ChainPanel, ChainState, chain_panel
from bp_helpers.panels.descent import DescentPanel, DescentState, explore
from bp_helpers.panels.draw import DrawPanel
from bp_helpers.panels.inside import InsidePanel, InsideState
from bp_helpers.panels.monitor import TrainingMonitor
from bp_helpers.panels.nudge import NudgePanel, NudgeState, nudge
from bp_helpers.panels.paths import PathsPanel, PathsState, example_network, follow_paths
from bp_helpers.panels.wishes import WishesPanel, WishesState, show_wishes

__all__ = [
    "ChainPanel",
    "ChainState",
    "DescentPanel",
    "DescentState",
    "DrawPanel",
    "InsidePanel",
    "InsideState",
    "NudgePanel",
    "NudgeState",
    "PathsPanel",
    "PathsState",
    "TrainingMonitor",
    "WishesPanel",
    "WishesState",
    "chain_panel",
    "example_network",
    "explore",
    "follow_paths",
    "nudge",
    "show_wishes",
]
