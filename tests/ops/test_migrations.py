"""Upgrades keep the data: a database made by the oldest migration, with a firm's rows in it
(branch, team, staff, customer, application, loan with installments, repayment, fees,
commission, contract, audit entry…), is upgraded to head with `flask db upgrade`; every row
must come through with its values, and the new columns get their defaults and backfills.
Then the last migration is downgraded (`flask db downgrade`, whose default is -1; spelled
out it is `flask db downgrade -- -1`) and upgraded again.

On SQLite, or on PostgreSQL when TEST_DATABASE_URL is set (a scratch database there).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from app import create_app
from tests import ROOT
from tests.conftest import scratch_database

MIGRATIONS = ROOT / "migrations"
OLDEST = "0001"
T0 = "2025-01-05 09:30:00"

# Rows valid for 0001's schema, in foreign-key order.  Values as the app would store them.
ROWS: dict[str, list[dict]] = {
    "ab_role": [{"id": 1, "name": "Sales"}],
    "ab_user": [{"id": 1, "first_name": "三", "last_name": "张", "username": "zhangsan",
                 "password": "pbkdf2:sha256:600000$salt$hash", "active": True,
                 "email": "zhangsan@example.com", "last_login": T0, "login_count": 3,
                 "fail_login_count": 0, "created_on": T0, "changed_on": T0}],
    "ab_user_role": [{"id": 1, "user_id": 1, "role_id": 1}],
    "branch": [{"id": 1, "code": "BJ01", "name": "北京一部", "city": "北京",
                "address": "朝阳区建国路 1 号", "phone": "010-88886666",
                "created_at": T0, "updated_at": T0}],
    "team": [{"id": 1, "branch_id": 1, "name": "一组", "leader_id": None,
              "created_at": T0, "updated_at": T0}],
    "staff": [{"id": 1, "user_id": 1, "branch_id": 1, "team_id": 1, "full_name": "张三",
               "employee_no": "E001", "title": "客户经理", "phone": "13800000001",
               "email": "zhangsan@example.com", "active": True,
               "created_at": T0, "updated_at": T0}],
    "channel": [{"id": 1, "code": "WEB", "name": "官网", "kind": "agent",
                 "contact_name": "赵六", "phone": "13800000002", "commission_basis": "fee",
                 "commission_rate": "0.100000", "settle_days": 7, "clawback_days": 90,
                 "active": True, "created_at": T0, "updated_at": T0}],
    "funder": [{"id": 1, "name": "示例银行", "kind": "bank", "licence_no": "B0001H",
                "credit_code": "91110000100000000A", "contact_name": "钱七",
                "phone": "010-66668888", "address": "西城区", "active": True,
                "created_at": T0, "updated_at": T0}],
    "loan_product": [{"id": 1, "funder_id": 1, "code": "XF-12", "name": "消费贷 12 期",
                      "min_amount": "1000.00", "max_amount": "200000.00", "min_months": 3,
                      "max_months": 36, "min_rate": "0.080000", "max_rate": "0.240000",
                      "day_count": "30/360", "min_age": 22, "max_age": 55, "min_grade": "C",
                      "cities": "北京,天津", "grace_months": 0, "service_fee_rate": "0.020000",
                      "service_fee_fixed": "0.00", "fee_due": "disbursement",
                      "overdue_rate": "0.180000", "description": "示例产品", "active": True,
                      "created_at": T0, "updated_at": T0}],
    "repayment_method": [{"id": 1, "code": "equal_installment", "sort_order": 1}],
    "product_method": [{"product_id": 1, "method_id": 1}],
    "firm_setting": [{"id": 1, "key": "pool.idle_days", "value": "30",
                      "description": "公海回收天数"}],
    "lpr_rate": [{"id": 1, "effective_date": "2024-12-20", "one_year_rate": "0.031000",
                  "five_year_rate": "0.036000"}],
    "scorecard": [{"id": 1, "name": "default", "version": 1, "base_score": 600,
                   "approve_min": 650, "reject_below": 500, "active": True, "note": None,
                   "created_at": T0, "updated_at": T0}],
    "customer": [{"id": 1, "kind": "person", "name": "李四", "id_number": "11010519900307123X",
                  "credit_code": None, "phone": "13912345678", "email": "lisi@example.com",
                  "gender": "M", "birth_date": "1990-03-07", "city": "北京",
                  "address": "海淀区中关村大街 2 号", "employer": "某科技公司",
                  "occupation": "工程师", "monthly_income": "18000.00",
                  "monthly_debt_payment": "2500.50", "years_employed": 6,
                  "has_property": True, "has_car": False, "social_insurance_months": 60,
                  "housing_fund_months": 48, "has_insurance_policy": False,
                  "has_business_licence": False, "business_age_years": None,
                  "credit_report_status": "clean", "overdue_count_24m": 0, "inquiries_6m": 2,
                  "existing_loans": 1, "status": "active", "blacklist_reason": None,
                  "channel_id": 1, "last_followup_at": "2025-01-08 15:00:00",
                  "note": "老客户介绍", "owner_id": 1, "team_id": 1, "branch_id": 1,
                  "created_at": T0, "updated_at": T0}],
    "contact": [{"id": 1, "customer_id": 1, "name": "王五", "relation": "spouse",
                 "phone": "13700000003", "note": None, "created_at": T0, "updated_at": T0}],
    "follow_up": [{"id": 1, "customer_id": 1, "staff_id": 1,
                   "happened_at": "2025-01-08 15:00:00", "method": "phone",
                   "note": "确认收入证明", "next_date": "2025-01-15"}],
    "application": [{"id": 1, "number": "SQ2025010001", "customer_id": 1, "product_id": 1,
                     "channel_id": 1, "amount": "50000.00", "months": 12,
                     "method": "equal_installment", "purpose": "装修", "state": "repaying",
                     "reviewer_id": 1, "submitted_at": "2025-01-06 10:00:00",
                     "decided_at": "2025-01-07 16:20:00", "note": None, "owner_id": 1,
                     "team_id": 1, "branch_id": 1, "created_at": T0, "updated_at": T0}],
    "credit_assessment": [{"id": 1, "application_id": 1, "scorecard_id": 1, "score": 688,
                           "grade": "B", "recommendation": "approve",
                           "inputs": json.dumps({"monthly_income": "18000.00"}),
                           "hard_rules": json.dumps([]), "assessed_by_id": 1,
                           "created_at": "2025-01-06 10:05:00"}],
    "assessment_factor": [{"id": 1, "assessment_id": 1, "factor_code": "income",
                           "value": "18000", "points": 40, "reason": "收入稳定"}],
    "decision": [{"id": 1, "application_id": 1, "reviewer_id": 1, "outcome": "approve",
                  "approved_amount": "50000.00", "approved_months": 12,
                  "approved_rate": "0.120000", "method": "equal_installment",
                  "conditions": None, "reason_code": None, "note": "同意",
                  "decided_at": "2025-01-07 16:20:00"}],
    "document": [{"id": 1, "customer_id": 1, "application_id": 1, "kind": "id_card",
                  "original_name": "身份证.pdf", "stored_name": "0123456789abcdef" * 2,
                  "content_type": "application/pdf", "size_bytes": 52311,
                  "sha256": "ab" * 32, "uploaded_by_id": 1,
                  "uploaded_at": "2025-01-06 09:50:00"}],
    "consent": [{"id": 1, "customer_id": 1, "scope": "credit_query", "purpose": "征信查询",
                 "granted_on": "2025-01-06", "expires_on": "2026-01-06", "revoked_on": None,
                 "document_id": 1, "recorded_by_id": 1}],
    "loan": [{"id": 1, "number": "DK2025010001", "application_id": 1, "customer_id": 1,
              "product_id": 1, "funder_id": 1, "principal": "50000.00",
              "annual_rate": "0.120000", "apr": "0.126825", "months": 12,
              "method": "equal_installment", "day_count": "30/360", "grace_months": 0,
              "overdue_rate": "0.180000", "start_date": "2025-01-10",
              "first_due_date": "2025-02-10", "disbursed_on": "2025-01-10",
              "disbursed_amount": "50000.00", "funder_reference": "FR-778899",
              "state": "overdue", "outstanding_principal": "46057.71",
              "customer_credit": "0.00", "days_past_due": 12, "settled_on": None,
              "owner_id": 1, "team_id": 1, "branch_id": 1,
              "created_at": "2025-01-10 11:00:00", "updated_at": "2025-03-22 00:05:00"}],
    "installment": [
        {"id": 1, "loan_id": 1, "n": 1, "due_date": "2025-02-10", "principal": "3942.29",
         "interest": "500.00", "fee": "0.00", "penalty": "12.30", "paid_principal": "3942.29",
         "paid_interest": "500.00", "paid_fee": "0.00", "paid_penalty": "12.30",
         "state": "paid", "days_past_due": 0, "paid_on": "2025-02-15"},   # 5 days late
        {"id": 2, "loan_id": 1, "n": 2, "due_date": "2025-03-10", "principal": "3981.71",
         "interest": "460.58", "fee": "0.00", "penalty": "26.65", "paid_principal": "0.00",
         "paid_interest": "100.00", "paid_fee": "0.00", "paid_penalty": "0.00",
         "state": "overdue", "days_past_due": 12, "paid_on": None},
        {"id": 3, "loan_id": 1, "n": 3, "due_date": "2025-04-10", "principal": "4021.53",
         "interest": "420.76", "fee": "0.00", "penalty": "0.00", "paid_principal": "0.00",
         "paid_interest": "0.00", "paid_fee": "0.00", "paid_penalty": "0.00",
         "state": "due", "days_past_due": 0, "paid_on": None},
        {"id": 4, "loan_id": 1, "n": 4, "due_date": "2025-05-10", "principal": "4061.75",
         "interest": "380.54", "fee": "0.00", "penalty": "0.00", "paid_principal": "4061.75",
         "paid_interest": "380.54", "paid_fee": "0.00", "paid_penalty": "0.00",
         "state": "paid", "days_past_due": 0, "paid_on": "2025-02-15"},   # paid early
    ],
    "repayment": [
        {"id": 1, "loan_id": 1, "paid_on": "2025-02-15", "amount": "8896.88",
         "channel": "bank_transfer", "reference": "TX20250215001",
         "idempotency_key": "idem-0001", "reversal_of_id": None, "reason": None,
         "recorded_by_id": 1, "created_at": "2025-02-15 10:00:00"},
        {"id": 2, "loan_id": 1, "paid_on": "2025-03-12", "amount": "100.00",
         "channel": "cash", "reference": "TX20250312001", "idempotency_key": None,
         "reversal_of_id": None, "reason": None, "recorded_by_id": 1,
         "created_at": "2025-03-12 14:30:00"},
    ],
    "repayment_allocation": [
        {"id": 1, "repayment_id": 1, "installment_id": 1, "part": "penalty", "amount": "12.30"},
        {"id": 2, "repayment_id": 1, "installment_id": 1, "part": "interest",
         "amount": "500.00"},
        {"id": 3, "repayment_id": 1, "installment_id": 1, "part": "principal",
         "amount": "3942.29"},
        {"id": 4, "repayment_id": 1, "installment_id": 4, "part": "interest",
         "amount": "380.54"},
        {"id": 5, "repayment_id": 1, "installment_id": 4, "part": "principal",
         "amount": "4061.75"},
        {"id": 6, "repayment_id": 2, "installment_id": 2, "part": "interest",
         "amount": "100.00"},
    ],
    "service_fee": [{"id": 1, "application_id": 1, "loan_id": 1, "basis": "percent_approved",
                     "rate": "0.020000", "amount": "1000.00", "due_on_event": "disbursement",
                     "due_date": "2025-01-10", "state": "received", "received_on": "2025-01-10",
                     "refunded_on": None, "refund_rule": "放款后不退",
                     "created_at": "2025-01-07 16:20:00", "updated_at": "2025-01-10 11:00:00"}],
    "commission": [{"id": 1, "loan_id": 1, "service_fee_id": 1, "channel_id": 1,
                    "staff_id": None, "basis": "fee", "rate": "0.100000", "amount": "100.00",
                    "state": "paid", "payable_on": "2025-01-17", "paid_on": "2025-01-20",
                    "batch_ref": "YJ202501", "created_at": "2025-01-10 11:00:00",
                    "updated_at": "2025-01-20 09:00:00"}],
    "contract_counter": [{"id": 1, "kind": "loan", "year": 2025, "last_seq": 1}],
    "contract": [{"id": 1, "kind": "loan", "number": "HT-DK-2025-000001", "year": 2025,
                  "seq": 1, "version": 1, "state": "signed", "customer_id": 1, "loan_id": 1,
                  "application_id": 1, "supersedes_id": None,
                  "pdf_stored_name": "fedcba9876543210" * 2, "sha256": "cd" * 32,
                  "issued_at": "2025-01-08 10:00:00", "signed_at": "2025-01-09 15:00:00",
                  "signed_document_id": 1, "void_reason": None, "owner_id": 1, "team_id": 1,
                  "branch_id": 1, "created_at": "2025-01-08 10:00:00",
                  "updated_at": "2025-01-09 15:00:00"}],
    "reminder": [{"id": 1, "installment_id": 2, "loan_id": 1, "customer_id": 1,
                  "channel": "sms", "kind": "overdue", "milestone": 1,
                  "scheduled_on": "2025-03-11", "message": "您的第 2 期还款已逾期",
                  "state": "sent", "attempts": 1, "last_error": None,
                  "sent_at": "2025-03-11 09:00:00", "created_at": "2025-03-11 00:05:00"}],
    "audit_log": [{"id": 1, "at": "2025-03-11 00:05:00", "user_id": 1, "username": "zhangsan",
                   "action": "update", "entity": "loan", "record_id": "1",
                   "changes": json.dumps({"state": ["active", "overdue"]}, sort_keys=True),
                   "purpose": None, "ip": "10.0.0.8"}],
}
KEYS = {"product_method": ("product_id", "method_id")}
# What later migrations do to these rows, by the revision that does it (ids sort in order).
ENCRYPTED = ("0003", {"customer": {"id_number": "id_number_hash", "phone": "phone_hash"},
                      "contact": {"phone": None}})  # encrypted in place, found by hash
DROPPED = ("0010", {"commission": {"batch_ref"}})  # batches became commission_batch rows
NEW_COLUMNS = {
    "0003": {"customer": {"bank_name": None, "bank_card": None}},
    "0010": {
        "staff": {"commission_basis": "fee", "commission_rate": 0},
        "loan_product": {"allocation_order": "penalty,fee,interest,principal",
                         "allocation_strategy": "vertical", "settlement_interest": "to_date"},
        "loan": {"allocation_order": "penalty,fee,interest,principal",
                 "allocation_strategy": "vertical", "settlement_interest": "to_date"},
        "commission": {"base_amount": 0, "settle_days": 0, "batch_id": None,
                       "clawed_back_on": None, "clawback_reason": None},
        "follow_up": {"installment_id": None, "outcome": None},
        "repayment": {"prepayment": None},
        "repayment_allocation": {"applied_on": None},
        "service_fee": {"refund_amount": None, "refund_reason": None},
        "reminder": {"next_attempt_at": None},
    },
    # 0011's backfill: the most days past due each installment has been (paid 5 days late,
    # 12 days overdue now, not due yet, paid early).
    "0011": {"installment": {"max_dpd": {1: 5, 2: 12, 3: 0, 4: 0}}},
}


def expected_row(table: str, row: dict, revision: str) -> tuple[dict, dict]:
    """The columns a row should have at ``revision`` and which of them are encrypted."""
    expected = dict(row)
    if revision >= DROPPED[0]:
        for column in DROPPED[1].get(table, ()):
            expected.pop(column)
    for since, tables in NEW_COLUMNS.items():
        if revision >= since:
            for column, value in tables.get(table, {}).items():
                expected[column] = value[row["id"]] if isinstance(value, dict) else value
    return expected, ENCRYPTED[1].get(table, {}) if revision >= ENCRYPTED[0] else {}




def flask_db(app, *args: str) -> None:
    """`flask db …` (Flask-Migrate's command line) against the app's database."""
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)


def norm(value):
    """One comparable form across SQLite's and PostgreSQL's drivers."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, dt.date):  # and datetime: 'YYYY-MM-DD[ HH:MM:SS]' like the inserts
        return str(value)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


def insert_rows(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        for table, rows in ROWS.items():
            for row in rows:
                columns = ", ".join(quote(c) for c in row)
                values = ", ".join(f":{c}" for c in row)
                conn.execute(text(f"INSERT INTO {quote(table)} ({columns}) VALUES ({values})"),
                             row)


def differences(app, url: str, revision: str) -> list[str]:
    """Every way the database differs from ROWS as it should be at ``revision``."""
    from app.crypto import decrypt, search_hash

    found = []
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn, app.app_context():
        quote = conn.dialect.identifier_preparer.quote
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        if current != revision:
            found.append(f"at revision {current}, expected {revision}")
        for table, rows in ROWS.items():
            count = conn.execute(text(f"SELECT count(*) FROM {quote(table)}")).scalar_one()
            if count != len(rows):
                found.append(f"{table}: {count} rows, {len(rows)} inserted")
            keys = KEYS.get(table, ("id",))
            for row in rows:
                where = " AND ".join(f"{quote(k)} = :{k}" for k in keys)
                actual = conn.execute(text(f"SELECT * FROM {quote(table)} WHERE {where}"),
                                      {k: row[k] for k in keys}).mappings().one_or_none()
                label = f"{table} {'/'.join(str(row[k]) for k in keys)}"
                if actual is None:
                    found.append(f"{label}: missing")
                    continue
                expected, encrypted = expected_row(table, row, revision)
                for column, value in expected.items():
                    got = actual.get(column, "<no such column>")
                    if column in encrypted:
                        if got == value or decrypt(got) != value:
                            found.append(f"{label}.{column}: not the encrypted {value!r}")
                        hash_column = encrypted[column]
                        if hash_column and actual[hash_column] != search_hash(value):
                            found.append(f"{label}.{hash_column}: wrong search hash")
                    elif norm(got) != norm(value):
                        found.append(f"{label}.{column}: {got!r}, expected {value!r}")
    return found


def described(items: list[dict]) -> list[str]:
    """Reflected schema items as comparable text (types and WHERE clauses as their SQL)."""
    return sorted(json.dumps(item, sort_keys=True, default=str) for item in items)


def schema(url: str) -> dict:
    """Tables with their columns, indexes, keys, checks; and triggers (the audit log's)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        inspector = inspect(conn)
        found = {table: {
            "columns": described(inspector.get_columns(table)),
            "indexes": described(inspector.get_indexes(table)),
            "unique": described(inspector.get_unique_constraints(table)),
            "foreign_keys": described(inspector.get_foreign_keys(table)),
            "checks": described(inspector.get_check_constraints(table)),
        } for table in inspector.get_table_names()}
        if conn.dialect.name == "sqlite":
            found["<triggers>"] = sorted(conn.exec_driver_sql(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'").all())
        else:
            found["<triggers>"] = sorted(conn.exec_driver_sql(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                "WHERE NOT tgisinternal").all())
    return found


def test_an_old_database_with_data_upgrades_to_head_and_back_a_step(tmp_path):
    scripts = ScriptDirectory(str(MIGRATIONS))
    head = scripts.get_current_head()
    before_head = scripts.get_revision(head).down_revision
    assert scripts.get_base() == OLDEST
    with scratch_database(tmp_path, "migrations") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                          "LOANDESK_DATA_KEY": Fernet.generate_key().decode(),
                          "UPLOAD_FOLDER": str(tmp_path / "uploads")})
        try:
            flask_db(app, "upgrade", OLDEST)
            insert_rows(url)
            assert differences(app, url, OLDEST) == []

            flask_db(app, "upgrade", before_head)
            schema_before_head = schema(url)
            flask_db(app, "upgrade")
            assert differences(app, url, head) == []

            flask_db(app, "downgrade", "--", "-1")  # click reads a bare -1 as an option
            assert differences(app, url, before_head) == []
            assert schema(url) == schema_before_head

            flask_db(app, "upgrade")
            assert differences(app, url, head) == []
        finally:
            from app.extensions import db

            with app.app_context():
                db.engine.dispose()
