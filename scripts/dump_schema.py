"""Writes schema.sql: the DDL of the current models (PostgreSQL dialect), sorted by dependency.

Run ``.venv/bin/python scripts/dump_schema.py`` after changing a model (and add a migration);
``tests/ops/test_schema.py`` fails while schema.sql and the models disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def render_schema() -> str:
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

    import app.models  # noqa: F401
    from app.models import Model

    dialect = postgresql.dialect()
    parts = [("-- LoanDesk schema (generated from app/models by scripts/dump_schema.py; "
              "do not edit by hand)\n")]
    for table in Model.metadata.sorted_tables:
        parts.append(str(CreateTable(table).compile(dialect=dialect)).strip() + ";\n")
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            parts.append(str(CreateIndex(index).compile(dialect=dialect)).strip() + ";\n")
    # Foreign keys that close a cycle (team.leader → staff) are added after both tables exist.
    for table in Model.metadata.sorted_tables:
        for fk in sorted(table.foreign_key_constraints, key=lambda c: c.name or ""):
            if fk.use_alter:
                parts.append(str(AddConstraint(fk).compile(dialect=dialect)).strip() + ";\n")
    return "\n".join(parts)


if __name__ == "__main__":
    (ROOT / "schema.sql").write_text(render_schema(), encoding="utf-8")
    print("schema.sql written")
