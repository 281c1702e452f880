"""Downloads as CSV and XLSX: one writer for reports and record exports.

A download is a list of sheets, each a title and rows of plain values (text, numbers, dates,
``None`` for an empty cell). CSV puts the sheets one after another, each under its title and
separated by a blank line; XLSX gives each sheet its own worksheet. Text that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written with a leading apostrophe so that an exported field can never execute (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_UNSAFE = re.compile(r"[\[\]\*\?/\\:]")


@dataclass
class Sheet:
    title: str
    rows: list[Sequence[object]]
    header_rows: int = 1  # how many of the first rows are headings (bold in XLSX)


def safe(value: object) -> object:
    """A cell value that no spreadsheet evaluates: formulas are neutralised, the rest kept."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # XLSX has no time zones; values are local already
    return value


def _csv_value(value: object) -> object:
    value = safe(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def csv_bytes(sheets: Iterable[Sheet]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for i, sheet in enumerate(sheets):
        if i:
            writer.writerow([])
        writer.writerow([sheet.title])
        writer.writerows([_csv_value(v) for v in row] for row in sheet.rows)
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        title = _SHEET_TITLE_UNSAFE.sub(" ", sheet.title)[:31] or "Sheet"
        base, n = title, 2
        while title.lower() in used:
            suffix = f" {n}"
            title, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(title.lower())
        ws = book.create_sheet(title)
        for row in sheet.rows:
            ws.append([safe(v) for v in row])
        for row in ws.iter_rows(min_row=1, max_row=sheet.header_rows):
            for cell in row:
                cell.font = bold
        # Columns as wide as their longest value (within reason), so the file reads as is.
        for column in ws.columns:
            longest = max((len(str(c.value)) for c in column if c.value is not None), default=0)
            ws.column_dimensions[column[0].column_letter].width = min(max(longest + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(sheets: list[Sheet], filename: str, file_format: str) -> HttpResponse:
    """The sheets as an attachment named ``filename``.csv or .xlsx."""
    if file_format == "xlsx":
        response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(sheets), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    # Files of this system are never kept by shared caches.
    response["Cache-Control"] = "no-store"
    return response
