"""Time the reports and the dashboard on 1,000,000 applications and 500,000 loans (a
benchmark, not a test).

    .venv/bin/python bench/bench_reports.py [--db URL] [--samples 5] [--only NAME]
    scripts/with-postgres.sh .venv/bin/python bench/bench_reports.py   # uses $TEST_DATABASE_URL

1. In a child process (its memory is not ours): ``seed_large.py --applications 1000000
   --loans 500000`` — ``loandesk init`` (syncs permissions with the code), then the
   reports-sized book unless the database already holds it (SQLite: its own file,
   $TMPDIR/loandesk-bench-reports.sqlite, seeded once and reused).
2. Logged in through Flask's test client (session cookie, as the browser's dashboard calls
   the API) as ``admin`` (sees every branch) and as ``manager`` (one branch of five), it GETs
   ``/api/v1/dashboard`` with its default range (this month) and with the last three months,
   and ``/api/v1/reports/<name>`` for every report with its default range grouped by month,
   plus group=branch and group=channel for applications, loans and repayments (admin; the
   manager gets the default of each).  One warm-up, then N timed requests each.

Per operation: status, data size (applications / loans the user can see), result rows, SQL
statements, p50 / p95, the target (dashboard 500 ms, report 1 s: the issue's targets, set for
PostgreSQL) and the verdict.  For every operation over its target on PostgreSQL, or over
2 s on SQLite, each of its data statements is run again on its own (timed, rows fetched);
the slowest are listed, and the plans of the slowest (those taking a fifth of the time or
more, at most three, each statement once) shown: ``EXPLAIN (ANALYZE, BUFFERS)`` on
PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite.  A request that fails prints the server-side
traceback.

Exit status 1 when a request fails, or on PostgreSQL when an operation misses its target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from app import create_app
from bench import results
from bench.bench_pages import peak_rss_mb, percentile, rss_mb
from bench.seed_large import APP_PREFIX, DEMO_PASSWORD, bench_config

APPLICATIONS, LOANS = 1_000_000, 500_000
DASHBOARD_MS, REPORT_MS = 500, 1000  # the targets, on PostgreSQL
SQLITE_LOOK_MS = 2000  # on SQLite, slower than this gets its plan looked at
USERS = ("admin", "manager")
GROUPED = ("applications", "loans", "repayments")  # also timed by branch and by channel
PLANS_PER_OP = 3  # plans shown per slow operation, at most
FAB_SQL = re.compile(r"\bab_(user|role|permission|view_menu)")  # login / permission lookups


def default_url() -> str:
    """$TEST_DATABASE_URL / $DATABASE_URL, else this benchmark's own SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url or "sqlite:///" + str(Path(tempfile.gettempdir())
                                      / "loandesk-bench-reports.sqlite")


def prepare_database(url: str, applications: int, loans: int) -> float:
    """seed_large.py in a child process; returns its wall time (seconds)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(Path(__file__).with_name("seed_large.py")),
                    "--db", url, "--applications", str(applications), "--loans", str(loans)],
                   check=True)
    return time.perf_counter() - started


class Statements:
    """Records the statements the app's engine sends while ``recording`` (for re-running
    the slowest), and the server-side tracebacks FAB's @safe logs for a 500."""

    def __init__(self, engine) -> None:
        self.recording, self.sent = False, []
        event.listen(engine, "before_cursor_execute", self._on_execute)
        self.errors: list[str] = []
        handler = logging.Handler()
        handler.emit = self._on_log
        logging.getLogger("flask_appbuilder.api").addHandler(handler)

    def _on_execute(self, _conn, _cursor, statement, parameters, _context, executemany):
        if self.recording and not executemany and not FAB_SQL.search(statement):
            self.sent.append((statement, parameters))

    def _on_log(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.errors.append("".join(traceback.format_exception(*record.exc_info)))


class Bench:
    def __init__(self, app, samples: int, postgres: bool) -> None:
        from app.extensions import db

        self.app, self.samples, self.postgres = app, samples, postgres
        with app.app_context():
            self.engine = db.engine
        self.statements = Statements(self.engine)
        self.rows: list[dict] = []
        self.clients: dict = {}

    def login(self, user: str) -> None:
        client = self.app.test_client()
        client.post("/login/", data={"username": user, "password": DEMO_PASSWORD})
        # A refused login answers 200 too (the form again): check with a cheap API call.
        check = client.get("/api/v1/reports/rejections?from=2000-01-01&to=2000-01-01")
        if check.status_code != 200:
            raise SystemExit(f"login as {user} failed (API answered {check.status_code})")
        self.clients[user] = client

    def get(self, user: str, label: str, url: str, target: int, size: str) -> None:
        client, stm = self.clients[user], self.statements
        stm.errors.clear()
        response = client.get(url)  # warm-up
        times = []
        if response.status_code == 200:
            for n in range(self.samples):
                stm.recording, stm.sent = n == self.samples - 1, []
                start = time.perf_counter()
                response = client.get(url)
                response.get_data()
                times.append((time.perf_counter() - start) * 1000)
                stm.recording = False
        body = response.get_json(silent=True) or {}
        rows = len(body.get("rows") or body.get("trend") or [])
        self.rows.append({
            "op": label, "user": user, "url": url, "size": size, "status": response.status_code,
            "rows": rows, "sql": len(stm.sent), "statements": list(stm.sent),
            "p50": statistics.median(times) if times else None,
            "p95": percentile(times, 95) if times else None, "target": target,
            "error": (stm.errors[0] if stm.errors else str(body)[:2000])
            if response.status_code != 200 else None})

    # -- the slow ones ---------------------------------------------------------------------
    def over(self, row) -> bool:
        if row["p95"] is None:
            return False
        return row["p95"] > (row["target"] if self.postgres else SQLITE_LOOK_MS)

    def timed_statements(self, statements) -> list[tuple[float, str, object, int]]:
        """Each data statement run again on its own, every row fetched: (ms, statement,
        parameters, rows), slowest first."""
        timed = []
        raw = self.engine.raw_connection()
        try:
            for statement, params in statements:
                cur = raw.cursor()
                start = time.perf_counter()
                cur.execute(statement, params)
                fetched = len(cur.fetchall()) if cur.description else 0  # SET: none
                timed.append(((time.perf_counter() - start) * 1000, statement, params, fetched))
                cur.close()
            raw.rollback()
        finally:
            raw.close()
        return sorted(timed, key=lambda t: -t[0])

    def plan(self, statement: str, params) -> str:
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            if self.postgres:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                lines = [r[0] for r in cur.fetchall()]
            else:
                cur.execute("EXPLAIN QUERY PLAN " + statement, params)
                depth, lines = {0: -1}, []
                for node, parent, _unused, detail in cur.fetchall():
                    depth[node] = depth.get(parent, -1) + 1
                    lines.append("  " * depth[node] + detail)
            raw.rollback()
            return "\n".join(lines)
        finally:
            raw.close()


def data_sizes(app) -> dict[str, str]:
    """What each user can see: applications and loans (all; the manager's branch)."""
    from app.extensions import db

    with app.app_context():
        def count(table, where=""):
            return db.session.scalar(text(f"SELECT COUNT(*) FROM {table} {where}"))

        branch = db.session.scalar(text(
            "SELECT s.branch_id FROM staff s JOIN ab_user u ON u.id = s.user_id "
            "WHERE u.username = 'manager'"))
        scoped = f"WHERE branch_id = {int(branch)}"
        sizes = {"admin": (count("application"), count("loan")),
                 "manager": (count("application", scoped), count("loan", scoped))}
        db.session.remove()
    return {user: f"{short(a)} app / {short(n)} loan" for user, (a, n) in sizes.items()}


def code_version() -> str:
    """The commit measured, and whether app/ had uncommitted changes (reports in progress)."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "app", "migrations"], cwd=root,
                               text=True, capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    return head + (" + uncommitted changes in app/ or migrations/" if dirty else "")


def short(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.2f}M"
    return f"{n / 1000:.0f}k" if n >= 10_000 else f"{n:,}"


def operations(user: str, today: dt.date) -> list[tuple[str, str, int]]:
    """(label, url, target ms) for one user."""
    from app.reports.definitions import REPORTS
    from app.reports.filters import month_start

    three = f"from={month_start(today, 2).isoformat()}&to={today.isoformat()}"
    ops = [("dashboard (this month)", "/api/v1/dashboard", DASHBOARD_MS),
           ("dashboard (3 months)", f"/api/v1/dashboard?{three}", DASHBOARD_MS)]
    for name, report in REPORTS.items():
        label = f"{name} ({report.default_range}, by month)" if report.groups \
            else f"{name} ({report.default_range})"
        ops.append((label, f"/api/v1/reports/{name}?group=month", REPORT_MS))
    if user == "admin":
        for name in GROUPED:
            for group in ("branch", "channel"):
                ops.append((f"{name} (month, by {group})",
                            f"/api/v1/reports/{name}?group={group}", REPORT_MS))
    return ops


def report(bench: Bench, url: str, seed_s: float, baseline: float, wall: float,
           load: tuple, code: str) -> int:
    """Print the table, the failures and the plans of the slow ones; returns the misses."""
    db_name = "PostgreSQL" if bench.postgres else "SQLite"
    width = max(len(r["op"]) for r in bench.rows)
    print(f"\nLoanDesk reports benchmark on {db_name} ({url.split('@')[-1]}), "
          f"{bench.samples} timed requests each after one warm-up; app code {code}")
    header = (f"{'operation':<{width}} {'user':<7} {'data size':<22} {'rows':>4} {'SQL':>4} "
              f"{'p50 ms':>8} {'p95 ms':>8} {'target':>7}  verdict")
    print(header)
    print("-" * len(header))
    misses = errors = 0
    for r in bench.rows:
        if r["status"] != 200:
            verdict = f"ERROR {r['status']}"
            errors += 1
        elif r["p95"] <= r["target"]:
            verdict = "PASS"
        else:
            verdict = "FAIL"
            misses += 1
        if not bench.postgres and r["p95"] is not None and r["p95"] > SQLITE_LOOK_MS:
            verdict += f" (> {SQLITE_LOOK_MS / 1000:.0f} s)"
        p50 = f"{r['p50']:8.0f}" if r["p50"] is not None else f"{'-':>8}"
        p95 = f"{r['p95']:8.0f}" if r["p95"] is not None else f"{'-':>8}"
        print(f"{r['op']:<{width}} {r['user']:<7} {r['size']:<22} {r['rows']:>4} {r['sql']:>4} "
              f"{p50} {p95} {r['target']:>5}ms  {verdict}")
    print(f"\nTargets (the issue's, for PostgreSQL): dashboard {DASHBOARD_MS} ms, each report "
          f"{REPORT_MS} ms, on p95.  rows: rows in the answer (dashboard: trend months); "
          "SQL: data statements per request (FAB's user and permission lookups left out).")
    print(f"Seed step (child process: loandesk init + seed or reuse): {seed_s:.0f} s; "
          f"benchmark wall time: {wall:.0f} s.")
    print(f"RSS after start-up and login: {baseline:.0f} MB; peak RSS of this process "
          f"(ru_maxrss): {peak_rss_mb():.0f} MB.  Load average (1 min) before / after: "
          f"{load[0]:.2f} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (anything else "
          "running skews the timings).")
    for r in bench.rows:
        if r["status"] != 200:
            print(f"\n== {r['op']} as {r['user']}: {r['url']} answered {r['status']}\n"
                  f"{r['error']}")
    explained: dict[tuple, str] = {}
    for r in (r for r in bench.rows if bench.over(r)):
        timed = bench.timed_statements(r["statements"])
        total = sum(t[0] for t in timed)
        print(f"\n== slow: {r['op']} as {r['user']} (p95 {r['p95']:.0f} ms); its {len(timed)} "
              f"data statements run alone take {total:.0f} ms, the slowest:")
        for took, statement, _params, fetched in timed[:PLANS_PER_OP + 2]:
            print(f"   {took:6.0f} ms {fetched:>4} rows  {' '.join(statement.split())[:110]}")
        # Plans of the slowest (those over a fifth of the total), each statement once.
        for n, (took, statement, params, _fetched) in enumerate(timed[:PLANS_PER_OP]):
            if n and took < total / 5:
                break
            key = (statement, repr(params))
            if key in explained:
                print(f"\n-- {took:.0f} ms: plan shown above ({explained[key]})")
                continue
            explained[key] = f"{r['op']} as {r['user']}"
            print(f"\n-- {took:.0f} ms:\n{statement}\n-- parameters: {params!r}\n-- plan:\n"
                  f"{bench.plan(statement, params)}")
    return errors + (misses if bench.postgres else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=default_url(), help="database URL (default: "
                        "$TEST_DATABASE_URL, $DATABASE_URL or this benchmark's SQLite file)")
    parser.add_argument("--samples", type=int, default=5, help="timed requests per operation")
    parser.add_argument("--applications", type=int, default=APPLICATIONS)
    parser.add_argument("--loans", type=int, default=LOANS)
    parser.add_argument("--no-seed", action="store_true",
                        help="use the database as it is (no init, no seed)")
    parser.add_argument("--only", default="", help="only operations whose label contains this")
    parser.add_argument("--users", default=",".join(USERS), help="comma-separated logins")
    results.add_option(parser)
    args = parser.parse_args(argv)
    seed_s = 0.0 if args.no_seed else prepare_database(args.db, args.applications, args.loans)
    code = code_version()  # before create_app loads the reports: the code measured
    app = create_app(bench_config(args.db))
    started, load = time.perf_counter(), os.getloadavg()
    with app.app_context():
        from app.extensions import db
        from app.loans import business_today

        postgres = db.engine.dialect.name == "postgresql"
        if not db.session.scalar(text("SELECT COUNT(*) FROM application WHERE number LIKE "
                                      f"'{APP_PREFIX}%'")):
            raise SystemExit(f"{args.db}: no bench applications; run without --no-seed")
        today = business_today()
        db.session.remove()
    bench = Bench(app, args.samples, postgres)
    sizes = data_sizes(app)
    users = [u.strip() for u in args.users.split(",") if u.strip()]
    for user in users:
        bench.login(user)
    baseline = rss_mb()
    for user in users:
        for label, url, target in operations(user, today):
            if args.only in label:
                bench.get(user, label, url, target, sizes.get(user, "?"))
                row = bench.rows[-1]
                print(f"  {label:<40} {user:<8} {row['status']} p50 "
                      f"{row['p50'] or 0:7.0f} ms  p95 {row['p95'] or 0:7.0f} ms", flush=True)
    wall = time.perf_counter() - started
    misses = report(bench, args.db, seed_s, baseline, wall, load, code)
    results.write(args.results_json, "reports", "PostgreSQL" if postgres else "SQLite", [
        results.row(f"report {r['op']} [{r['user']}]"
                    + ("" if r["status"] == 200 else f" [ERROR {r['status']}]"),
                    r["size"], r["p50"], r["p95"], r["target"],
                    r["status"] == 200 and r["p95"] is not None and r["p95"] <= r["target"],
                    enforced=postgres or r["status"] != 200,
                    key=f"report {r['op']} [{r['user']}]") for r in bench.rows])
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
