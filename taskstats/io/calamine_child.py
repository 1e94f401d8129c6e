"""The child process of :mod:`taskstats.io.calamine`: one workbook read by python-calamine.

Run as a script (``python -I calamine_child.py LIMITS`` with the workbook on standard input), so
it imports nothing of taskstats and starts in a tenth of a second. It limits its own memory,
checks each sheet's size against the limits before building its cells, and writes the sheets as
JSON (``[name, rows, merged ranges]``, dates tagged), a budget refusal as ``refused:FIELD:FOUND:
WHAT`` on standard error with exit 3, or any other error (calamine's panics included) on
standard error with exit 2. An abort inside calamine kills only this process.
"""

import datetime as dt
import io
import json
import resource
import sys

MEMORY_BYTES = 1_500_000_000


def _value(v):
    if isinstance(v, dt.datetime):
        return {"datetime": v.isoformat()}
    if isinstance(v, dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, (dt.time, dt.timedelta)):
        return str(v)
    return v


def _sheets(data, rows, columns, cells):
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        height, width = sheet.total_height + 1, sheet.total_width + 1  # last indexes, 0-based
        where = f"sheet {name!r}"
        for field, found, limit, what in (
            ("rows", height, rows, f"rows in {where}"),
            ("columns", width, columns, f"columns in {where}"),
            ("cells", height * width, cells, f"cells in {where}"),
        ):
            if found > limit:
                sys.stderr.write(f"refused:{field}:{found}:{what}")
                sys.exit(3)
        grid = [[_value(v) for v in r] for r in sheet.to_python(skip_empty_area=False)]
        merges = [[r0, c0, r1, c1] for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
        out.append([name, grid, merges])
    return out


def main():
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(MEMORY_BYTES, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    rows, columns, cells = json.loads(sys.argv[1])
    data = sys.stdin.buffer.read()
    try:
        sheets = _sheets(data, rows, columns, cells)
    except BaseException as exc:  # calamine panics are BaseExceptions
        if isinstance(exc, SystemExit):
            raise
        sys.stderr.write(f"{type(exc).__name__}: {exc}"[:2000])
        sys.exit(2)
    sys.stdout.write(json.dumps(sheets, ensure_ascii=False))


if __name__ == "__main__":
    main()
