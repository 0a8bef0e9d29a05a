"""Time the daily job (``app.loans.job.run_daily``) over ~200,000 active loans (a benchmark,
not a test).

    .venv/bin/python bench/bench_daily.py [--db URL] [--day YYYY-MM-DD] [--customers 200000]
    scripts/with-postgres.sh .venv/bin/python bench/bench_daily.py   # uses $TEST_DATABASE_URL

1. In a child process (its memory is not the job's): seeds the database with
   ``seed_large.py``'s code (``loandesk init`` + 200k customers, applications and loans with
   ~3.2M installments) unless already there, then turns the 200k bench loans into a
   realistic book of active loans for the run day D in bulk SQL (see ``make_book``): every
   one active or overdue, disbursed 1-36 months before D on a repayment day 1-28, ~92%
   current (every installment due before D paid on its due date) and ~8% late with their
   last 1-4 installments due before D unpaid.  Reminders and daily ``job_run`` rows left by
   an earlier run are deleted, so every run starts from the same data (the ~60 demo loans
   are not reset: after a run for a later day, the first run moves a few of them back).
   The schedules are rewritten: give this benchmark its own database.  With repayment days
   1-28, nothing falls due on the 29th-31st: ``--day`` mid-month gives a busier day.
2. Times, in this process (app engine and session as ``flask loandesk daily`` uses them):
   the first run for D; a second run for D with ``force=True``, which must change nothing
   (checksums of the installments' penalty/state/days past due, the loans' states and
   balances and the reminder count, before and after); then, after D's collections (the
   installments of current loans due on D paid on D, ~3% of them not), the run for D+1.

Per run: wall time (and the part spent queuing reminders), loans worked and changed,
reminders queued and cancelled, SQL statements sent, RSS and peak RSS of the process.
Target: each run under 2 minutes.  Exit status 1 when a run misses it or the forced run
changed anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Date, bindparam, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from app import create_app
from bench import results, seed_large
from bench.bench_pages import QueryCounter, peak_rss_mb, rss_mb
from bench.seed_large import DEFAULT_N, LOAN_PREFIX, bench_config

TARGET_S = 120
LATE_PERCENT = 8  # loans with unpaid installments past due on the run day
MISSED_PERCENT = 3  # current loans that don't pay the installment due on the run day
BENCH_LOANS = f"SELECT id FROM loan WHERE number LIKE '{LOAN_PREFIX}%'"


def default_url() -> str:
    """Like seed_large's, but its own SQLite file: this benchmark rewrites the schedules."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url or "sqlite:///" + str(Path(tempfile.gettempdir()) / "loandesk-bench-daily.sqlite")


# -- seeding -----------------------------------------------------------------------------------
def prepare_in_child(url: str, n: int, day: dt.date, late_percent: int, seed: bool) -> None:
    """Seed and make the book in a child process: neither the seed's memory nor SQLite's
    in-memory journal of the rewrite (the seed's pragmas) counts against the job's RSS."""
    command = [sys.executable, __file__, "--prepare-only", "--db", url, "--customers", str(n),
               "--day", day.isoformat(), "--late-percent", str(late_percent)]
    subprocess.run(command + ([] if seed else ["--no-seed"]), check=True)


def prepare_here(url: str, n: int, day: dt.date, late_percent: int, seed: bool) -> None:
    if seed:
        seed_large.main(["--db", url, "--customers", str(n)])
    started = time.perf_counter()
    make_book(url, day, late_percent)
    print(f"{url}: book of active loans for {day} made in {time.perf_counter() - started:.0f} s")


# -- the book ----------------------------------------------------------------------------------
def execute(conn, sql: str, **params):
    """A text() statement whose date parameters are bound as dates on either database."""
    statement = text(sql)
    dates = [bindparam(k, type_=Date()) for k, v in params.items() if isinstance(v, dt.date)]
    return conn.execute(statement.bindparams(*dates) if dates else statement, params)


class Dialect:
    """The two things SQLite and PostgreSQL spell differently.  Every day of the month used
    here is at most 28, so adding months never needs clamping to the month's end."""

    def __init__(self, name: str) -> None:
        self.sqlite = name == "sqlite"

    def add_months(self, day: str, months: str) -> str:
        if self.sqlite:
            return f"date({day}, '+' || ({months}) || ' months')"
        return f"CAST({day} + make_interval(months => {months}) AS DATE)"

    def days(self, later: str, earlier: str) -> str:
        if self.sqlite:
            return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        return f"({later} - {earlier})"

    def start(self) -> str:
        """Day ``d`` of the run day's month, ``j`` months back."""
        if self.sqlite:
            return "date(:month_start, '+' || (d - 1) || ' days', '-' || j || ' months')"
        return "CAST(:month_start + (d - 1) - make_interval(months => j) AS DATE)"


def make_book(url: str, day: dt.date, late_percent: int) -> None:
    """Rewrite the bench loans into the book of active loans the job sees on ``day``.

    Per loan, chosen from its id (the same every time): repayment day ``d`` in 1..28, ``j``
    months elapsed since disbursement in 1..min(months - 1, 35) (at least one installment
    is still to come), so ``k_past`` = j - 1, + 1 when d < day's day of the month,
    installments are due before ``day``; ``late_percent`` of the loans leave their last
    1-4 of those (at most k_past) unpaid.  Then, in bulk UPDATEs:

    * loan: start/disbursement date, first due date, disbursed amount, state active (or
      overdue), no credit, not settled; outstanding principal and days past due from the
      installments;
    * installment: due date = start + n months; before ``day`` either paid on the due date
      (paid_* = the amounts) or overdue (nothing paid, days past due as of ``day``);
      otherwise due; penalties 0 (the job accrues them);
    * application: repaying or overdue, as the job's ``_sync_application`` keeps it;
    * reminders of bench loans and reminders / daily job runs from ``day`` on are deleted.

    Other tables keep seed_large's rows (no repayment rows: the job reads repayment
    allocations only for partly paid principal, which this book has none of).
    """
    engine = seed_large._engine(url)  # SQLite: the seed's pragmas for a bulk rewrite
    sql = Dialect(engine.dialect.name)
    due = sql.add_months("p.start_date", "installment.n")
    paid = "installment.n <= p.k_past - p.missed"
    late = "installment.n <= p.k_past"
    with engine.begin() as conn:
        if not conn.execute(text(f"SELECT COUNT(*) FROM ({BENCH_LOANS}) b")).scalar():
            raise SystemExit(f"{url}: no bench loans ({LOAN_PREFIX}…); run without --no-seed")
        conn.execute(text("DROP TABLE IF EXISTS bench_plan"))
        conn.execute(text("CREATE TEMPORARY TABLE bench_plan (loan_id INTEGER PRIMARY KEY, "
                          "j INTEGER NOT NULL, d INTEGER NOT NULL, missed INTEGER NOT NULL, "
                          "start_date DATE, k_past INTEGER)"))
        execute(conn, f"""
            INSERT INTO bench_plan (loan_id, j, d, missed)
            SELECT id,
                   1 + (CAST(id AS BIGINT) * 7919) % (CASE WHEN months > 36 THEN 35
                        WHEN months > 1 THEN months - 1 ELSE 1 END),
                   1 + (CAST(id AS BIGINT) * 104729) % 28,
                   CASE WHEN (CAST(id AS BIGINT) * 2654435761) % 1000 < :late
                        THEN 1 + (CAST(id AS BIGINT) * 31) % 4 ELSE 0 END
            FROM loan WHERE id IN ({BENCH_LOANS})""", late=late_percent * 10)
        execute(conn, f"UPDATE bench_plan SET start_date = {sql.start()}, "
                "k_past = j - 1 + CASE WHEN d < :dom THEN 1 ELSE 0 END",
                month_start=day.replace(day=1), dom=day.day)
        conn.execute(text("UPDATE bench_plan SET missed = "
                          "CASE WHEN missed < k_past THEN missed ELSE k_past END"))
        stale = ("SELECT id FROM reminder WHERE loan_id IN (SELECT loan_id FROM bench_plan) "
                 "OR scheduled_on >= :day")
        execute(conn, f"DELETE FROM reminder_attempt WHERE reminder_id IN ({stale})", day=day)
        execute(conn, f"DELETE FROM reminder WHERE id IN ({stale})", day=day)
        execute(conn, "DELETE FROM job_run WHERE job = 'daily' AND run_date >= :day", day=day)
        execute(conn, f"""
            UPDATE installment SET
                due_date = {due},
                state = CASE WHEN {paid} THEN 'paid' WHEN {late} THEN 'overdue' ELSE 'due' END,
                paid_principal = CASE WHEN {paid} THEN principal ELSE 0 END,
                paid_interest = CASE WHEN {paid} THEN interest ELSE 0 END,
                paid_fee = CASE WHEN {paid} THEN fee ELSE 0 END,
                penalty = 0, paid_penalty = 0,
                days_past_due = CASE WHEN {paid} THEN 0
                                     WHEN {late} THEN {sql.days(':day', due)} ELSE 0 END,
                paid_on = CASE WHEN {paid} THEN {due} ELSE NULL END
            FROM bench_plan p WHERE p.loan_id = installment.loan_id""", day=day)
        conn.execute(text(f"""
            UPDATE loan SET
                start_date = p.start_date, disbursed_on = p.start_date,
                first_due_date = {sql.add_months('p.start_date', '1')},
                disbursed_amount = loan.principal,
                funder_reference = COALESCE(loan.funder_reference, 'FR' || loan.number),
                state = CASE WHEN p.missed > 0 THEN 'overdue' ELSE 'active' END,
                customer_credit = 0, settled_on = NULL
            FROM bench_plan p WHERE p.loan_id = loan.id"""))
        conn.execute(text("""
            UPDATE loan SET outstanding_principal = t.owed, days_past_due = t.dpd
            FROM (SELECT i.loan_id, SUM(i.principal - i.paid_principal) AS owed,
                         MAX(i.days_past_due) AS dpd
                  FROM installment i JOIN bench_plan p ON p.loan_id = i.loan_id
                  GROUP BY i.loan_id) t
            WHERE t.loan_id = loan.id"""))
        conn.execute(text("""
            UPDATE application SET state = CASE WHEN loan.state = 'overdue' THEN 'overdue'
                                                ELSE 'repaying' END
            FROM loan JOIN bench_plan p ON p.loan_id = loan.id
            WHERE loan.application_id = application.id"""))
        conn.execute(text("DROP TABLE bench_plan"))
    analyze(engine)
    engine.dispose()


def analyze(engine) -> None:
    """Fresh planner statistics (and, on PostgreSQL, the dead rows of the rewrite vacuumed)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            for table in ("installment", "loan", "application", "reminder", "job_run"):
                conn.execute(text(f"VACUUM ANALYZE {table}"))
        else:
            conn.execute(text("ANALYZE"))


def book_summary(db, day: dt.date) -> dict:
    """What the job is about to work on: loans by state, the bench loans, installments."""
    loans = dict(execute(db.session, "SELECT state, COUNT(*) FROM loan GROUP BY state").all())
    bench = execute(db.session, f"""
        SELECT COUNT(*), SUM(CASE WHEN state = 'overdue' THEN 1 ELSE 0 END),
               MIN(disbursed_on), MAX(disbursed_on)
        FROM loan WHERE id IN ({BENCH_LOANS})""").one()
    installments = execute(db.session, """
        SELECT COUNT(*), SUM(CASE WHEN state = 'overdue' THEN 1 ELSE 0 END),
               SUM(CASE WHEN state = 'paid' THEN 1 ELSE 0 END),
               SUM(CASE WHEN due_date = :day AND state = 'due' THEN 1 ELSE 0 END)
        FROM installment""", day=day).one()
    db.session.rollback()
    return {"loans": loans, "bench": bench[0], "bench_late": bench[1],
            "disbursed": (bench[2], bench[3]), "installments": installments[0],
            "overdue_installments": installments[1], "paid_installments": installments[2],
            "due_today": installments[3]}


def collect(db, day: dt.date) -> int:
    """The day's collections: current bench loans pay the installment due on ``day``, on
    ``day``, except MISSED_PERCENT of them (tomorrow's new delinquencies)."""
    paid = execute(db.session, f"""
        UPDATE installment SET state = 'paid', paid_principal = principal,
               paid_interest = interest, paid_fee = fee, paid_on = :day
        WHERE due_date = :day AND state = 'due' AND loan_id IN (
            SELECT id FROM loan WHERE id IN ({BENCH_LOANS}) AND state = 'active'
            AND (CAST(id AS BIGINT) * 40503) % 1000 >= :missed)""",
                   day=day, missed=MISSED_PERCENT * 10).rowcount
    execute(db.session, """
        UPDATE loan SET outstanding_principal = (
            SELECT SUM(principal - paid_principal) FROM installment
            WHERE installment.loan_id = loan.id)
        WHERE id IN (SELECT loan_id FROM installment WHERE due_date = :day
                     AND state = 'paid' AND paid_on = :day)""", day=day)
    db.session.commit()
    return paid


# -- measuring ---------------------------------------------------------------------------------
STATE_CODE = ("CASE state WHEN 'due' THEN 1 WHEN 'partial' THEN 2 WHEN 'paid' THEN 3 "
              "WHEN 'overdue' THEN 4 WHEN 'written_off' THEN 5 ELSE 6 END")


def checksum(db) -> tuple:
    """What the job writes, summed so that any change to a row shows: the installments'
    penalty, state and days past due (each also weighted by the row id), the loans' state,
    days past due and outstanding principal, and the reminders."""
    cents = "CAST(ROUND(penalty * 100) AS BIGINT)"
    installments = execute(db.session, f"""
        SELECT COUNT(*), SUM({cents}), SUM(CAST(id % 997 AS BIGINT) * {cents}),
               SUM(days_past_due), SUM(CAST(id AS BIGINT) * days_past_due),
               SUM(CAST(id AS BIGINT) * {STATE_CODE})
        FROM installment""").one()
    loans = execute(db.session, """
        SELECT SUM(days_past_due), SUM(CASE WHEN state = 'overdue' THEN id ELSE 0 END),
               SUM(CAST(ROUND(outstanding_principal * 100) AS BIGINT))
        FROM loan""").one()
    reminders = execute(db.session, "SELECT COUNT(*), SUM(CASE WHEN state = 'queued' "
                        "THEN 1 ELSE 0 END) FROM reminder").one()
    db.session.rollback()
    return tuple(installments) + tuple(loans) + tuple(reminders)


def timed_run(app, counter: QueryCounter, day: dt.date, force: bool, batch_size: int,
              label: str) -> dict:
    """One run_daily in its own app context, as ``flask loandesk daily`` does it.  The
    reminder step is timed by wrapping the job module's ``queue_reminders``."""
    from app.extensions import db
    from app.loans import job

    queue, spent = job.queue_reminders, [0.0]

    def timed_queue(*args, **kwargs):
        start = time.perf_counter()
        try:
            return queue(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    job.queue_reminders = timed_queue
    peak_before = peak_rss_mb()
    try:
        with app.app_context():
            counter.reset()
            start = time.perf_counter()
            stats = job.run_daily(day, force=force, batch_size=batch_size)
            wall = time.perf_counter() - start
            statements = counter.count + counter.permission_checks
            db.session.remove()
    finally:
        job.queue_reminders = queue
    return {"label": label, "wall": wall, "reminders_s": spent[0], "stats": stats,
            "sql": statements, "rss": rss_mb(), "peak": peak_rss_mb(),
            "peak_growth": peak_rss_mb() - peak_before}


def report(url: str, day: dt.date, batch_size: int, book: dict, runs: list[dict],
           same: bool, collected: int, baseline: float) -> int:
    """Print the results; returns how many targets were missed."""
    loans = book["loans"]
    open_loans = loans.get("active", 0) + loans.get("overdue", 0)
    print(f"\nLoanDesk daily job on {url.split('@')[-1]}, run day {day} "
          f"(batch size {batch_size})")
    print(f"book: {book['bench']:,} bench loans active on {day} (disbursed "
          f"{book['disbursed'][0]} … {book['disbursed'][1]}), {book['bench_late']:,} "
          f"({100 * book['bench_late'] / book['bench']:.1f}%) of them late with 1-4 unpaid "
          f"installments; {open_loans:,} of {sum(loans.values()):,} loans active/overdue "
          f"in all; installments {book['installments']:,} ({book['paid_installments']:,} "
          f"paid, {book['overdue_installments']:,} overdue, {book['due_today']:,} due on "
          f"{day})")
    print(f"\n{'run':<24} {'wall s':>7} {'remind s':>8} {'worked':>7} {'changed':>8} "
          f"{'queued':>7} {'cancel':>7} {'SQL':>7} {'RSS MB':>7} {'peak MB':>8}  verdict")
    misses = 0
    for r in runs:
        s = r["stats"]
        ok = r["wall"] < TARGET_S
        misses += not ok
        print(f"{r['label']:<24} {r['wall']:>7.1f} {r['reminders_s']:>8.1f} "
              f"{s.get('loans_worked', 0):>7,} {s.get('loans_changed', 0):>8,} "
              f"{s.get('reminders_queued', 0):>7,} {s.get('reminders_cancelled', 0):>7,} "
              f"{r['sql']:>7,} {r['rss']:>7.0f} {r['peak']:>8.0f}  "
              f"{'PASS' if ok else 'FAIL SLOW'}")
    print("wall s: run_daily, of which remind s queuing reminders; worked/changed: loans; "
          "queued/cancel: reminders; SQL: statements sent; RSS / peak: after the run.")
    print(f"\nforced rerun of {day}: "
          + ("changed nothing (installment, loan and reminder checksums equal)" if same
             else "CHANGED DATA (checksums differ)"))
    print(f"collections on {day} before the run of {day + dt.timedelta(days=1)}: "
          f"{collected:,} installments paid")
    print(f"RSS after start-up: {baseline:.0f} MB; peak RSS of the process (ru_maxrss): "
          f"{peak_rss_mb():.0f} MB.  Target: each run under {TARGET_S} s.")
    return misses + (not same)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=default_url(), help="database URL (default: "
                        "$TEST_DATABASE_URL, $DATABASE_URL or a SQLite file in the temp dir)")
    parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="the run day D (default: today)")
    parser.add_argument("--customers", type=int, default=DEFAULT_N,
                        help="bench size to seed when the database lacks it")
    parser.add_argument("--late-percent", type=int, default=LATE_PERCENT,
                        help=f"loans late on D (default {LATE_PERCENT})")
    parser.add_argument("--batch-size", type=int, default=500, help="run_daily's batch_size")
    parser.add_argument("--no-seed", action="store_true",
                        help="use the database's rows as they are (no init, no seed)")
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    results.add_option(parser)
    args = parser.parse_args(argv)
    book_args = (args.db, args.customers, args.day, args.late_percent, not args.no_seed)
    if args.prepare_only:
        prepare_here(*book_args)
        return 0
    prepare_in_child(*book_args)
    app = create_app(bench_config(args.db))
    from app.extensions import db

    with app.app_context():
        counter = QueryCounter(db.engine)
        book = book_summary(db, args.day)
    baseline = rss_mb()
    runs = [timed_run(app, counter, args.day, False, args.batch_size, f"first run {args.day}")]
    with app.app_context():
        before = checksum(db)
    runs.append(timed_run(app, counter, args.day, True, args.batch_size, "forced rerun"))
    with app.app_context():
        same = checksum(db) == before and not runs[-1]["stats"].get("reminders_queued")
        collected = collect(db, args.day)
    next_day = args.day + dt.timedelta(days=1)
    runs.append(timed_run(app, counter, next_day, False, args.batch_size,
                          f"next day {next_day}"))
    misses = report(args.db, args.day, args.batch_size, book, runs, same, collected, baseline)
    size = f"{book['bench'] // 1000}k active loans"
    labels = ("first run of day D", "forced rerun of D", "next day D+1")
    rows = [results.row(f"daily job: {label} (one run)", size, r["wall"] * 1000,
                        r["wall"] * 1000, TARGET_S * 1000, r["wall"] < TARGET_S)
            for label, r in zip(labels, runs, strict=True)]
    rows.append(results.row("daily job: forced rerun changes nothing", size, None, None, None,
                            same))
    results.write(args.results_json, "daily", results.database_kind(args.db), rows)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
