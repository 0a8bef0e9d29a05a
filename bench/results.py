"""Machine-readable results of a benchmark: ``--results-json PATH`` on every bench script.

Each script adds the option with :func:`add_option` and, at the end, writes its rows with
:func:`write`: one row per measured operation, ``{"operation", "size", "p50_ms", "p95_ms",
"target_ms", "passed", "enforced", "unit", "key"}``. ``bench/run`` reads them back and prints one
table for every benchmark on SQLite and PostgreSQL.

* ``p50_ms`` / ``p95_ms`` are milliseconds (``unit`` "ms"), or megabytes for a memory row
  (``unit`` "MB"); None when there is no timing (a check, or a request that failed).
* ``enforced`` is False for a target a benchmark reports without failing on it (the
  reports' targets are set for PostgreSQL; on SQLite they are measured only).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results-json", type=Path, default=None, metavar="PATH",
                        help="also write the results as JSON rows to PATH (for bench/run)")


def row(operation: str, size: str, p50: float | None, p95: float | None,
        target: float | None, passed: bool, *, enforced: bool = True,
        unit: str = "ms", key: str | None = None) -> dict:
    """``key``: what the operation is, without this run's particulars (request counts,
    verdict notes), so bench/run puts SQLite's and PostgreSQL's rows of it together."""
    def num(value):
        return None if value is None else round(float(value), 2)

    return {"operation": operation, "size": size, "p50_ms": num(p50), "p95_ms": num(p95),
            "target_ms": num(target), "passed": bool(passed), "enforced": enforced,
            "unit": unit, "key": key or operation}


def write(path: Path | None, benchmark: str, database: str, rows: list[dict]) -> None:
    """Write the rows (nothing when ``path`` is None), atomically."""
    if path is None:
        return
    body = {"benchmark": benchmark, "database": database, "load_avg": os.getloadavg(),
            "rows": rows}
    partial = Path(f"{path}.part")
    partial.write_text(json.dumps(body, indent=1, ensure_ascii=False))
    os.replace(partial, path)


def database_kind(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"
