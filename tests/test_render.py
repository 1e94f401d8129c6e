"""The page body from an executed notebook: outputs only, each chart named, the HTML as written."""

from __future__ import annotations

import copy
import html.parser

import nbformat
from nbconvert import HTMLExporter

from taskstats.report.render import page_body

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>甲</text></svg>'


def _executed() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    notes = nbformat.v4.new_markdown_cell("# 说明（不入报告）")
    notes.metadata["tags"] = ["notes"]
    params = nbformat.v4.new_code_cell('district = "x"')
    params.metadata["tags"] = ["parameters"]
    table = nbformat.v4.new_code_cell(
        "display(HTML(t))",
        outputs=[
            nbformat.v4.new_output(
                "display_data",
                data={
                    "text/html": '<table class="ts-table"><tr><th>牵头单位</th></tr>'
                    "<tr><td>区发改局 &amp; 区财政局</td></tr></table>",
                    "text/plain": "<IPython.core.display.HTML object>",
                },
            )
        ],
    )
    chart = nbformat.v4.new_code_cell(
        "_ = charts.lead_units_chart(r.units)",
        outputs=[
            nbformat.v4.new_output(
                "display_data", data={"image/svg+xml": SVG, "text/plain": "<Figure>"}
            )
        ],
    )
    nb.cells = [notes, params, table, chart]
    return nb


def test_the_body_holds_the_outputs_and_names_each_chart():
    body = page_body(_executed(), "zh")
    assert '<table class="ts-table"><tr><th>牵头单位</th></tr>' in body
    assert "区发改局 &amp; 区财政局" in body
    assert body.count("<img ") == 1
    assert '<img alt="图表" src="data:image/svg+xml;base64,' in body
    assert "No description" not in body
    # No code, no prompt, no notes or parameters cell.
    assert "display(HTML" not in body and "lead_units_chart" not in body
    assert "说明" not in body and 'district = "x"' not in body and "In&nbsp;[" not in body
    assert '<img alt="chart" ' in page_body(_executed(), "en")


class _Events(html.parser.HTMLParser):
    """A page as its elements, attributes (order and outer spaces aside) and texts."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, sorted((k, (v or "").strip()) for k, v in attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.events.append(("text", data.strip()))


def _events(page: str) -> list[tuple]:
    """The page's events; end tags at the very end are left out (BeautifulSoup writes the
    template's unclosed last element closed, a browser closes it with the body)."""
    parser = _Events()
    parser.feed(page)
    events = parser.events
    while events and events[-1][0] == "end":
        events.pop()
    return events


def test_the_body_is_what_nbconverts_own_exporter_writes():
    """Without the exporter's closing re-parse, the page has the same elements and texts."""
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb = _executed()
    ours = _events(page_body(copy.deepcopy(nb), "zh"))
    nb.cells = nb.cells[2:]  # the cells page_body keeps
    theirs, _ = exporter.from_notebook_node(nb)
    theirs = theirs.replace("No description has been provided for this image", "图表")
    assert ours == _events(theirs)
    assert ours != _events(theirs.replace("区财政局", "区"))
