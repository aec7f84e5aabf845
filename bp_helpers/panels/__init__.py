"""Interactive panels: a pure function from slider values to numbers, plus a thin view.

Each module holds one panel, and names its parts alike (for a panel "name"):

- NameState: the controls' values, frozen;
- name_result(state, ...): the logic, a pure function returning a frozen
  NameResult (readouts and figure data), so tests check the numbers without
  a browser;
- readout_rows(result): the readout table as (key, label, value) rows, and
  readout_html(result) where the table is more than such rows;
- NamePanel: the view. It builds the controls, calls the logic on every
  change and updates its readout and plot artists in place; set_state moves
  the controls (see view.PanelView).

Beside them, predict.Prediction is the predict-then-reveal widget that the lessons'
predictions (bp_helpers.questions.lessonN) return.
"""

from bp_helpers.panels.chain import ChainPanel, ChainState, chain_result
from bp_helpers.panels.descent import DescentPanel, DescentState, descent_result
from bp_helpers.panels.draw import DrawPanel
from bp_helpers.panels.inside import InsidePanel, InsideState
from bp_helpers.panels.monitor import TrainingMonitor
from bp_helpers.panels.nudge import NudgePanel, NudgeState, nudge_result
from bp_helpers.panels.paths import PathsPanel, PathsState, example_network, paths_result
from bp_helpers.panels.wishes import WishesPanel, WishesState, next_example, wishes_result

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
    "chain_result",
    "descent_result",
    "example_network",
    "next_example",
    "nudge_result",
    "paths_result",
    "wishes_result",
]
