"""Every lesson, after Run All, for a learner with a keyboard or a screen reader.

Three checks share each lesson's one run (the session's `open_lesson`):

- axe-core (bundled by axe-playwright-python, no download) finds no critical or
  serious violation in the course's own outputs; violations in JupyterLab's own
  parts (its editors, its notebook list) are listed, not counted;
- Tab walks through the course's controls from the top of the lesson to its end,
  and Shift+Tab walks back: every control is reached and none keeps the focus.
  Where focus lands in JupyterLab's own editors (which keep Tab to indent), the
  walk goes on from the next course control, as a learner does with Escape;
- every control has an accessible name, a slider announces the value its readout
  shows, a toggle says whether it is pressed, and "m" on a control does not turn
  its cell into Markdown.

    .venv/bin/python -m pytest tests/browser/test_accessibility.py -m browser
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from labrunner import ROOT
from lessons import LESSONS

pytestmark = pytest.mark.browser

LESSON_PATHS = [pytest.param(ROOT / lesson.notebook, id=lesson.stem) for lesson in LESSONS]

# The course's own output: a cell's outputs and the lesson's rendered Markdown.
OWN = ".jp-OutputArea-output, .jp-MarkdownOutput"

# Where each axe violation's element is: [rule, impact, the course's own?, its HTML].
CLASSIFY_JS = """
([violations, own]) => violations.flatMap(v => v.nodes.map(node => {
  const el = document.querySelector(node.target[0]);
  return [v.id, v.impact, !!(el && el.closest(own)), node.html.slice(0, 160)];
}))
"""

# The course's controls a Tab can reach, in page order; a radio group counts once.
TABBABLE_JS = """
(root) => {
  window.__bpStops = [...root.querySelectorAll('.bp-course')].flatMap(box => [...box
      .querySelectorAll('button, input, select, textarea, [tabindex], [contenteditable=true]')])
    .filter(el => el.tabIndex >= 0 && !el.disabled && el.checkVisibility()
                  && !(el.type === 'radio' && el !== el.closest('.widget-radio-box')
                        .querySelector('input')));
  return window.__bpStops.length;
}
"""

# From the focused element: which stop is it (-1: not one), and is it after stop i?
WHERE_JS = """
(i) => {
  const el = document.activeElement, stops = window.__bpStops;
  const radio = el && el.type === 'radio' ? el.closest('.widget-radio-box') : null;
  const at = stops.findIndex(s => s === el || (radio && s.closest('.widget-radio-box') === radio));
  const after = i < 0 ? 1 : (stops[i].compareDocumentPosition(el)
                             & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1);
  return [at, after, el ? el.outerHTML.slice(0, 120) : ''];
}
"""

# Per control: what a screen reader gets (role, name, value, pressed) and what is shown.
CONTROLS_JS = """
(root) => {
  const words = el => el ? el.textContent.replace(/\\s+/g, ' ').trim() : '';
  const out = [];
  for (const box of root.querySelectorAll('.bp-course')) {
    for (const h of box.querySelectorAll('.noUi-handle')) {
      const slider = h.closest('.widget-slider');
      out.push({kind: 'slider', name: h.getAttribute('aria-label'),
                value: h.getAttribute('aria-valuetext'),
                shown: words(slider.querySelector('.widget-readout')).replace('\\u2212', '-')});
    }
    for (const r of box.querySelectorAll('.widget-readout'))
      out.push({kind: 'value box', name: r.getAttribute('aria-label')});
    for (const g of box.querySelectorAll('.widget-toggle-buttons'))
      for (const b of g.querySelectorAll('button'))
        out.push({kind: 'toggle', name: g.getAttribute('aria-label') + ' / ' + words(b),
                  value: b.getAttribute('aria-pressed'),
                  shown: String(b.classList.contains('mod-active'))});
    for (const g of box.querySelectorAll('.widget-radio-box'))
      out.push({kind: 'radio group', name: g.getAttribute('role') === 'radiogroup'
                ? g.getAttribute('aria-label') : null});
    for (const i of box.querySelectorAll('select, input:not([type=radio]), textarea'))
      out.push({kind: i.tagName.toLowerCase(), name: i.getAttribute('aria-label')});
    for (const b of box.querySelectorAll('button'))
      out.push({kind: 'button', name: words(b) || b.getAttribute('aria-label')});
    for (const img of box.querySelectorAll('img'))
      out.push({kind: 'image', name: img.getAttribute('alt') || img.getAttribute('title')});
  }
  return out;
}
"""


def axe_findings(lesson):
    """(own, JupyterLab's): the critical and serious axe findings, [rule, impact, html]."""
    results = Axe().run(lesson.page, context=".jp-NotebookPanel")
    found = lesson.page.evaluate(CLASSIFY_JS, [results.response["violations"], OWN])
    severe = [f for f in found if f[1] in ("critical", "serious")]
    return ([[rule, impact, html] for rule, impact, own, html in severe if own],
            [[rule, impact, html] for rule, impact, own, html in severe if not own])


@pytest.mark.parametrize("notebook", LESSON_PATHS)
def test_axe_finds_no_critical_or_serious_problem_in_the_course(open_lesson, notebook):
    lesson = open_lesson(notebook)
    own, lab = axe_findings(lesson)
    print(f"{lesson.name}: JupyterLab's own, not counted: {len(lab)}",
          sorted({rule for rule, _, _ in lab}))
    assert own == [], f"{lesson.name}: axe finds in the course's outputs: {own}"


def walk(lesson, key, order):
    """Press `key` from stop to stop in `order`; return the stops reached and any trap."""
    page, reached = lesson.page, set()
    i = order[0]
    page.evaluate("(i) => window.__bpStops[i].focus()", i)
    reached.add(i)
    while True:
        page.keyboard.press(key)
        at, after, html = page.evaluate(WHERE_JS, i)
        forward = after > 0 if key == "Tab" else after < 0
        if at == i or (not forward and at >= 0):
            return reached, f"{key} from stop {i} went to {html}"
        later = [s for s in order if order.index(s) > order.index(i)]
        if not later:
            return reached, None
        if at < 0 or at not in later:  # left the course's controls: on from the next one
            at = later[0]
            page.evaluate("(i) => window.__bpStops[i].focus()", at)
        reached.add(at)
        i = at


@pytest.mark.parametrize("notebook", LESSON_PATHS)
def test_tab_reaches_every_control_to_the_end_and_back_without_a_trap(open_lesson, notebook):
    lesson = open_lesson(notebook)
    count = lesson.notebook.evaluate(TABBABLE_JS)
    if count == 0:
        pytest.skip(f"{lesson.name} has no course controls")
    for key, order in (("Tab", list(range(count))), ("Shift+Tab", list(range(count))[::-1])):
        reached, trap = walk(lesson, key, order)
        assert trap is None, f"{lesson.name}: a keyboard trap: {trap}"
        assert reached == set(order), (
            f"{lesson.name}: {key} skipped stops {sorted(set(order) - reached)} of {count}")


@pytest.mark.parametrize("notebook", LESSON_PATHS)
def test_every_control_is_named_and_announces_what_it_shows(open_lesson, notebook):
    lesson = open_lesson(notebook)
    controls = lesson.notebook.evaluate(CONTROLS_JS)
    unnamed = [c for c in controls if not c["name"] or c["name"].startswith("null")]
    assert unnamed == [], f"{lesson.name}: controls without a name: {unnamed}"
    wrong = [c for c in controls if "shown" in c and c["value"] != c["shown"]]
    assert wrong == [], f"{lesson.name}: announced value is not the shown one: {wrong}"


@pytest.mark.parametrize("notebook", LESSON_PATHS)
def test_a_single_key_on_a_course_control_leaves_the_lesson_alone(open_lesson, notebook):
    """One-key shortcuts do nothing there; Ctrl+S still saves and Shift+Enter still runs."""
    lesson = open_lesson(notebook)
    control = lesson.notebook.locator(
        ".bp-course .noUi-handle, .bp-course .widget-toggle-button, .bp-course button").first
    if control.count() == 0:
        pytest.skip(f"{lesson.name} has no course controls")
    # Each cell's kind, prompt and first characters: "a b" and "d d x" could leave the
    # number of cells as it was, so the cells themselves are compared.
    cells_js = ("nb => [...nb.querySelectorAll('.jp-Cell')].map(c => c.className.match("
                "/jp-(Code|Markdown)Cell/)[1] + ' ' + (c.querySelector('.jp-InputPrompt') || "
                "{textContent: ''}).textContent + ' ' + (c.querySelector('.jp-InputArea-editor')"
                " || {textContent: ''}).textContent.slice(0, 60))")
    before_keys = lesson.notebook.evaluate(cells_js)
    control.focus()
    for key in ("m", "d", "d", "a", "b", "x"):
        lesson.page.keyboard.press(key)
    lesson.page.wait_for_timeout(300)
    assert lesson.notebook.evaluate(cells_js) == before_keys
    assert lesson.notebook.locator(".bp-course").count() > 0

    # Shift+Enter runs the control's cell (a new prompt number, which also leaves the
    # notebook unsaved, whatever autosave did before); then Ctrl+S saves it.
    cell = control.locator("xpath=ancestor::div[contains(@class, 'jp-CodeCell')]")
    before = cell.locator(".jp-InputPrompt").text_content()
    control.focus()
    lesson.page.keyboard.press("Shift+Enter")
    lesson.page.wait_for_function(
        "([cell, before]) => /^\\[\\d+\\]:$/.test(cell.querySelector('.jp-InputPrompt')"
        ".textContent) && cell.querySelector('.jp-InputPrompt').textContent !== before",
        arg=[cell.element_handle(), before], timeout=30_000)
    dirty = lesson.page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty")
    dirty.wait_for(timeout=10_000)
    control = lesson.notebook.locator(
        ".bp-course .noUi-handle, .bp-course .widget-toggle-button, .bp-course button").first
    control.focus()
    lesson.page.keyboard.press("Control+s")
    dirty.wait_for(state="detached", timeout=10_000)


# At 200% zoom a 1000 x 800 window is 500 CSS pixels wide: the panels must reflow into it.
ZOOMED = {"width": 500, "height": 400}
# The open side panel (the file browser): at that width a learner hides it (Ctrl+B).
SIDE_PANEL_TAB = ".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current"

# What does not reflow in each course box: [problem, the element, by how many px]. A
# diagram that needs its two-dimensional layout (the graph) may scroll sideways inside
# its own region, which takes keyboard focus so the arrow keys can scroll it (WCAG 1.4.10).
REFLOW_JS = """
(root) => {
  const problems = [], slack = 3;
  const name = el => (typeof el.className === 'string' && el.className
                      ? el.className : el.tagName).slice(0, 80);
  const scrolls = el => { const region = el.closest('[role=region][tabindex="0"]');
                          return region && region !== el; };
  for (const box of root.querySelectorAll('.bp-course')) {
    const edge = box.getBoundingClientRect();
    if (!edge.width) continue;
    if (box.scrollWidth > box.clientWidth + slack)
      problems.push(['scrolls sideways', name(box), box.scrollWidth - box.clientWidth]);
    for (const el of box.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > edge.right + slack && !scrolls(el))
        problems.push(['sticks out on the right', name(el), Math.round(r.right - edge.right)]);
    }
    for (const track of box.querySelectorAll('.widget-slider .noUi-target')) {
      const width = track.getBoundingClientRect().width;
      if (width < Math.min(100, 0.25 * edge.width))
        problems.push(['a slider squeezed', name(track.closest('.widget-slider')), width]);
    }
    for (const el of box.querySelectorAll('label, button, .widget-label')) {
      if (el.checkVisibility() && el.scrollHeight > el.clientHeight + slack)
        problems.push(['text runs over its box', el.textContent.slice(0, 40),
                       el.scrollHeight - el.clientHeight]);
    }
    for (const cell of box.querySelectorAll('td, th')) {
      if (cell.scrollWidth > cell.clientWidth + slack)
        problems.push(['a table cell cut', cell.textContent.slice(0, 40), cell.scrollWidth]);
    }
  }
  return problems;
}
"""


@pytest.mark.parametrize("notebook", LESSON_PATHS)
def test_every_panel_reflows_at_200_percent_zoom(open_lesson, notebook):
    """Nothing sticks out of its box or scrolls sideways, no text runs over the next line,
    and sliders keep a usable length."""
    lesson = open_lesson(notebook)
    if lesson.notebook.locator(".bp-course").count() == 0:
        pytest.skip(f"{lesson.name} has no course panels")
    page, size = lesson.page, lesson.page.viewport_size
    side = page.locator(SIDE_PANEL_TAB)  # the open side panel's tab, if one is open
    side_id = side.first.get_attribute("data-id") if side.count() else None
    try:
        if side_id:
            side.first.click()  # a click on the current tab hides its panel
        page.set_viewport_size(ZOOMED)
        page.wait_for_timeout(700)  # JupyterLab relayouts on resize
        problems = lesson.notebook.evaluate(REFLOW_JS)
        for i, box in enumerate(lesson.notebook.locator(".bp-course").all()[:8]):
            box.scroll_into_view_if_needed()
            lesson.screenshot(f"zoom200_{lesson.name}_{i}")
    finally:
        page.set_viewport_size(size)
        if side_id:
            page.locator(f".jp-SideBar .lm-TabBar-tab[data-id='{side_id}']").click()
    assert problems == [], f"{lesson.name} at 200% zoom: {problems[:10]}"
