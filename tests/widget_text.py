"""What a prediction widget shows in words, for tests that check nothing gives its answer away."""


def all_text(prediction):
    """Every string the widget tree and its display bundle hold."""
    texts = [prediction.plain_text()]
    stack = [prediction.widget]
    while stack:
        widget = stack.pop()
        stack += list(getattr(widget, "children", ()))
        for name in ("value", "description", "placeholder"):
            texts.append(str(getattr(widget, name, "")))
    return "\n".join(texts)
