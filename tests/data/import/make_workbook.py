"""Build `online-shopper.xlsx`, the example workbook of the import tests, byte for byte.

    .venv/bin/python tests/data/import/make_workbook.py

A journey as teams keep it in Excel: a title row, stage cells merged over their rows, an
emotion column on a 1-5 scale, a team cell merged over two rows, a percentage cell, a column cjm does not know (`Duration`)
and a second sheet. `test_import.py` checks the committed file is what this script makes.
"""

from __future__ import annotations

import datetime
import io
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
TARGET = HERE / "online-shopper.xlsx"
FIXED = datetime.datetime(2024, 1, 1)

HEADERS = ["Stage", "Touchpoint", "Channel", "Team", "Mood (1-5)", "Pain point",
           "Opportunity", "Metric", "Value", "Duration"]
ROWS = [
    # stage, touchpoint, channel, team, mood, pain point, opportunity, metric, value, duration
    ("Awareness", "Sponsored video", "Social media", "Marketing", 3, None,
     "Rotate products in ads", "Brand recall", 0.14, "30 s"),
    (None, "Blog guide to espresso machines", "Website", None, 4, None, None, None, None, "8 min"),
    (None, "Colleague's tip", "Word of mouth", None, 4,
     "Brand name is hard to spell", None, None, None, None),
    ("Consideration", "Comparison chart", "web", "Product", 2,
     "Columns cut off on a phone", "Swipeable chart", None, None, datetime.time(1, 30)),
    (None, "Reviews", "Website", "Marketing", 5, None, None, None, None, None),
    ("Purchase", "Checkout", "Website", "E-commerce", 1,
     "Forced account creation\nSurprise delivery fee", "Guest checkout", "Drop-off at checkout",
     0.35, "4 min"),
    (None, "Order confirmation email", "Email", "E-commerce", 4, None, None, None, None, None),
    ("Retention", "Setup video", "Website", "Product", 5, None,
     "Descaling reminder by email", None, None, "12 min"),
]
# Stage cells merged over their rows (Retention stands alone in row 10), and one team cell
# merged over two touchpoints: a merged cell's value belongs to every row it spans.
MERGED = ["A3:A5", "A6:A7", "A8:A9", "D3:D4"]


def build() -> bytes:
    workbook = Workbook()
    workbook.properties.created = FIXED
    workbook.properties.modified = FIXED
    sheet = workbook.active
    sheet.title = "Journey"
    sheet["A1"] = "Online shopper: buying an espresso machine (workshop, March)"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:J1")
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(list(row))
    for cell_range in MERGED:
        sheet.merge_cells(cell_range)
        sheet[cell_range.split(":")[0]].alignment = Alignment(vertical="top")
    for row in sheet.iter_rows(min_row=3, min_col=9, max_col=9):
        row[0].number_format = "0%"
    notes = workbook.create_sheet("Notes")
    notes["A1"] = "Workshop notes are kept on this sheet; the journey is on the first."
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times and metadata timestamps, so builds match."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _fixed_core(content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def _fixed_core(content: bytes) -> bytes:
    import re

    stamp = b"2024-01-01T00:00:00Z"
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", content)


if __name__ == "__main__":
    TARGET.write_bytes(build())
    print(f"wrote {TARGET}", file=sys.stderr)
