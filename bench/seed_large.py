"""Seed a LoanDesk database with production-sized tables for the benchmarks.

    .venv/bin/python bench/seed_large.py [--db URL] [--customers 200000]
    .venv/bin/python bench/seed_large.py --db URL --applications 1000000 --loans 500000

The schema, roles, demo staff/branches/products/channels come from the normal path
(``create_app`` + ``loandesk init``), so the benchmark sees exactly what a firm would have.
On top of that this adds N customers, N applications, N loans (with their full repayment
schedules, ~3.2M installments for N=200k) and one service fee per loan, written with Core
``insert()`` executemany batches: ORM objects one by one would take an hour at this size.

Idempotent: a database that already holds the bench loans is left alone.

With ``--applications`` / ``--loans`` it seeds a different, reports-sized book instead (see
``seed_book``): a two-year history of applications in the states a real funnel leaves them
in, with decisions and rejection reasons, loans with a realistic share late, settled early
or written off, their repayments, service fees and commissions.  Give it its own database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import sys
import tempfile
import time
from array import array
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from app import create_app
from app.crypto import search_hash
from app.domain.schedule import add_months
from app.domain.states import IN_PROGRESS
from app.domain.validators import make_credit_code, make_id_number
from app.models import (
    Application,
    Branch,
    Channel,
    Commission,
    Customer,
    Decision,
    Installment,
    Loan,
    LoanProduct,
    Repayment,
    ServiceFee,
    Staff,
    Team,
)
from app.models.product import RepaymentMethodOption, product_method
from seed.names import (
    EMPLOYERS,
    ENTERPRISES,
    GIVEN,
    OCCUPATIONS,
    PURPOSES,
    STREETS,
    SURNAMES,
)

DEMO_PASSWORD = "Demo#Pass2026"  # same as tests/conftest.py, so the demo logins match
DEFAULT_N = 200_000
BATCH = 5_000
CENT = Decimal("0.01")
# Bench rows use number prefixes, phone prefix and ID regions the demo seed never uses, so
# the UNIQUE constraints can't collide with the ~200 demo customers.
LOAN_PREFIX, APP_PREFIX, PHONE_PREFIX = "BL", "BA", "166"
REGIONS = [("350105", "福州", "马尾区"), ("350112", "福州", "长乐区"),
           ("350205", "厦门", "海沧区"), ("350212", "厦门", "同安区"),
           ("350505", "泉州", "泉港区"), ("350303", "莆田", "涵江区")]
# Application states (weight); ~85% reach a loan, the rest are the funnel's other stages.
APP_STATES = [("draft", 2), ("submitted", 2), ("under_review", 3), ("approved", 2),
              ("rejected", 5), ("withdrawn", 1), ("contracted", 3), ("disbursed", 2),
              ("repaying", 50), ("overdue", 10), ("settled", 18), ("written_off", 2)]
LOAN_STATE = {"contracted": "pending", "disbursed": "active", "repaying": "active",
              "overdue": "overdue", "settled": "settled", "written_off": "written_off"}


def bench_config(url: str) -> dict:
    """The test-style config the benchmark runs under (no CSRF, known demo password)."""
    return {
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
        "DEMO_PASSWORD": DEMO_PASSWORD, "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": False,
        "AUTH_RATE_LIMITED": False,
        "UPLOAD_FOLDER": str(Path(tempfile.gettempdir()) / "loandesk-bench-uploads"),
    }


def default_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url or "sqlite:///" + str(Path(tempfile.gettempdir()) / "loandesk-bench.sqlite")


def money(value: float | Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def init_schema(url: str):
    """create_app + ``loandesk init``: migrations, permissions, roles, reference + demo data."""
    app = create_app(bench_config(url))
    result = app.test_cli_runner().invoke(args=["loandesk", "init"])
    if result.exit_code != 0:
        raise SystemExit(f"loandesk init failed: {result.output}{result.exception!r}")
    from app.extensions import db

    with app.app_context():
        # No app connection left open: the bulk engine (_engine) takes SQLite out of the
        # app's WAL mode, which needs the file to itself.
        db.engine.dispose()
    return app


def _engine(url: str):
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # A throw-away bench file: trade durability for a seed that takes a minute, not ten.
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA synchronous=OFF")
            try:  # a bulk transaction's rollback journal in memory, not a WAL as big as it
                cur.execute("PRAGMA journal_mode=MEMORY")
            except sqlite3.OperationalError:  # another connection is open: stay in WAL
                pass
            cur.execute("PRAGMA cache_size=-200000")
            cur.close()
    return engine


class Reference:
    """The demo organisation the bench rows are spread over (looked up, never hard-coded ids)."""

    def __init__(self, conn):
        staff = conn.execute(select(Staff.id, Staff.branch_id, Staff.team_id)
                             .order_by(Staff.id)).all()
        self.owners = [s for s in staff if s.team_id is not None]  # sales staff own records
        self.reviewers = {b: [s.id for s in staff if s.branch_id == b and s.team_id is None]
                          for b in {s.branch_id for s in staff}}
        self.channels = conn.execute(select(Channel.id).order_by(Channel.id)).scalars().all()
        methods = conn.execute(
            select(product_method.c.product_id, RepaymentMethodOption.code)
            .join(RepaymentMethodOption, RepaymentMethodOption.id == product_method.c.method_id)
            .order_by(product_method.c.product_id, RepaymentMethodOption.id)
        ).all()
        self.products = []
        for p in conn.execute(select(LoanProduct).order_by(LoanProduct.id)).mappings():
            allowed = [m for pid, m in methods if pid == p["id"]] or ["equal_installment"]
            months = [m for m in (3, 6, 12, 24, 36) if p["min_months"] <= m <= p["max_months"]]
            self.products.append({**p, "methods": allowed, "terms": months or [p["min_months"]]})
        if not (self.owners and self.channels and self.products):
            raise SystemExit("demo organisation missing: run `loandesk init` with --demo")
        self.first = {t: (conn.execute(select(func.max(t.id))).scalar() or 0) + 1
                      for t in (Customer, Application, Loan, Installment, ServiceFee,
                                Repayment)}


def already_seeded(conn, n: int) -> bool:
    count = conn.execute(select(func.count()).select_from(Loan)
                         .where(Loan.number.startswith(LOAN_PREFIX))).scalar()
    return count >= n


def customers(rng, ref: Reference, n: int, today: dt.date):
    first = ref.first[Customer]
    span = 365 * 36  # birth dates over 36 years; (day, seq) is unique per index
    for i in range(n):
        owner = ref.owners[i % len(ref.owners)]
        region, city, district = REGIONS[i % len(REGIONS)]
        created = dt.datetime.combine(today - dt.timedelta(days=rng.randrange(1, 1100)),
                                      dt.time(rng.randrange(8, 20), rng.randrange(60)))
        row = {
            "id": first + i, "kind": "person", "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "id_number": None, "credit_code": None, "phone": f"{PHONE_PREFIX}{i:08d}",
            "email": None, "gender": None, "birth_date": None, "city": city,
            "address": f"{city}市{district}{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
            "employer": rng.choice(EMPLOYERS), "occupation": rng.choice(OCCUPATIONS),
            "monthly_income": money(rng.randrange(40, 400) * 100), "monthly_debt_payment": None,
            "years_employed": rng.randrange(0, 25), "has_property": rng.random() < 0.45,
            "has_car": rng.random() < 0.4,
            "social_insurance_months": rng.choice([0, 12, 36, 120]),
            "housing_fund_months": rng.choice([0, 0, 24, 96]), "has_insurance_policy": False,
            "has_business_licence": False, "business_age_years": None,
            "credit_report_status": rng.choice(["clean", "clean", "minor", "none", "serious"]),
            "overdue_count_24m": rng.choice([0, 0, 0, 1, 2]), "inquiries_6m": rng.randrange(9),
            "existing_loans": rng.randrange(4), "status": "active" if i % 3 else "lead",
            "blacklist_reason": None, "channel_id": rng.choice(ref.channels),
            "last_followup_at": created + dt.timedelta(days=rng.randrange(30)), "note": None,
            "owner_id": owner.id, "team_id": owner.team_id, "branch_id": owner.branch_id,
            "created_at": created, "updated_at": created}
        if i % 25 == 24:  # one in 25 is an enterprise, identified by its credit code
            name = ENTERPRISES[i % len(ENTERPRISES)] + f"{i}"
            row.update(kind="enterprise", name=name, employer=name, occupation=None,
                       credit_code=make_credit_code(f"91350200MA{i:07d}"),
                       has_business_licence=True, business_age_years=rng.randrange(1, 15))
        else:
            birth = dt.date(1966, 1, 1) + dt.timedelta(days=i % span)
            id_number = make_id_number(region, birth, i // span)
            row.update(id_number=id_number, birth_date=birth,
                       gender="M" if int(id_number[16]) % 2 else "F",
                       monthly_debt_payment=money(row["monthly_income"] * Decimal("0.3")))
        if i % 40 == 39:
            row.update(status="blacklisted", blacklist_reason="提供虚假收入证明")
        # The ORM's validator keeps these; a Core insert must fill them itself.
        row.update(id_number_hash=search_hash(row["id_number"]),
                   phone_hash=search_hash(row["phone"]), bank_name=None, bank_card=None)
        yield row


def applications_and_loans(rng, ref: Reference, n: int, today: dt.date, cust: list):
    """Yield (application, loan, fee, installments); loans the funnel doesn't reach are
    'migrated' loans without an application, so both tables hold exactly n rows."""
    states = [s for s, w in APP_STATES for _ in range(w)]
    first_app, first_loan = ref.first[Application], ref.first[Loan]
    busy: set[int] = set()  # customers with an application in progress (at most one each)
    for i in range(n):
        c = cust[rng.randrange(len(cust))]  # (id, owner, team, branch, channel, created)
        product = rng.choice(ref.products)
        months = rng.choice(product["terms"])
        amount = money(max(product["min_amount"], min(product["max_amount"], Decimal(
            rng.randrange(int(product["min_amount"]) // 1000,
                          int(product["max_amount"]) // 4000 + 2) * 1000))))
        state = rng.choice(states)
        if state in IN_PROGRESS:
            if c[0] in busy:
                state = "withdrawn"
            busy.add(c[0])
        created = max(c[5], dt.datetime.combine(today, dt.time(9))
                      - dt.timedelta(days=rng.randrange(10, 1000)))
        reviewer = rng.choice(ref.reviewers.get(c[3]) or [None])
        decided = created + dt.timedelta(days=1) if state not in (
            "draft", "submitted", "under_review", "withdrawn") else None
        app = {
            "id": first_app + i, "number": f"{APP_PREFIX}{i:08d}", "customer_id": c[0],
            "product_id": product["id"], "channel_id": c[4], "amount": amount,
            "months": months, "method": rng.choice(product["methods"]),
            "purpose": rng.choice(PURPOSES), "state": state, "reviewer_id": reviewer,
            "decided_at": decided, "note": None,
            "submitted_at": None if state == "draft" else created + dt.timedelta(hours=2),
            "owner_id": c[1], "team_id": c[2], "branch_id": c[3], "created_at": created,
            "updated_at": decided or created}
        if state not in LOAN_STATE:  # a migrated loan from the old system instead
            state = rng.choice(["repaying", "repaying", "settled", "overdue"])
            app_id, start = None, (created + dt.timedelta(days=rng.randrange(3, 30))).date()
        else:
            app_id, start = app["id"], (decided + dt.timedelta(days=3)).date()
        loan_state = LOAN_STATE[state]
        rate = (product["min_rate"] + product["max_rate"]) / 2
        loan_id = first_loan + i
        schedule, outstanding, dpd = _schedule(loan_id, amount, rate, months, start, loan_state,
                                               today, rng)
        disbursed = loan_state != "pending"
        loan = {
            "id": loan_id, "number": f"{LOAN_PREFIX}{i:08d}", "application_id": app_id,
            "customer_id": c[0], "product_id": product["id"], "funder_id": product["funder_id"],
            "principal": amount, "annual_rate": rate.quantize(Decimal("0.000001")), "apr": None,
            "months": months, "method": app["method"], "day_count": product["day_count"],
            "grace_months": 0, "overdue_rate": product["overdue_rate"], "start_date": start,
            "first_due_date": add_months(start, 1), "disbursed_on": start if disbursed else None,
            "disbursed_amount": amount if disbursed else None,
            "funder_reference": f"FR{i:09d}" if disbursed else None, "state": loan_state,
            "outstanding_principal": outstanding, "customer_credit": money(0),
            "days_past_due": dpd,
            "settled_on": schedule[-1]["paid_on"] if loan_state == "settled" else None,
            "owner_id": c[1], "team_id": c[2], "branch_id": c[3], "channel_id": c[4],
            "created_at": dt.datetime.combine(start, dt.time(11)),
            "updated_at": dt.datetime.combine(start, dt.time(11))}
        fee = {
            "id": ref.first[ServiceFee] + i, "application_id": app["id"], "loan_id": loan_id,
            "basis": "percent_disbursed", "rate": product["service_fee_rate"],
            "amount": money(amount * product["service_fee_rate"]),
            "due_on_event": "disbursement", "due_date": start,
            "state": "received" if disbursed else "charged",
            "received_on": start if disbursed else None, "refunded_on": None,
            "refund_rule": None, "created_at": loan["created_at"],
            "updated_at": loan["created_at"]}
        yield app, loan, fee, schedule


def _schedule(loan_id, amount, rate, months, start, loan_state, today, rng):
    """Equal-principal schedule with the paid/overdue state a loan in ``loan_state`` has."""
    per = money(amount / months)
    monthly_rate = rate / 12
    missed = rng.randrange(1, 5) if loan_state == "overdue" else 0
    due_dates = [add_months(start, k) for k in range(1, months + 1)]
    # A contracted-but-not-disbursed loan has nothing due yet, whatever the calendar says.
    n_past = 0 if loan_state == "pending" else sum(d <= today for d in due_dates)
    rows, outstanding, dpd = [], amount, 0
    for k, due in enumerate(due_dates, start=1):
        principal = per if k < months else outstanding
        interest = money(outstanding * monthly_rate)
        past = k <= n_past
        paid = loan_state == "settled" or (past and (
            loan_state == "active" or (loan_state == "overdue" and k <= n_past - missed)
            or (loan_state == "written_off" and k <= 2)))
        state, days = "due", 0
        if paid:
            state = "paid"
        elif past:
            days = (today - due).days
            state = "written_off" if loan_state == "written_off" else "overdue"
            dpd = max(dpd, days)
        rows.append({
            "loan_id": loan_id, "n": k, "due_date": due, "principal": principal,
            "interest": interest, "fee": money(0), "penalty": money(0),
            "paid_principal": principal if paid else money(0),
            "paid_interest": interest if paid else money(0), "paid_fee": money(0),
            "paid_penalty": money(0), "state": state, "days_past_due": days,
            "paid_on": min(due, today) if paid else None})
        outstanding -= principal
    remaining = sum((r["principal"] for r in rows if r["state"] != "paid"), money(0))
    return rows, remaining, dpd


class Writer:
    """Buffers rows per table and writes them as executemany batches of up to BATCH rows."""

    def __init__(self, conn):
        self.conn, self.buffers, self.counts = conn, {}, {}

    def add(self, table, row: dict) -> None:
        buf = self.buffers.setdefault(table, [])
        buf.append(row)
        if len(buf) >= BATCH:
            # Flush every buffer, parents first (insertion order), so no row is written
            # before the row its foreign key points at (PostgreSQL checks FKs per statement).
            self.flush()

    def flush(self) -> None:
        for t, rows in self.buffers.items():
            if rows:
                self.conn.execute(insert(t), rows)
                self.counts[t.name] = self.counts.get(t.name, 0) + len(rows)
                rows.clear()


def seed(url: str, n: int = DEFAULT_N) -> dict | None:
    """Seed n customers/applications/loans; returns row counts, or None when already done."""
    app = init_schema(url)
    engine = _engine(url)
    context = app.app_context()  # sensitive columns encrypt with the app's data key
    context.push()
    try:
        with engine.begin() as conn:  # one transaction: a crash leaves no half-seeded DB
            if already_seeded(conn, n):
                return None
            rng, today = random.Random(200_000), dt.date.today()
            ref = Reference(conn)
            writer = Writer(conn)
            cust = []
            for row in customers(rng, ref, n, today):
                writer.add(Customer.__table__, row)
                cust.append((row["id"], row["owner_id"], row["team_id"], row["branch_id"],
                             row["channel_id"], row["created_at"]))
            writer.flush()  # FKs: customers exist before the rows that point at them
            for app, loan, fee, schedule in applications_and_loans(rng, ref, n, today, cust):
                writer.add(Application.__table__, app)
                writer.add(Loan.__table__, loan)
                writer.add(ServiceFee.__table__, fee)
                for inst in schedule:
                    writer.add(Installment.__table__, inst)
            writer.flush()
            if engine.dialect.name == "postgresql":
                # Explicit ids don't move the serial sequences; the app's next insert would
                # collide without this.
                for t in ("customer", "application", "loan", "service_fee", "installment"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                                      f"(SELECT max(id) FROM {t}))"))
        with engine.connect() as conn:  # fresh statistics for the planner after a bulk load
            conn.execute(text("ANALYZE"))
            conn.commit()
        return writer.counts
    finally:
        context.pop()
        engine.dispose()


# -- a reports-sized book (--applications / --loans) ------------------------------------------
# Two years of business for the reports and the dashboard.  Unlike the rows above, the
# dates matter here: applications are spread over the last BOOK_DAYS days (volume growing
# by ~40% over the period), each with the history its state implies (submitted, decided,
# disbursed, repaid, late, settled early or written off) as of today.
BOOK_DAYS = 730
CUSTOMER_DAYS = 1100  # customers were taken in over the last three years
FIRM_UTC_OFFSET = dt.timedelta(hours=8)  # Asia/Shanghai, no DST: timestamps are stored in UTC
FAST_BATCH = 20_000  # rows over all tables per flush of the fast writer
# More of the organisation than the demo's 2 branches / 3 sales staff, so grouping by branch,
# team or staff and a manager's one-branch scope look like a firm's: every branch ends up
# with 8 sales staff in 2 teams (demo teams topped up), and each new branch has a reviewer.
BENCH_BRANCHES = [("QZ", "泉州分部", "泉州"), ("PT", "莆田分部", "莆田"), ("ZZ", "漳州分部", "漳州")]
SALES_PER_TEAM = 4
BENCH_STAFF_COMMISSION = "0.1000"  # bench sales staff earn 10% of the service fee
# Agent partners besides the demo's four channels: (code, name, basis, rate, settle days).
BENCH_CHANNELS = [
    ("B-AGENT1", "鑫诚房产经纪", "disbursed", "0.0120", 15),
    ("B-AGENT2", "安达汽车服务", "disbursed", "0.0080", 30),
    ("B-AGENT3", "融通财务顾问", "fee", "0.3000", 15),
    ("B-AGENT4", "闽商会推荐", "fee", "0.2000", 30),
]
CHANNEL_WEIGHTS = {"WALKIN": 25, "ONLINE": 30, "REALTY": 10, "AUTO": 8, "B-AGENT1": 9,
                   "B-AGENT2": 6, "B-AGENT3": 7, "B-AGENT4": 5}
# Why rejected applications were rejected (weights); hard_rule is the automatic rejection
# at submission (no reviewer, decided within seconds).
REASON_WEIGHTS = [("high_dti", 22), ("bad_credit", 24), ("insufficient_income", 14),
                  ("incomplete_documents", 11), ("fraud_suspected", 3), ("policy", 8),
                  ("other", 5), ("hard_rule", 13)]
# Applications still in progress (only recent ones: at most IN_PROGRESS_DAYS old).
IN_PROGRESS_DAYS = 40
OPEN_STATES = [("draft", 22), ("submitted", 4), ("scoring", 2), ("under_review", 42),
               ("approved", 30)]
# Loans: shares of the book (see BookMaker.loan).
WRITE_OFF_SHARE, EARLY_SHARE, LATE_SHARE = 0.015, 0.12, 0.09
MISSED_WEIGHTS = [(1, 55), (2, 20), (3, 10), (4, 5), (5, 4), (6, 3), (7, 2), (8, 1)]
# Cured delinquency: loans that once missed 1-4 installments in a row and caught up, paying
# them together 15-28 days after the last one fell due (so months ends saw them overdue).
EPISODE_SHARE = 0.08
EPISODE_WEIGHTS = [(1, 30), (2, 35), (3, 20), (4, 15)]
PAY_CHANNELS = ["card_deduction"] * 7 + ["bank_transfer"] * 2 + ["wechat"]
MIN_LOAN_AGE = 3  # days from application to a loan, at least
STAFF_SETTLE_DAYS, STAFF_CLAWBACK_DAYS = 30, 90  # the demo firm settings for staff
APPLICATION_STATE = {"active": "repaying", "overdue": "overdue", "settled": "settled",
                     "written_off": "written_off"}  # as app.loans.service keeps it


def bench_organisation(conn, rng) -> None:
    """Add the bench branches, teams, sales staff and channels (once)."""
    if conn.execute(select(Branch.id).where(Branch.code == BENCH_BRANCHES[0][0])).first():
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stamps = {"created_at": now, "updated_at": now}
    for code, name, city in BENCH_BRANCHES:
        conn.execute(insert(Branch).values(code=code, name=name, city=city, **stamps))
    branches = dict(conn.execute(select(Branch.code, Branch.id)).all())
    xm_teams = conn.execute(select(Team.name).where(Team.branch_id == branches["XM"])).scalars()
    if "销售二组" not in set(xm_teams):
        conn.execute(insert(Team).values(branch_id=branches["XM"], name="销售二组", **stamps))
    for code, _name, _city in BENCH_BRANCHES:
        for team in ("销售一组", "销售二组"):
            conn.execute(insert(Team).values(branch_id=branches[code], name=team, **stamps))
        conn.execute(insert(Staff).values(
            branch_id=branches[code], team_id=None, employee_no=f"BR-{code}",
            full_name=rng.choice(SURNAMES) + rng.choice(GIVEN), commission_basis="fee",
            commission_rate=Decimal(0), **stamps))
    members = {}
    for team_id, in conn.execute(select(Team.id)):
        members[team_id] = 0
    for team_id, count in conn.execute(select(Staff.team_id, func.count())
                                       .where(Staff.team_id.is_not(None))
                                       .group_by(Staff.team_id)):
        members[team_id] = count
    teams = conn.execute(select(Team.id, Team.branch_id).order_by(Team.id)).all()
    number = 0
    for team_id, branch_id in teams:
        for _ in range(SALES_PER_TEAM - members[team_id]):
            number += 1
            conn.execute(insert(Staff).values(
                branch_id=branch_id, team_id=team_id, employee_no=f"BS-{number:03d}",
                full_name=rng.choice(SURNAMES) + rng.choice(GIVEN), commission_basis="fee",
                commission_rate=Decimal(BENCH_STAFF_COMMISSION), **stamps))
    for code, name, basis, rate, settle in BENCH_CHANNELS:
        conn.execute(insert(Channel).values(
            code=code, name=name, kind="agent", commission_basis=basis,
            commission_rate=Decimal(rate), settle_days=settle, clawback_days=90, active=True,
            **stamps))


class FastWriter:
    """Plain tuples straight to the driver, for the tables without encrypted columns: COPY
    on PostgreSQL, executemany on SQLite; per table a fixed column list.  Values come ready
    for both databases: money and rates as floats (cents / 100 prints exactly), dates as
    ISO strings, timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite format).
    Buffers are written parents first (the order of ``columns``), so foreign keys hold."""

    def __init__(self, conn, columns: dict) -> None:
        self.raw = conn.connection.driver_connection
        self.postgres = conn.dialect.name == "postgresql"
        self.columns = columns  # table name -> column names
        self.buffers = {table: [] for table in columns}
        self.counts = dict.fromkeys(columns, 0)
        for name, names in columns.items():
            if name in Customer.metadata.tables:
                _check_columns(Customer.metadata.tables[name], names)

    def flush(self) -> None:
        for table, rows in self.buffers.items():
            if not rows:
                continue
            names = self.columns[table]
            if self.postgres:
                with self.raw.cursor() as cur, cur.copy(
                        f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                self.raw.executemany(f"INSERT INTO {table} ({', '.join(names)}) "
                                     f"VALUES ({', '.join('?' * len(names))})", rows)
            self.counts[table] += len(rows)
            rows.clear()


def _check_columns(table, names) -> None:
    """Every NOT NULL column left out must have a server default (or be the serial id)."""
    for column in table.columns:
        if column.name in names or column.nullable or column.server_default is not None:
            continue
        if column.primary_key and column.autoincrement in (True, "auto"):
            continue
        raise SystemExit(f"bench seed: {table.name}.{column.name} is NOT NULL and not written")


# The most days each installment was ever past due (migration 0011), when the schema has it.
MAX_DPD = "max_dpd" in Installment.__table__.c
BOOK_COLUMNS = {
    "application": (
        "id", "number", "customer_id", "product_id", "channel_id", "amount", "months",
        "method", "purpose", "state", "reviewer_id", "submitted_at", "decided_at", "note",
        "owner_id", "team_id", "branch_id", "created_at", "updated_at"),
    "decision": (
        "application_id", "reviewer_id", "outcome", "approved_amount", "approved_months",
        "approved_rate", "method", "reason_code", "note", "decided_at"),
    "loan": (
        "id", "number", "application_id", "customer_id", "product_id", "funder_id",
        "principal", "annual_rate", "apr", "months", "method", "day_count", "grace_months",
        "overdue_rate", "start_date", "first_due_date", "disbursed_on", "disbursed_amount",
        "funder_reference", "state", "outstanding_principal", "customer_credit",
        "days_past_due", "settled_on", "owner_id", "team_id", "branch_id", "channel_id",
        "created_at", "updated_at"),
    "service_fee": (
        "id", "application_id", "loan_id", "basis", "rate", "amount", "due_on_event",
        "due_date", "state", "received_on", "refunded_on", "refund_rule", "refund_amount",
        "refund_reason", "created_at", "updated_at"),
    "installment": (
        "id", "loan_id", "n", "due_date", "principal", "interest", "fee", "penalty",
        "paid_principal", "paid_interest", "paid_fee", "paid_penalty", "state",
        "days_past_due", "paid_on", *(("max_dpd",) if MAX_DPD else ())),
    "commission": (
        "loan_id", "service_fee_id", "channel_id", "staff_id", "basis", "rate",
        "base_amount", "amount", "state", "settle_days", "payable_on", "paid_on",
        "clawed_back_on", "clawback_reason", "created_at", "updated_at"),
    # Repayments and their allocations are made per loan, but a live database stores them
    # in the order they were paid: staged here, then copied in paid order (``_repayments``).
    "bench_repayment_stage": (
        "seq", "loan_id", "paid_on", "amount", "channel", "reference", "created_at"),
    "bench_allocation_stage": (
        "rep_seq", "installment_id", "part", "amount", "applied_on"),
}
STAGE_DDL = [
    ("CREATE TEMPORARY TABLE bench_repayment_stage (seq INTEGER PRIMARY KEY, loan_id INTEGER, "
     "paid_on DATE, amount NUMERIC(18, 2), channel VARCHAR(32), reference VARCHAR(64), "
     "created_at TIMESTAMP)"),
    ("CREATE TEMPORARY TABLE bench_allocation_stage (rep_seq INTEGER, installment_id INTEGER, "
     "part VARCHAR(32), amount NUMERIC(18, 2), applied_on DATE)"),
]


def _repayments(conn, first_id: int) -> tuple[int, int]:
    """Copy the staged repayments into ``repayment`` in the order they were paid (ids and,
    on both databases, the physical order follow the payment time, as on a live database),
    and their allocations after them; returns the two row counts."""
    run = conn.exec_driver_sql
    run("CREATE TEMPORARY TABLE bench_repayment_order (seq INTEGER PRIMARY KEY, "
        "id INTEGER NOT NULL)")
    run(f"INSERT INTO bench_repayment_order (seq, id) SELECT seq, {int(first_id) - 1} + "
        "ROW_NUMBER() OVER (ORDER BY created_at, seq) FROM bench_repayment_stage")
    repayments = run(
        "INSERT INTO repayment (id, loan_id, paid_on, amount, channel, reference, created_at) "
        "SELECT o.id, s.loan_id, s.paid_on, s.amount, s.channel, s.reference, s.created_at "
        "FROM bench_repayment_stage s JOIN bench_repayment_order o ON o.seq = s.seq "
        "ORDER BY o.id").rowcount
    allocations = run(
        "INSERT INTO repayment_allocation (repayment_id, installment_id, part, amount, "
        "applied_on) SELECT o.id, a.installment_id, a.part, a.amount, a.applied_on "
        "FROM bench_allocation_stage a JOIN bench_repayment_order o ON o.seq = a.rep_seq "
        "ORDER BY o.id").rowcount
    for table in ("bench_repayment_order", "bench_repayment_stage", "bench_allocation_stage"):
        run(f"DROP TABLE {table}")
    return repayments, allocations


def _weighted(pairs):
    return [value for value, weight in pairs for _ in range(weight)]


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="microseconds")


class BookMaker:
    """Generates the book one application at a time and hands the rows to a FastWriter."""

    def __init__(self, conn, rng, ref: Reference, today: dt.date, n_customers: int) -> None:
        self.rng, self.ref, self.today = rng, ref, today
        self.n_customers = n_customers
        # Nothing may happen after now: the start of the current hour, in UTC.
        self.now = dt.datetime.now(dt.UTC).replace(tzinfo=None, minute=0, second=0,
                                                    microsecond=0)
        self.channel_codes = dict(conn.execute(select(Channel.id, Channel.code)
                                               .order_by(Channel.id)).all())
        self.channel_rule = {c.id: (c.commission_basis, float(c.commission_rate),
                                    c.settle_days, c.clawback_days)
                             for c in conn.execute(select(Channel))}
        self.staff_rule = {s.id: (s.commission_basis, float(s.commission_rate))
                           for s in conn.execute(select(Staff))}
        weights = [(cid, CHANNEL_WEIGHTS.get(code, 5)) for cid, code in self.channel_codes.items()]
        self.channel_pool = _weighted(weights)
        self.reasons = _weighted(REASON_WEIGHTS)
        self.open_states = _weighted(OPEN_STATES)
        self.missed = _weighted(MISSED_WEIGHTS)
        self.episode = _weighted(EPISODE_WEIGHTS)
        self.products = [{**p, "min_rate": float(p["min_rate"]), "max_rate": float(p["max_rate"]),
                          "fee_rate": float(p["service_fee_rate"] or 0),
                          "fee_fixed": round((p["service_fee_fixed"] or 0) * 100),
                          "overdue": float(p["overdue_rate"])} for p in ref.products]
        self.dues: dict[dt.date, list] = {}  # start date -> [(due date, its ISO string)]
        # customers: owner index and channel id, by position (ids are consecutive)
        self.cust_owner = array("H")
        self.cust_channel = array("H")
        self.busy: set[int] = set()  # customers with an application in progress
        self.next_fee = ref.first[ServiceFee]
        self.next_installment = ref.first[Installment]
        self.next_repayment = 1

    # -- customers -------------------------------------------------------------------------
    def customer_rows(self):
        """seed_large's customers, taken in over CUSTOMER_DAYS in id order (so an application
        can pick a customer who already existed), on weighted channels."""
        rng, n = self.rng, self.n_customers
        for i, row in enumerate(customers(rng, self.ref, n, self.today)):
            day = self.today - dt.timedelta(days=CUSTOMER_DAYS - (i * CUSTOMER_DAYS) // n)
            local = dt.datetime.combine(day, dt.time(rng.randrange(9, 20), rng.randrange(60)))
            created = local - FIRM_UTC_OFFSET
            channel = rng.choice(self.channel_pool)
            row.update(created_at=created, updated_at=created, channel_id=channel,
                       last_followup_at=created + dt.timedelta(days=rng.randrange(30)))
            self.cust_owner.append(i % len(self.ref.owners))
            self.cust_channel.append(channel)
            yield row

    def pick_customer(self, age: int, in_progress: bool) -> int:
        """A customer taken in before the application's day (position); for an application
        in progress one without another in progress."""
        n = self.n_customers
        known = max(1, ((CUSTOMER_DAYS - age) * n) // CUSTOMER_DAYS)
        for _ in range(50):
            k = self.rng.randrange(known)
            if not in_progress or k not in self.busy:
                if in_progress:
                    self.busy.add(k)
                return k
        raise SystemExit("bench seed: too few customers for the applications in progress "
                         "(raise --customers)")

    def due_dates(self, start: dt.date) -> list:
        dues = self.dues.get(start)
        if dues is None:
            dues = [(d, d.isoformat()) for d in (add_months(start, k) for k in range(1, 61))]
            self.dues[start] = dues
        return dues

    # -- applications ----------------------------------------------------------------------
    def rows(self, n_apps: int, n_loans: int):
        """Yield, per application, the list of (table, row) it makes: the application, its
        decision, and for n_loans of them (exactly) a loan with its fee, installments,
        repayments and commissions."""
        rng, today, now = self.rng, self.today, self.now
        first_app, first_loan = self.ref.first[Application], self.ref.first[Loan]
        # Ages first (days before today): volume grows ~40% over the period, density
        # 1 + 0.4 t on t in [0, 1] (1 = today).  Knowing them, the n_loans loans are drawn
        # evenly among the applications old enough to have reached one.
        # Sorted oldest first: ids follow time, as they do on a live database (range scans
        # on dates then read neighbouring rows, not rows spread over the whole table).
        ages = array("H", sorted((min(BOOK_DAYS - 1, int(BOOK_DAYS * (
            1.4 - (1 + 0.96 * rng.random()) ** 0.5) / 0.4)) for _ in range(n_apps)),
            reverse=True))
        eligible = sum(1 for a in ages if a >= MIN_LOAN_AGE)
        if eligible < n_loans:
            raise SystemExit("bench seed: too few applications old enough for the loans")
        loans_left, loan_no = n_loans, 0
        app_table, decision_table = "application", "decision"
        for i in range(n_apps):
            age = ages[i]
            day = today - dt.timedelta(days=age)
            local = dt.datetime.combine(day, dt.time(rng.randrange(8, 21), rng.randrange(60),
                                                     rng.randrange(60)))
            created = local - FIRM_UTC_OFFSET
            back = rng.randrange(1, 360)  # drawn always: the same rows whatever the hour
            if created > now:  # today, later than now
                created = now - dt.timedelta(minutes=back)
            with_loan = False
            if age >= MIN_LOAN_AGE:
                with_loan = rng.random() * eligible < loans_left  # exactly n_loans in all
                eligible -= 1
            product = rng.choice(self.products)
            months = rng.choice(product["terms"])
            lo, hi = int(product["min_amount"]), int(product["max_amount"])
            amount = max(lo, min(hi, rng.randrange(lo // 1000, hi // 4000 + 2) * 1000)) * 100
            method = rng.choice(product["methods"])
            rate = round(rng.uniform(product["min_rate"], product["max_rate"]), 4)
            submitted = min(now, created + dt.timedelta(minutes=rng.randrange(10, 1800)))
            hours = rng.choice((1, 2, 3, 4, 6, 8, 20, 24, 30, 48, 72)) * rng.uniform(0.6, 1.4)
            decided = min(now, submitted + dt.timedelta(hours=hours))
            start = None
            if with_loan:
                loans_left -= 1
                start = (decided + FIRM_UTC_OFFSET).date() + dt.timedelta(
                    days=rng.randrange(1, 8))
                state = "contracted" if start > today else "loan"
            elif age < IN_PROGRESS_DAYS and rng.random() < 0.85 * (1 - age / IN_PROGRESS_DAYS):
                state = rng.choice(self.open_states)
            else:
                state = "rejected" if rng.random() < 0.72 else "withdrawn"
            k = self.pick_customer(age, state in IN_PROGRESS)
            customer_id = self.ref.first[Customer] + k
            owner = self.ref.owners[self.cust_owner[k]]
            channel_id = self.cust_channel[k]
            reviewer = rng.choice(self.ref.reviewers.get(owner.branch_id) or [None])
            decision = None
            if state == "rejected":
                reason = rng.choice(self.reasons)
                if reason == "hard_rule":  # automatic, at submission, by nobody
                    decided = min(now, submitted + dt.timedelta(seconds=rng.randrange(2, 30)))
                decision = (None if reason == "hard_rule" else reviewer, "reject", None, None,
                            None, None, reason,
                            "评分卡硬性规则未通过" if reason == "hard_rule" else None)
            elif state in ("approved", "contracted", "loan") or (
                    state == "withdrawn" and rng.random() < 0.3):  # withdrawn after approval
                decision = (reviewer, "approve", amount / 100, months, rate, method, None, None)
            out = []
            if decision is not None:
                out.append((decision_table, (first_app + i, *decision, _stamp(decided))))
            if state == "withdrawn":  # the customer withdrew, some time after the decision
                decided = min(now, decided + dt.timedelta(hours=rng.randrange(2, 24 * 20)))
            app_state = state
            if with_loan:
                app_state = self.loan(out, first_loan + loan_no, loan_no, first_app + i,
                                      customer_id, owner, product, amount, months, method,
                                      rate, start, decided, channel_id)
                loan_no += 1
            is_open = app_state in ("draft", "submitted", "scoring", "under_review")
            decided_s = None if is_open else _stamp(decided)
            draft = app_state == "draft"
            out.insert(0, (app_table, (
                first_app + i, f"{APP_PREFIX}{i:08d}", customer_id, product["id"], channel_id,
                amount / 100, months, method, rng.choice(PURPOSES), app_state,
                None if draft else reviewer, None if draft else _stamp(submitted), decided_s,
                None, owner.id, owner.team_id, owner.branch_id, _stamp(created),
                decided_s or _stamp(created))))
            yield out

    # -- loans -----------------------------------------------------------------------------
    def loan(self, out, loan_id, loan_no, app_id, customer_id, owner, product, amount,
             months, method, rate, start, decided, channel_id) -> str:
        """Append the loan's rows to ``out`` (loan, fee, installments, repayments,
        commissions); return the application state it implies.  Amounts are in cents."""
        rng, today = self.rng, self.today
        pending = start > today
        dues = self.due_dates(start)
        bullet = method == "bullet"
        n = 1 if bullet else months
        due = [dues[months - 1]] if bullet else dues[:months]
        r = rate / 12
        sched = []  # [principal, interest] per installment
        balance = amount
        if bullet:
            sched.append((amount, round(amount * r * months)))
        elif method == "equal_installment" and r > 0:
            pay = amount * r / (1 - (1 + r) ** -months)
            for k in range(months):
                interest = round(balance * r)
                principal = balance if k == months - 1 else min(balance, round(pay - interest))
                sched.append((principal, interest))
                balance -= principal
        else:  # equal principal, or interest only (principal with the last installment)
            part = 0 if method == "interest_only" else round(amount / months)
            for k in range(months):
                interest = round(balance * r)
                principal = balance if k == months - 1 else min(balance, part)
                sched.append((principal, interest))
                balance -= principal
        n_past = 0 if pending else sum(1 for d, _s in due if d < today)
        overdue_rate = product["overdue"]
        # What became of the loan by today: written off, settled early, late now, current.
        u = rng.random()
        kind, settle, first_unpaid, written_on = "current", None, n + 1, None
        if not pending:
            if u < WRITE_OFF_SHARE and n_past >= 5:
                kind = "written_off"
                first_unpaid = rng.randrange(1, n_past - 3)
                written_on = min(today, due[first_unpaid - 1][0]
                                 + dt.timedelta(days=rng.randrange(120, 200)))
            elif u < WRITE_OFF_SHARE + EARLY_SHARE and (today - start).days > 40:
                latest = min(today, due[-1][0]) - dt.timedelta(days=1)
                earliest = start + dt.timedelta(days=30)
                if latest > earliest:
                    kind = "early"
                    settle = earliest + dt.timedelta(days=rng.randrange((latest - earliest).days))
            elif u < WRITE_OFF_SHARE + EARLY_SHARE + LATE_SHARE and n_past >= 1 \
                    and due[n_past - 1][0] > today - dt.timedelta(days=31):
                # Late now: the last 1-8 installments due unpaid (a loan that matured long
                # ago unpaid would have been written off: those are settled instead).
                kind = "late"
                first_unpaid = n_past - min(n_past, rng.choice(self.missed)) + 1
        episode = None  # (first, last installment missed, the day they were all paid)
        if kind != "written_off" and n_past >= 2 and rng.random() < EPISODE_SHARE:
            first = rng.randrange(1, n_past)
            last = min(first + rng.choice(self.episode) - 1, n_past - 1, first_unpaid - 1)
            if last >= first:
                cured = due[last - 1][0] + dt.timedelta(days=rng.randrange(15, 29))
                if cured < today and (settle is None or cured <= settle):
                    episode = (first, last, cured)
        episode_repayment = None
        loan_number = f"{LOAN_PREFIX}{loan_no:08d}"
        outstanding, worst, last_paid = 0, 0, None
        # repayments: [paid on, cents, reference, [(installment id, part, cents)]]
        installments, repayments = [], []
        settlement, first_paid = None, False
        for k in range(1, n + 1):
            d, d_s = due[k - 1]
            inst_id = self.next_installment
            self.next_installment += 1
            principal, interest = sched[k - 1]
            penalty = paid_penalty = dpd = max_dpd = 0
            paid_on = None
            if kind == "early" and d > settle:
                # Settled early: the current period's interest to the settlement day, later
                # periods none; all paid with one repayment on the settlement day.
                previous = due[k - 2][0] if k > 1 else start
                interest = round(interest * (settle - previous).days / 30) \
                    if previous <= settle else 0
                state, paid_on = "paid", settle
                if settlement is None:
                    settlement = [settle, 0, f"{loan_number}-{k:03d}", []]
                    repayments.append(settlement)
                settlement[1] += principal + interest
                settlement[3].extend(((inst_id, "interest", interest),
                                      (inst_id, "principal", principal)))
            elif pending or d >= today:
                state = "written_off" if kind == "written_off" else "due"
            elif episode is not None and episode[0] <= k <= episode[1]:
                state, paid_on = "paid", episode[2]
                max_dpd = (paid_on - d).days
                paid_penalty = penalty = round(principal * overdue_rate * max_dpd / 360)
                if episode_repayment is None:
                    episode_repayment = [paid_on, 0, f"{loan_number}-{k:03d}", []]
                    repayments.append(episode_repayment)
                episode_repayment[1] += principal + interest + paid_penalty
                episode_repayment[3].extend(((inst_id, "penalty", paid_penalty),
                                             (inst_id, "interest", interest),
                                             (inst_id, "principal", principal)))
            elif k < first_unpaid:
                state = "paid"
                x = rng.random()
                if x < 0.07:  # paid late, with the penalty for the days late
                    late = rng.randrange(1, 26)
                    paid_on = d + dt.timedelta(days=late)
                    if paid_on >= today or (settle is not None and paid_on > settle):
                        paid_on = d
                    else:
                        paid_penalty = penalty = round(principal * overdue_rate * late / 360)
                        max_dpd = late
                elif x < 0.30:
                    paid_on = d - dt.timedelta(days=rng.randrange(1, 6))
                else:
                    paid_on = d
                repayments.append([paid_on, principal + interest + paid_penalty,
                                   f"{loan_number}-{k:03d}",
                                   ((inst_id, "penalty", paid_penalty),
                                    (inst_id, "interest", interest),
                                    (inst_id, "principal", principal))])
            else:  # past due and unpaid
                dpd = max_dpd = (today - d).days
                state = "written_off" if kind == "written_off" else "overdue"
                until = written_on if kind == "written_off" else today
                penalty = round(principal * overdue_rate * max(0, (until - d).days) / 360)
                worst = max(worst, dpd)
            if state == "paid":
                first_paid = first_paid or k == 1
                if last_paid is None or paid_on > last_paid:
                    last_paid = paid_on
                paid_p, paid_i = principal / 100, interest / 100
            else:
                outstanding += principal
                paid_p = paid_i = 0.0
            row = (inst_id, loan_id, k, d_s, principal / 100, interest / 100, 0.0,
                   penalty / 100, paid_p, paid_i, 0.0, paid_penalty / 100, state, dpd,
                   paid_on.isoformat() if paid_on else None)
            installments.append((*row, max_dpd) if MAX_DPD else row)
        if pending:
            loan_state = "pending"
        elif kind == "written_off":
            loan_state = "written_off"
        elif worst > 0:
            loan_state = "overdue"
        elif outstanding == 0:
            loan_state = "settled"
        else:
            loan_state = "active"
        settled_on = last_paid if loan_state == "settled" else None
        created_s = _stamp(min(self.now, decided + dt.timedelta(hours=2)))
        start_s = start.isoformat()
        disbursed = not pending
        out.append(("loan", (
            loan_id, loan_number, app_id, customer_id, product["id"], product["funder_id"],
            amount / 100, rate, round(rate + product["fee_rate"] * 24 / (months + 1), 6),
            months, method, product["day_count"], 0, overdue_rate, start_s, dues[0][1],
            start_s if disbursed else None, amount / 100 if disbursed else None,
            f"FR{loan_no:09d}" if disbursed else None, loan_state,
            outstanding / 100 if disbursed else 0.0, 0.0, worst,
            settled_on.isoformat() if settled_on else None, owner.id, owner.team_id,
            owner.branch_id, channel_id, created_s, created_s)))
        # The service fee: received at disbursement (mostly), now and then refunded.
        fee_id = self.next_fee
        self.next_fee += 1
        fee = round(amount * product["fee_rate"]) + product["fee_fixed"]
        received_on = refunded_on = refund = None
        if disbursed and rng.random() < 0.97:
            received_on = min(today, start + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 5))))
            if rng.random() < 0.025:
                refunded_on = received_on + dt.timedelta(days=rng.randrange(5, 90))
                if refunded_on >= today:
                    refunded_on = None
                else:
                    refund = fee if rng.random() < 0.6 else fee // 2
        out.append(("service_fee", (
            fee_id, app_id, loan_id, "percent_disbursed", product["fee_rate"], fee / 100,
            "disbursement", start_s if disbursed else None,
            "refunded" if refunded_on else "received" if received_on else "charged",
            received_on.isoformat() if received_on else None,
            refunded_on.isoformat() if refunded_on else None, None,
            refund / 100 if refund is not None else None,
            "客户协商退费" if refunded_on else None, created_s, created_s)))
        out.extend(("installment", row) for row in installments)
        table, allocation = "bench_repayment_stage", "bench_allocation_stage"
        for paid_on, cents, reference, parts in repayments:
            rep_id = self.next_repayment  # the staging sequence number
            self.next_repayment += 1
            moment = dt.datetime.combine(paid_on, dt.time(1)) + dt.timedelta(
                minutes=rng.randrange(600))  # 09:00-19:00 on the firm's clock, in UTC
            day = paid_on.isoformat()
            out.append((table, (rep_id, loan_id, day, cents / 100, rng.choice(PAY_CHANNELS),
                                reference, _stamp(moment))))
            out.extend((allocation, (rep_id, inst_id, part, part_cents / 100, day))
                       for inst_id, part, part_cents in parts if part_cents > 0)
        if disbursed:
            self.commissions(out, loan_id, fee_id, fee, amount, channel_id, owner, start,
                             received_on, refunded_on, settled_on if kind == "early" else None,
                             due[0][0], first_paid, created_s)
        return "contracted" if pending else APPLICATION_STATE[loan_state]

    def commissions(self, out, loan_id, fee_id, fee, amount, channel_id, owner, start,
                    received_on, refunded_on, settled_early, first_due, first_paid,
                    created_s) -> None:
        """The channel's and the salesperson's commissions on a disbursed loan: pending
        until the fee is received, then payable T+N, paid at the next monthly payout;
        clawed back on a fee refund, an early settlement within the window, or a first
        installment 30 days unpaid."""
        today = self.today
        payees = []
        rule = self.channel_rule.get(channel_id)
        if rule and rule[1] > 0:
            payees.append((channel_id, None, *rule))
        basis, staff_rate = self.staff_rule.get(owner.id, ("fee", 0.0))
        if staff_rate > 0:
            payees.append((None, owner.id, basis, staff_rate, STAFF_SETTLE_DAYS,
                           STAFF_CLAWBACK_DAYS))
        for channel, staff, basis, rate, settle_days, window in payees:
            base = fee if basis == "fee" else amount
            state, payable_on, paid_on, clawed, why = "pending", None, None, None, None
            if received_on is not None:
                state, payable_on = "payable", received_on + dt.timedelta(days=settle_days)
                payout = _next_payout(payable_on)
                if payout < today:
                    state, paid_on = "paid", payout
            if refunded_on is not None:
                clawed, why = refunded_on, "服务费退还"
            elif settled_early is not None and (settled_early - start).days <= window:
                clawed, why = settled_early, "提前结清"
            elif not first_paid and first_due + dt.timedelta(days=30) < today:
                clawed, why = first_due + dt.timedelta(days=30), "首期逾期"
            if clawed is not None:
                state = "clawed_back"
            out.append(("commission", (
                loan_id, fee_id, channel, staff, basis, rate, base / 100,
                round(base * rate) / 100, state, settle_days,
                payable_on.isoformat() if payable_on else None,
                paid_on.isoformat() if paid_on else None,
                clawed.isoformat() if clawed else None, why, created_s, created_s)))


def _next_payout(day: dt.date) -> dt.date:
    """Commission payouts run on the 10th of each month."""
    payout = day.replace(day=10)
    return payout if payout >= day else add_months(payout, 1)



def book_seeded(conn, n_apps: int, n_loans: int) -> bool:
    apps = conn.execute(select(func.count()).select_from(Application)
                        .where(Application.number.startswith(APP_PREFIX))).scalar()
    loans = conn.execute(select(func.count()).select_from(Loan)
                         .where(Loan.number.startswith(LOAN_PREFIX))).scalar()
    if (apps, loans) == (n_apps, n_loans):
        return True
    if apps or loans:
        raise SystemExit(f"this database holds another bench seed ({apps:,} applications, "
                         f"{loans:,} loans): give each size its own database")
    return False


def seed_book(url: str, n_apps: int, n_loans: int, n_customers: int) -> dict | None:
    """Seed the reports-sized book; returns row counts, or None when already there."""
    if n_loans > n_apps:
        raise SystemExit("--loans cannot exceed --applications (every loan has one)")
    phases, clock = [], [time.perf_counter()]

    def phase(name: str) -> None:
        now = time.perf_counter()
        phases.append(f"{name} {now - clock[0]:.0f} s")
        clock[0] = now

    app = init_schema(url)
    phase("loandesk init")
    engine = _engine(url)
    context = app.app_context()  # sensitive columns encrypt with the app's data key
    context.push()
    try:
        with engine.begin() as conn:  # one transaction: a crash leaves no half-seeded DB
            if book_seeded(conn, n_apps, n_loans):
                return None
            rng = random.Random(1_000_000)
            from zoneinfo import ZoneInfo

            today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the firm's today
            bench_organisation(conn, rng)
            ref = Reference(conn)
            maker = BookMaker(conn, rng, ref, today, n_customers)
            writer = Writer(conn)
            for row in maker.customer_rows():
                writer.add(Customer.__table__, row)
            writer.flush()
            phase("customers")
            for ddl in STAGE_DDL:
                conn.exec_driver_sql(ddl)
            fast = FastWriter(conn, BOOK_COLUMNS)
            buffers, pending = fast.buffers, 0
            for rows in maker.rows(n_apps, n_loans):
                for table, row in rows:
                    buffers[table].append(row)
                pending += len(rows)
                if pending >= FAST_BATCH:  # only between applications: parents come along
                    fast.flush()
                    pending = 0
            fast.flush()
            phase("applications to commissions")
            fast.counts["repayment"], fast.counts["repayment_allocation"] = _repayments(
                conn, ref.first[Repayment])
            phase("repayments in paid order")
            for stage in ("bench_repayment_stage", "bench_allocation_stage"):
                del fast.counts[stage]
            if engine.dialect.name == "postgresql":
                for t in ("customer", "application", "loan", "service_fee", "installment",
                          "repayment"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                                      f"(SELECT max(id) FROM {t}))"))
            counts = {**writer.counts, **fast.counts}
        phase("commit")
        # Fresh statistics (and, on PostgreSQL, the visibility map a bulk load leaves empty,
        # which index-only scans need), as autovacuum would have them on a live database.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                              else "ANALYZE"))
        phase("vacuum/analyze")
        month_end_snapshots(app)
        phase("month-end snapshots")
        print("  seed phases: " + ", ".join(phases))
        return counts
    finally:
        context.pop()
        engine.dispose()


def month_end_snapshots(app, months: int = 12) -> None:
    """The month-end pictures of the book the dashboard's trend reads (``portfolio_snapshot``,
    kept by the daily job on a live database): the past ``months`` rebuilt with the app's own
    ``loandesk snapshots`` command, this month's taken as the daily job takes it.  Skipped
    when the app has no such command (the table came with migration 0011)."""
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["loandesk", "snapshots", "--replace",
                                                "--months", str(months)])
    if result.exit_code != 0:
        print(f"  month-end snapshots: not built ({result.output.strip()[-200:]!r}"
              f"{'' if result.exception is None else f', {result.exception!r}'})")
        return
    rebuilt = time.perf_counter() - started
    with app.app_context():
        from app.loans import business_today
        from app.reports.snapshots import take_snapshot

        start = time.perf_counter()
        rows = take_snapshot(business_today())
        took = time.perf_counter() - start
    print(f"  month-end snapshots: {months} past months rebuilt in {rebuilt:.1f} s "
          f"({result.output.strip()}); this month's, {rows} rows, in {took:.1f} s")


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {t.__tablename__: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in (Branch, Staff, Customer, Application, Loan, Installment, ServiceFee,
                            Decision, Repayment, Commission)}
    engine.dispose()
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=default_url(), help="database URL (default: "
                        "$TEST_DATABASE_URL, $DATABASE_URL or a SQLite file in the temp dir)")
    parser.add_argument("--customers", type=int, default=None,
                        help="customers = applications = loans to add (default 200000); with "
                        "--applications/--loans: customers (default applications / 2)")
    parser.add_argument("--applications", type=int, default=None,
                        help="seed the reports-sized book instead: this many applications "
                        "(default 2 x --loans)")
    parser.add_argument("--loans", type=int, default=None,
                        help="the reports-sized book's loans (default applications / 2)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.applications is None and args.loans is None:
        inserted = seed(args.db, args.customers or DEFAULT_N)
    else:
        n_apps = args.applications or 2 * args.loans
        n_loans = args.loans if args.loans is not None else n_apps // 2
        inserted = seed_book(args.db, n_apps, n_loans, args.customers or max(1, n_apps // 2))
    took = time.perf_counter() - started
    if inserted is None:
        print(f"{args.db}: already seeded, nothing to do ({took:.1f} s)")
    else:
        print(f"{args.db}: seeded in {took:.1f} s")
        for name, count in inserted.items():
            print(f"  inserted {name:<12} {count:>10,}")
    for name, count in table_counts(args.db).items():
        print(f"  total    {name:<12} {count:>10,}")

if __name__ == "__main__":
    main()
