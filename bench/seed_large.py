"""Seed a LoanDesk database with production-sized tables for the page benchmark.

    .venv/bin/python bench/seed_large.py [--db URL] [--customers 200000]

The schema, roles, demo staff/branches/products/channels come from the normal path
(``create_app`` + ``loandesk init``), so the benchmark sees exactly what a firm would have.
On top of that this adds N customers, N applications, N loans (with their full repayment
schedules, ~3.2M installments for N=200k) and one service fee per loan, written with Core
``insert()`` executemany batches: ORM objects one by one would take an hour at this size.

Idempotent: a database that already holds the bench loans is left alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
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
    Customer,
    Installment,
    Loan,
    LoanProduct,
    ServiceFee,
    Staff,
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
    return app


def _engine(url: str):
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # A throw-away bench file: trade durability for a seed that takes a minute, not ten.
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA journal_mode=MEMORY")
            cur.execute("PRAGMA cache_size=-200000")
            cur.close()
    return engine


class Reference:
    """The demo organisation the bench rows are spread over (looked up, never hard-coded ids)."""

    def __init__(self, conn):
        staff = conn.execute(select(Staff.id, Staff.branch_id, Staff.team_id)).all()
        self.owners = [s for s in staff if s.team_id is not None]  # sales staff own records
        self.reviewers = {b: [s.id for s in staff if s.branch_id == b and s.team_id is None]
                          for b in {s.branch_id for s in staff}}
        self.channels = conn.execute(select(Channel.id)).scalars().all()
        methods = conn.execute(
            select(product_method.c.product_id, RepaymentMethodOption.code)
            .join(RepaymentMethodOption, RepaymentMethodOption.id == product_method.c.method_id)
        ).all()
        self.products = []
        for p in conn.execute(select(LoanProduct)).mappings():
            allowed = [m for pid, m in methods if pid == p["id"]] or ["equal_installment"]
            months = [m for m in (3, 6, 12, 24, 36) if p["min_months"] <= m <= p["max_months"]]
            self.products.append({**p, "methods": allowed, "terms": months or [p["min_months"]]})
        if not (self.owners and self.channels and self.products):
            raise SystemExit("demo organisation missing: run `loandesk init` with --demo")
        self.first = {t: (conn.execute(select(func.max(t.id))).scalar() or 0) + 1
                      for t in (Customer, Application, Loan, Installment, ServiceFee)}


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
            "owner_id": c[1], "team_id": c[2], "branch_id": c[3],
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


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {t.__tablename__: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in (Branch, Staff, Customer, Application, Loan, Installment, ServiceFee)}
    engine.dispose()
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=default_url(), help="database URL (default: "
                        "$TEST_DATABASE_URL, $DATABASE_URL or a SQLite file in the temp dir)")
    parser.add_argument("--customers", type=int, default=DEFAULT_N,
                        help="customers = applications = loans to add (default 200000)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    inserted = seed(args.db, args.customers)
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
