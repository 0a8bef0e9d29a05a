"""schema.sql, the models and the migrations describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.models import Model
from tests import ROOT


def test_schema_sql_matches_the_models():
    from scripts.dump_schema import render_schema

    on_disk = (ROOT / "schema.sql").read_text(encoding="utf-8")
    assert on_disk == render_schema(), (
        "schema.sql is out of date: run `.venv/bin/python scripts/dump_schema.py` "
        "(and add an Alembic migration for the model change)")


def test_migrations_at_head_match_the_models(app):
    """The database built by the migrations has every table, column, index and FK the models
    declare (nothing for autogenerate to add or drop)."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, Model.metadata)
    assert diff == []


def test_schema_has_the_domain_tables():
    tables = set(Model.metadata.tables)
    expected = {"branch", "team", "staff", "customer", "contact", "follow_up", "document",
                "consent", "funder", "loan_product", "channel", "application", "scorecard",
                "score_factor", "score_bin", "score_grade", "credit_assessment",
                "assessment_factor", "decision", "loan", "installment", "repayment",
                "repayment_allocation", "service_fee", "commission", "contract", "reminder",
                "lpr_rate", "audit_log", "firm_setting"}
    assert expected <= tables


def test_money_columns_are_numeric_18_2():
    money = ["customer.monthly_income", "application.amount", "loan.principal",
             "installment.principal", "installment.interest", "repayment.amount",
             "service_fee.amount", "commission.amount", "decision.approved_amount"]
    for qualified in money:
        table, column = qualified.split(".")
        col_type = Model.metadata.tables[table].c[column].type
        assert (col_type.precision, col_type.scale) == (18, 2), qualified
        assert col_type.asdecimal


def test_every_code_list_column_is_held_to_its_codes_by_the_database(app):
    """A column with a code list (``info["choices"]``) refuses any other value in the
    database too, not only in the forms and the API: customer.gender 'Q' is refused."""
    import pytest
    from sqlalchemy import select, text
    from sqlalchemy.exc import IntegrityError

    from app.models import Customer

    for table in Model.metadata.tables.values():
        for column in table.columns:
            if column.info.get("choices") is not None:
                checks = [c for c in [*table.constraints, *column.constraints]
                          if type(c).__name__ == "CheckConstraint"
                          and f"{column.name} IN" in str(c.sqltext)]
                assert checks, f"{table.name}.{column.name} has no CHECK for its codes"
    with app.app_context():
        customer_id = db.session.scalar(select(Customer.id).order_by(Customer.id))
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE customer SET gender = 'Q' WHERE id = :id"),
                               {"id": customer_id})
            db.session.flush()
        db.session.rollback()
