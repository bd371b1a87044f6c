"""Reads an uploaded XLSX workbook in a process of its own, with its memory and CPU time capped, and writes its
product sheet as UTF-8 CSV: ``python xlsx_child.py IN OUT MAX_BYTES MAX_SECONDS``.

openpyxl parses parts of a workbook whole, even in read-only mode (the styles part, for one), so a small hostile file
can ask for gigabytes: here that ends this process with a ``MemoryError`` (exit code 3) or its CPU limit, never the
worker that started it. Run as a script (its path), so it imports nothing of the project: no Django, no database.

Cells are written as the text a spreadsheet shows (whole numbers without ``.0``, dates in ISO 8601); text cells are
written as they are, so the reader that follows treats them exactly as it treats a CSV file's cells.
"""

import csv
import resource
import sys
from datetime import date, datetime, time, timedelta

EXIT_UNREADABLE = 2
EXIT_TOO_LARGE = 3


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def convert(source, target):
    import openpyxl

    workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    try:
        sheet = workbook["Products"] if "Products" in workbook.sheetnames else workbook.worksheets[0]
        # The declared dimensions may lie; rows are read as they are.
        sheet.reset_dimensions()
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for cells in sheet.iter_rows(values_only=True):
                writer.writerow([cell_text(cell) for cell in cells])
    finally:
        workbook.close()


def main(argv):
    source, target, max_bytes, max_seconds = argv[1], argv[2], int(argv[3]), int(argv[4])
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (max_seconds, max_seconds))
    try:
        convert(source, target)
    except MemoryError:
        return EXIT_TOO_LARGE
    except Exception as error:  # noqa: BLE001 - a damaged workbook fails in many ways; all mean "unreadable"
        print(f"{type(error).__name__}: {error}"[:500], file=sys.stderr)
        return EXIT_UNREADABLE
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
