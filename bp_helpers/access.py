"""Keyboard and screen-reader help for every course widget, wherever it is displayed.

ipywidgets leaves gaps that a few lines in the browser close. Each course
widget is displayed inside a box (class "bp-course", see
`bp_helpers.display`) together with one `AccessHelper`, an invisible
anywidget whose script looks after the widgets in its box:

- keys: JupyterLab's single-key shortcuts ("m", "d d", arrows) do not fire
  while a course control has focus. Lumino, JupyterLab's toolkit, ignores
  key events from an element marked `data-lm-suppress-shortcuts` or inside one;
  the box and the focused control carry the mark for keys without Ctrl, Alt or Meta (Shift+Enter
  still runs the cell, Ctrl+S still saves). So arrows move a radio choice;
- no trap: Tab, Shift+Tab and Escape always leave a control (a drawing pad
  would otherwise swallow them), and a drawing pad is not a Tab stop (its
  keyboard alternative is the "sample digit" menu beside it);
- names and values: a slider, value box, menu, text box, toggle group or
  radio group is named by its description (or, without one, by the question
  printed above it); a slider announces the value its readout shows
  ("1.50", "1.0e-1", "10") rather than its raw position; a toggle says
  whether it is pressed; an icon-only button is named in words; a radio group
  is one Tab stop whose arrow keys move the choice;
- images: an image widget gets its alt text (see DescribedImage);
- announcements: widgets given the class "bp-live" (readouts, feedback,
  status) are polite live regions; when a pressed button turns itself off
  (a committed prediction), focus moves to the widget of class "bp-reveal"
  in the same box;
- looks: a focus ring and control borders of at least 3:1, and panels that
  reflow in a narrow column (at 200% zoom): controls, then readouts, then
  the figure, each at most the column's width, and a long radio option
  wrapped onto more lines rather than over the next one.
"""

import anywidget
import ipywidgets as widgets
import traitlets

# Lumino's public attribute: key events from inside such an element match no shortcut.
SUPPRESS = "data-lm-suppress-shortcuts"
LIVE_CLASS, REVEAL_CLASS, BOX_CLASS = "bp-live", "bp-reveal", "bp-course"

ESM = r"""
const SUPPRESS = "data-lm-suppress-shortcuts";
const ICON_NAMES = {"fa-play": "Play", "fa-pause": "Pause", "fa-stop": "Stop",
                    "fa-repeat": "Repeat", "fa-retweet": "Repeat"};

const words = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");

function set(el, attribute, value) {
  if (value === null) { if (el.hasAttribute(attribute)) el.removeAttribute(attribute); }
  else if (el.getAttribute(attribute) !== value) el.setAttribute(attribute, value);
}

// A control's name: its description, or the text of the HTML widget above it.
function nameOf(control) {
  const label = control.querySelector(":scope > .widget-label");
  if (words(label)) return words(label);
  for (let el = control; el && !el.classList.contains("bp-course"); el = el.parentElement) {
    for (let before = el.previousElementSibling; before; before = before.previousElementSibling) {
      if (before.classList.contains("widget-html") && words(before)) return words(before);
    }
  }
  return "";
}

function tidy(box, model) {
  for (const slider of box.querySelectorAll(".widget-slider")) {
    const handle = slider.querySelector(".noUi-handle");
    const readout = slider.querySelector(".widget-readout");
    if (!handle) continue;
    const name = nameOf(slider);
    set(handle, "aria-label", name);
    if (readout) {
      set(handle, "aria-valuetext", words(readout).replace("\u2212", "-"));
      set(readout, "role", "textbox");
      set(readout, "aria-label", name + " value");
    }
  }
  for (const group of box.querySelectorAll(".widget-toggle-buttons")) {
    set(group, "role", "group");
    set(group, "aria-label", nameOf(group));
    for (const button of group.querySelectorAll("button")) {
      set(button, "aria-pressed", String(button.classList.contains("mod-active")));
    }
  }
  for (const radio of box.querySelectorAll(".widget-radio")) {
    const options = radio.querySelector(".widget-radio-box");
    if (!options) continue;
    set(options, "role", "radiogroup");
    set(options, "aria-label", nameOf(radio));
    // One name per group: the browser then makes it one Tab stop whose arrows move the choice.
    if (!options.dataset.bpGroup) {  // unique on the page: each helper is a module of its own
      options.dataset.bpGroup = `bp-radio-${Math.random().toString(36).slice(2)}`;
    }
    for (const input of options.querySelectorAll("input[type=radio]")) {
      set(input, "name", options.dataset.bpGroup);
    }
  }
  for (const field of box.querySelectorAll(
      ".widget-dropdown, .widget-text, .widget-textarea, .widget-inline-hbox")) {
    const input = field.querySelector(":scope > select, :scope > input, :scope > textarea");
    if (input) set(input, "aria-label", nameOf(field) || input.getAttribute("placeholder"));
  }
  for (const button of box.querySelectorAll("button")) {
    if (words(button)) continue;
    const icon = [...button.querySelectorAll("i")].flatMap((i) => [...i.classList])
      .find((c) => c in ICON_NAMES);
    set(button, "aria-label", button.title || (icon ? ICON_NAMES[icon] : null));
  }
  const images = box.querySelectorAll("img.widget-image");
  model.get("alts").forEach((alt, i) => { if (images[i]) set(images[i], "alt", alt); });
  for (const canvas of box.querySelectorAll("canvas[tabindex]")) set(canvas, "tabindex", "-1");
  for (const live of box.querySelectorAll(".bp-live")) set(live, "aria-live", "polite");
  for (const reveal of box.querySelectorAll(".bp-reveal")) set(reveal, "tabindex", "-1");
}

function guard(box, model) {
  // Capture phase, on the way down: before a control (or Lumino, on the way up) sees the key.
  const onKey = (event) => {
    if (["Tab", "Escape"].includes(event.key)) {
      event.stopPropagation();  // no control inside may swallow it: the browser moves focus
      return;
    }
    const command = event.ctrlKey || event.metaKey || event.altKey
      || (event.shiftKey && event.key === "Enter");
    // On the box for keys that bubble from any control, and on the control itself:
    // Lumino tests a shortcut's selector on the focused element before looking for
    // the mark on its ancestors, and ":focus" selectors match the control itself.
    set(box, SUPPRESS, command ? null : "");
    if (event.target instanceof Element) set(event.target, SUPPRESS, command ? null : "");
  };
  box.addEventListener("keydown", onKey, true);
  set(box, SUPPRESS, "");
  // Focus on a button that turns itself off falls to the page: send it to the reveal.
  let pressed = null;
  const onClick = (event) => { pressed = event.target.closest("button"); };
  box.addEventListener("click", onClick, true);
  let queued = false;
  const observer = new MutationObserver(() => {
    if (pressed && pressed.disabled) {
      const reveal = box.querySelector(".bp-reveal");
      if (reveal) { reveal.setAttribute("tabindex", "-1"); reveal.focus(); }
      pressed = null;
    }
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; tidy(box, model); });
  });
  observer.observe(box, {subtree: true, childList: true, characterData: true, attributes: true,
                         attributeFilter: ["class", "disabled", "aria-valuetext", "tabindex"]});
  tidy(box, model);
  return () => {
    observer.disconnect();
    box.removeEventListener("keydown", onKey, true);
    box.removeEventListener("click", onClick, true);
  };
}

function render({ model, el }) {
  let stop = () => {};
  // The box is there once this view is attached to the page.
  const start = () => {
    const box = el.closest(".bp-course");
    if (box) stop = guard(box, model);
    else requestAnimationFrame(start);
  };
  start();
  return () => stop();
}

export default { render };
"""

CSS = """
.bp-course :focus-visible { outline: 3px solid #1a5fb4 !important; outline-offset: 1px; }
.bp-course .noUi-handle { border: 1px solid #595959 !important; }
.bp-course .widget-toggle-button.mod-active {
  background-color: #1a5fb4; color: #fff; font-weight: bold;
}
.bp-course .jupyter-button.mod-info { background-color: #00707a; color: #fff; }
.bp-course .widget-hbox { flex-wrap: wrap; max-width: 100%; }
.bp-course .widget-vbox { min-width: 0 !important; max-width: 100%; }
.bp-course .widget-slider { max-width: 100%; }
.bp-course .widget-html, .bp-course .widget-html-content { min-width: 0; max-width: 100%; }
.bp-course .widget-radio-box label {
  height: auto; min-height: var(--jp-widgets-radio-item-height); line-height: 1.35;
  padding: 3px 0; display: flex; align-items: baseline; white-space: normal;
}
.bp-course .widget-radio-box label input {  /* ipywidgets floats it left; a flex item instead */
  order: -1; flex: none; height: auto; margin: 0 8px 0 1px;
}
.bp-course .widget-image, .bp-course img { max-width: 100%; height: auto; }
"""


class AccessHelper(anywidget.AnyWidget):
    """The invisible widget whose script looks after its box (see the module docstring).

    `alts` holds the text alternatives of the box's images, in page order (see
    DescribedImage): ipywidgets' Image has no alt text of its own.
    """

    _esm = traitlets.Unicode(ESM).tag(sync=True)
    _css = traitlets.Unicode(CSS).tag(sync=True)
    alts = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, widget):
        """The helper for the box that shows `widget`."""
        super().__init__(alts=[image.alt for image in described_images(widget)])


class DescribedImage(widgets.Image):
    """An image widget with a text alternative, `alt`, that says what it shows."""

    def __init__(self, alt, **kwargs):
        super().__init__(**kwargs)
        self.alt = alt


def described_images(widget):
    """Every DescribedImage in `widget` and the boxes inside it, in page order."""
    if isinstance(widget, DescribedImage):
        return [widget]
    return [image for child in getattr(widget, "children", ()) for image in
            described_images(child)]


def live(widget):
    """Mark `widget` a polite live region: a screen reader reads its new text when it changes."""
    widget.add_class(LIVE_CLASS)
    return widget


def reveal(widget):
    """Mark `widget` where focus goes when the button that filled it turns itself off."""
    widget.add_class(REVEAL_CLASS)
    return live(widget)
