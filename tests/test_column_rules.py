"""The column rules (app/models/rules.py) against the data the firm already has: the demo
book, seeded the way an installation is, passes every rule the forms and the API now apply
(names, e-mail, dates of birth, contact phones, code lists, money to the fen) — so editing
a seeded record never trips over a rule it could not have known."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Numeric, select

from app.extensions import db
from app.models.rules import column_error


def _ruled_columns(mapper):
    return [c for c in mapper.columns
            if "rule" in c.info or "choices" in c.info
            or (isinstance(c.type, Numeric) and c.type.scale == 2)]


def test_the_demo_data_passes_every_column_rule(app):
    checked, refused = 0, []
    with app.app_context():
        for mapper in Model.registry.mappers:
            model = mapper.class_
            if not model.__module__.startswith("app."):
                continue
            columns = _ruled_columns(mapper)
            if not columns:
                continue
            for row in db.session.scalars(select(model).limit(5000)):
                for column in columns:
                    value = getattr(row, column.key)
                    problem = column_error(column, value)
                    checked += value is not None
                    if problem is not None:
                        refused.append((model.__name__, row.id, column.key, value, problem))
        db.session.remove()
    assert checked > 1000  # the demo book is there
    assert not refused, refused[:10]

