"""Static figures carry words: alt text, and their numbers where the picture has them."""

import re

import numpy as np
from matplotlib.contour import ContourSet

from bp_helpers.plots import computation_tree, network_and_matrix
from bp_helpers.plots.mnist import (
    confusion_plot,
    cost_every_steps,
    first_layer_weights,
    misclassified_gallery,
    neuron_weights,
    sample_digits,
    weight_regions,
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


def hatched_pixels(ax):
    """The pixels (row, column) inside the hatched regions of ax's one contourf."""
    (hatched,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert list(hatched.hatches) == ["/////", None]
    region = hatched.get_paths()[0]  # the first level: below -HATCHED * max |w|
    return {(r, c) for r, c in np.ndindex(28, 28) if region.contains_point((c, r))}


def test_strongly_negative_weights_are_hatched_not_only_red():
    W1 = np.zeros((2, 784))
    W1[:, 100] = 1.0
    W1[0, 300:303] = -0.5  # row 10, columns 20-22: strongly negative
    W1[1, 300] = -0.1  # weakly negative: below a quarter of the largest |w|, not hatched
    figure = first_layer_weights(W1)
    assert "hatched where strongly negative" in alt_of(figure)
    assert hatched_pixels(figure.axes[0]) == {(10, 20), (10, 21), (10, 22)}
    assert hatched_pixels(figure.axes[1]) == set()


def test_one_neurons_weights_come_in_words_and_as_block_means():
    rng = np.random.default_rng(0)
    image = 0.01 * rng.standard_normal((28, 28))
    image[12:16, 0:4] = 1.0  # a positive stroke in the middle left
    image[0:4, 24:28] = -1.0  # a negative corner, top right
    W1 = np.zeros((8, 784))
    W1[7] = image.ravel()
    figure = neuron_weights(W1, 7)
    assert figure.alt.startswith(
        "Neuron 7's 784 incoming weights as a 28 by 28 picture: most positive (blue) in the "
        "middle left and ")
    assert "most negative (red) in the top right and " in figure.alt
    cells = [float(v) for v in re.findall(r"<td>([-+][\d.]+)</td>", figure.data)]
    blocks = image.reshape(7, 4, 7, 4).mean(axis=(1, 3))
    np.testing.assert_allclose(cells, blocks.ravel(), atol=5e-4)
    assert cells[3 * 7 + 0] == 1.0 and cells[6] == -1.0  # rows 12-15, columns 0-3; the corner
    corner = {(r, c) for r in range(1, 4) for c in range(24, 27)}  # off the picture's edge
    assert hatched_pixels(figure.axes[0]) >= corner


def test_a_weight_image_with_no_negative_region_says_so():
    image = np.ones((28, 28))
    image[10:19, 10:19] = 2.0
    assert weight_regions(image).endswith("most negative (red) in no region, on average")
    assert weight_regions(image).startswith("most positive (blue) in the centre and ")
