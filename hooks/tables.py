"""Tables of the built pages, made readable on a phone: each data cell carries its column's header
(data-label), so that narrow screens can show a table as one block per row, each value under its
label (stylesheets/site.css), instead of a table wider than the screen."""

from __future__ import annotations

import html
import re

TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)
HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
DATA_CELL = re.compile(r"<td\b")
TAG = re.compile(r"<[^>]+>")


def label_cells(page_html: str) -> str:
    """The page with data-label on every data cell of its tables."""
    return TABLE.sub(_label_table, page_html)


def _label_table(match: re.Match) -> str:
    table = match.group(0)
    labels = [html.escape(html.unescape(TAG.sub("", cell)).strip(), quote=True) for cell in HEADER_CELL.findall(table)]
    if not labels:
        return table

    def label_row(row: re.Match) -> str:
        column = iter(labels)
        return DATA_CELL.sub(lambda cell: f'<td data-label="{next(column, "")}"', row.group(0))

    return ROW.sub(label_row, table)
