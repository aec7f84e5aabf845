"""Test metadata: the lessons in order, and how the tests find each one's panels on the page.

The notebook tests, the browser tests, the browser latency benchmark and the
README check all read `LESSONS`, so a new lesson or panel is added here once.
A panel's `marker` is a CSS selector that only that panel's output contains
(the `data-key` of a readout its table always shows); `slider` is the slider a
latency measurement steps, and `repaints` says whether the panel's plot redraws
when that slider moves.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    """How a kind of panel is found on the page, and which of its sliders is timed."""

    marker: str
    slider: str | None = None
    repaints: bool = True


@dataclass(frozen=True)
class Lesson:
    """One lesson: notebooks/<stem>.ipynb (twin: notebooks/text/<stem>.py), title, panels."""

    stem: str
    title: str
    panels: tuple[str, ...] = ()

    @property
    def number(self):
        return int(self.stem[:2])

    @property
    def notebook(self):
        """The lesson's path inside the course folder, e.g. notebooks/01_the_last_link.ipynb."""
        return f"notebooks/{self.stem}.ipynb"


PANELS = {
    "nudge": Panel('td[data-key="ratio"]', slider="w(L)"),
    "chain": Panel('tr[data-key="w1"]', slider="w(1)"),
    # The paths panel redraws its plot only when the chosen neuron changes, never on Δ.
    "paths": Panel('td[data-key="paths"]', slider="Δ", repaints=False),
    # continuous_update=False: a key press on the focused handle commits the value at once.
    "descent": Panel('td[data-key="sgd:steps"]', slider="lr"),
    # Also continuous_update=False; steps alternate between test digits #0 and #1.
    "inside": Panel('td[data-key="label"]', slider="test digit"),
    "draw": Panel('.widget-dropdown:has-text("I meant")'),
}

LESSONS = (
    Lesson("01_the_last_link", "The last link", ("nudge",)),
    Lesson("02_a_chain_of_layers", "A chain of layers", ("chain",)),
    Lesson("03_many_neurons_per_layer", "Many neurons per layer", ("paths",)),
    Lesson("04_gradient_descent", "Gradient descent", ("descent",)),
    Lesson("05_mnist", "Real digits", ("inside", "draw")),
    Lesson("06_your_backprop", "Your backprop"),
    Lesson("07_backprop_on_any_graph", "Backprop on any graph"),
)


def lesson(stem):
    """The Lesson whose notebook is notebooks/<stem>.ipynb; KeyError naming the known ones."""
    for each in LESSONS:
        if each.stem == stem:
            return each
    raise KeyError(f"no lesson {stem!r}; the lessons are {[each.stem for each in LESSONS]}")


__all__ = ["LESSONS", "PANELS", "Lesson", "Panel", "lesson"]
