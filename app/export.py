"""Files a person downloads: what every export shares, whatever writes it (list CSVs in
app/views/csv_export.py, report CSV / Excel in app/reports/export.py)."""

from __future__ import annotations


def neutralise_csv(value: object) -> str:
    """Text a spreadsheet would run as a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
