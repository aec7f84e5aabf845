"""live_figure's canvas: what it stores for a front end that is not there yet."""

from bp_helpers.panels.view import DATA_URL_PREFIX, live_figure


def test_the_stored_picture_is_a_complete_data_url():
    canvas = live_figure(2, 1).canvas
    canvas.draw()
    canvas.manager.refresh_all()  # what ipympl does for a new frame before a view exists
    assert canvas._data_url.startswith(DATA_URL_PREFIX + "iVBOR")
    canvas._data_url = "iVBORw0KGgo"
    assert canvas._data_url == DATA_URL_PREFIX + "iVBORw0KGgo"
    canvas._data_url = DATA_URL_PREFIX + "iVBORw0KGgo"
    assert canvas._data_url == DATA_URL_PREFIX + "iVBORw0KGgo"
