"""A static figure with a text alternative: what it shows in words, and its data where needed.

JupyterLab shows a figure's PNG as an image without alt text, which a screen
reader skips or reads as "image". A DescribedFigure also offers HTML: the same
PNG as an <img> with `alt`, and, when given, `data` (HTML, say a table of the
numbers the picture carries) in a collapsed "The numbers" section below it.
Front ends that show HTML prefer it; the PNG stays for those that do not.
"""

import base64
import html
import io

from matplotlib.figure import Figure


class DescribedFigure(Figure):
    """A matplotlib Figure with `alt` (words) and optional `data` (HTML) for its HTML form."""

    def __init__(self, *args, alt, data="", **kwargs):
        super().__init__(*args, **kwargs)
        self.alt, self.data = alt, data

    def _repr_html_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        picture = base64.b64encode(buffer.getvalue()).decode("ascii")
        shown = (f"<img src='data:image/png;base64,{picture}' "
                 f"alt='{html.escape(self.alt, quote=True)}' style='max-width:100%'>")
        if self.data:
            shown += f"<details><summary>The numbers</summary>{self.data}</details>"
        return f"<div class='bp-figure'>{shown}</div>"


def table_html(header, rows, caption):
    """A small HTML table: `header` (the column names) and `rows` of cells, with a caption."""
    cells = "".join(f"<th scope='col'>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + f"<th scope='row'>{html.escape(str(row[0]))}</th>"
                   + "".join(f"<td>{html.escape(str(v))}</td>" for v in row[1:]) + "</tr>"
                   for row in rows)
    return (f"<table><caption>{html.escape(caption)}</caption><tr>{cells}</tr>{body}"
            "</table>")
