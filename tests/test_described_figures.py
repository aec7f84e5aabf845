"""Static figures carry words: alt text, and their numbers where the picture has them."""

import re

import numpy as np

from bp_helpers.plots import computation_tree, network_and_matrix
from bp_helpers.plots.mnist import (
    confusion_plot,
    cost_every_steps,
    misclassified_gallery,
    sample_digits,
)


def alt_of(figure):
    return re.search(r"alt='([^']*)'", figure._repr_html_()).group(1)


def test_a_figure_shows_as_an_image_with_its_alt_text():
    html = computation_tree()._repr_html_()
    assert html.count("<img src='data:image/png;base64,iVBOR") == 1
    assert "feed z(L)" in alt_of(computation_tree())
    assert "<details>" not in html  # no numbers to add


def test_the_confusion_matrix_comes_with_every_count_in_a_table():
    counts = np.arange(100).reshape(10, 10)
    figure = confusion_plot(counts)
    assert f"{np.trace(counts)} of {counts.sum()} on the diagonal" in alt_of(figure)
    cells = [int(v) for v in re.findall(r"<td>(\d+)</td>", figure._repr_html_())]
    assert cells == list(range(100))


def test_digit_pictures_are_listed_by_their_titles():
    X = np.zeros((40, 784))
    labels = np.repeat(np.arange(10), 4)
    assert alt_of(sample_digits(X, labels, per_digit=1)).endswith(
        "10 of them, titled: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9.")
    gallery = misclassified_gallery(X, [3, 5], predicted=[7, 1], true=[9, 4])
    assert alt_of(gallery).endswith("2 of them, titled: 9 → 7, 4 → 1.")


def test_the_weight_matrix_is_given_as_numbers():
    W = [np.zeros((3, 2)), np.array([[0.5, -1.25, 2.0]])]
    figure = network_and_matrix(W)
    assert "layers of 2, 3, 1 neurons" in alt_of(figure)
    assert re.findall(r"<td>([^<]*)</td>", figure.data) == ["+0.50", "-1.25", "+2.00"]


def test_an_edges_sign_shows_in_its_line_style_too():
    from matplotlib.figure import Figure

    from bp_helpers.plots import draw_network

    ax = Figure().add_subplot()
    draw_network(ax, [np.array([[0.5, -0.5]])])
    styles = {line.get_color(): line.get_linestyle() for line in ax.get_lines()}
    assert styles == {"#2a6fdb": "-", "#d1495b": "--"}


def test_each_output_digit_has_its_own_hatching_in_the_wishes_panel():
    from bp_helpers.panels.wishes import DIGIT_COLORS, DIGIT_HATCHES

    assert len(set(DIGIT_HATCHES)) == len(set(DIGIT_COLORS)) == 10


def test_the_cost_every_n_steps_names_its_spacing_and_gives_each_curves_ends():
    figure = cost_every_steps({"yours": [(0, 0.9), (40, 0.5), (80, 0.31)],
                               "fast": [(0, 0.9), (40, 0.52), (80, 0.3)]}, every=40)
    assert "recorded every 40 steps, one line per run" in alt_of(figure)
    (line_a, line_b) = figure.axes[0].get_lines()
    assert list(line_a.get_xdata()) == [0, 40, 80] and line_b.get_linestyle() == "--"
    rows = re.findall(r"<tr><th scope='row'>(\w+)</th><td>(\d+)</td><td>([\d.]+)</td>"
                      r"<td>([\d.]+)</td></tr>", figure._repr_html_())
    assert rows == [("yours", "80", "0.9000", "0.3100"), ("fast", "80", "0.9000", "0.3000")]
