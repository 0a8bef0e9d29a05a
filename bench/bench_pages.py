"""Time every LoanDesk page on a production-sized database (a benchmark, not a test).

    .venv/bin/python bench/bench_pages.py [--db URL] [--samples 5] [--only customer]
    scripts/with-postgres.sh .venv/bin/python bench/bench_pages.py   # uses $TEST_DATABASE_URL

First runs bench/seed_large.py in a child process (``loandesk init``, which syncs
permissions with the code, then the bulk seed unless already there). Then, logged in as
admin through Flask's test client, it GETs for every LoanDesk ModelView: the list, list page 100, the show
page of a row in the middle of the table, and the add/edit forms the view allows; plus the
customer lookup, a filtered CSV export (time to first chunk), the full customer CSV export
(streamed, peak RSS while streaming) and a few REST API calls with a JWT.

Per URL: status, p50/p95 of N samples after one warm-up, response size, SQL statements per
request and how much the process' peak RSS grew. Targets: 300 ms, 300 KB of HTML, and a
worker under 250 MB resident.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from app import create_app
from bench import results
from bench.seed_large import (
    DEFAULT_N,
    DEMO_PASSWORD,
    bench_config,
    default_url,
)

TARGET_MS = 300
MAX_KB = 300
MAX_RSS_MB = 250
QUERY_WARN = 15  # more data statements than this for one page smells of N+1 lazy loads


def rss_mb() -> float:
    """Current resident set size (Linux /proc), to see a single request's footprint."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def prepare_database(url: str, n: int) -> None:
    """Run seed_large.py in a child process, so seeding memory doesn't count against ours.

    Always, not only when rows are missing: it runs ``loandesk init`` first, which syncs
    permissions and roles with the code being measured (a stale DB answers 403), and skips
    the bulk insert when the bench rows are already there.
    """
    subprocess.run([sys.executable, str(Path(__file__).with_name("seed_large.py")),
                    "--db", url, "--customers", str(n)], check=True)


class QueryCounter:
    """Counts SQL statements sent by the app's engine (a per-request N+1 detector).

    FAB checks each menu entry's permission with its own EXISTS query (~50 a page, ~0.1 ms
    each); those are counted apart so the data queries of the view itself stand out.
    """

    PERMISSION_SQL = ("SELECT EXISTS (SELECT 1 FROM ab_permission_view",
                      # app/security.py: the roles' permissions, read once per request
                      "SELECT ab_view_menu.name, ab_permission.name")

    def __init__(self, engine):
        self.count = self.permission_checks = 0
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def reset(self) -> None:
        self.count = self.permission_checks = 0

    def _on_execute(self, _conn, _cursor, statement, *_args) -> None:
        if " ".join(statement[:80].split()).startswith(self.PERMISSION_SQL):
            self.permission_checks += 1
        else:
            self.count += 1


class Bench:
    def __init__(self, app, samples: int):
        self.app, self.samples, self.rows = app, samples, []
        self.client = app.test_client()
        from app.extensions import db

        with app.app_context():
            self.counter = QueryCounter(db.engine)
        self.baseline = 0.0

    def get(self, url: str, label: str | None = None, headers: dict | None = None,
            optional: bool = False) -> None:
        """One warm-up, then N timed GETs; records status, timings, size, queries, RSS.

        ``optional``: a 404 on the warm-up means the view doesn't offer this form (a
        permission like can_write covers add and edit, but e.g. repayments are never
        edited), so nothing is recorded.
        """
        peak_before, times = peak_rss_mb(), []  # before the warm-up: it allocates the most
        if self.client.get(url, headers=headers).status_code == 404 and optional:
            return
        for _ in range(self.samples):
            self.counter.reset()
            start = time.perf_counter()
            response = self.client.get(url, headers=headers)
            body = response.get_data()
            times.append((time.perf_counter() - start) * 1000)
            queries, perms = self.counter.count, self.counter.permission_checks
        self.rows.append({"url": label or url, "status": response.status_code,
                              "p50": statistics.median(times), "p95": percentile(times, 95),
                              "kb": len(body) / 1024, "queries": queries, "perms": perms,
                              "rss_jump": peak_rss_mb() - peak_before,
                              "html": response.mimetype == "text/html"})

    def stream(self, url: str, full: bool) -> None:
        """A streamed response: time to the first chunk; with ``full``, drain it all too."""
        times, total_ms, size, peak_before = [], 0.0, 0, peak_rss_mb()
        rss_start = rss_mb()
        for _ in range(1 if full else self.samples + 1):
            self.counter.reset()
            start = time.perf_counter()
            response = self.client.get(url, buffered=False)
            chunks = iter(response.response)
            size = len(next(chunks, b""))
            times.append((time.perf_counter() - start) * 1000)
            if full:
                rss_high = rss_start
                for n, chunk in enumerate(chunks):
                    size += len(chunk)
                    if n % 50 == 0:
                        rss_high = max(rss_high, rss_mb())
                total_ms = (time.perf_counter() - start) * 1000
            response.close()
        times = times if full else times[1:]  # the first request of a non-full run warms up
        label = f"{url} (first chunk)"
        if full:
            label = (f"{url} (whole: {total_ms / 1000:.1f} s, {self.counter.count} SQL, "
                     f"RSS {rss_start:.0f}→{rss_high:.0f} MB while streaming)")
        self.rows.append({"url": label, "status": response.status_code,
                              "p50": statistics.median(times), "p95": percentile(times, 95),
                              "kb": size / 1024, "queries": self.counter.count,
                          "perms": self.counter.permission_checks,
                              "rss_jump": peak_rss_mb() - peak_before, "html": False})


# _flt_<n>_<column>: n is the index in FAB's filter list for the column type (text: 0 starts
# with, 3 equal; date: 1 greater than).
FILTERED_LISTS = [
    "/customerview/list/?_flt_0_name=" + quote("王"),
    "/customerview/list/?_flt_0_phone=1660012",
    "/customerview/list/?_flt_3_status=blacklisted",
    "/applicationview/list/?_flt_3_state=under_review",
    "/loanview/list/?_flt_3_state=overdue",
    "/loanview/list/?_flt_0_number=BL00123",
    "/installmentview/list/?_flt_3_state=overdue",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def loandesk_model_views(app) -> list:
    from flask_appbuilder import ModelView

    return [v for v in app.appbuilder.baseviews
            if isinstance(v, ModelView) and type(v).__module__.startswith("app.")]


def allows(view, method: str) -> bool:
    """Whether the view exposes ``method``: FAB's can_<method>, or the permission the view
    maps it to through ``method_permission_name`` (e.g. show → can_read, edit → can_write)."""
    permission = (view.method_permission_name or {}).get(method, method)
    return f"can_{permission}" in (view.base_permissions or [])


def middle_pk(app, model) -> int | None:
    """The primary key half-way through the table (offset, so gaps don't matter)."""
    from app.extensions import db

    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(model))
        if not total:
            return None
        return db.session.scalar(select(model.id).order_by(model.id).offset(total // 2).limit(1))


def run(app, args) -> Bench:
    bench = Bench(app, args.samples)
    login = bench.client.post("/login/", data={"username": args.user,
                                               "password": DEMO_PASSWORD})
    if login.status_code not in (200, 302):
        raise SystemExit(f"login failed: {login.status_code}")
    bench.baseline = rss_mb()
    wanted = (lambda url: args.only in url.lower()) if args.only else (lambda url: True)
    for view in loandesk_model_views(app):
        name, base = type(view).__name__, view.route_base
        if not wanted(base):
            continue
        bench.get(f"{base}/list/")
        bench.get(f"{base}/list/?page_{name}=100")
        pk = middle_pk(app, view.datamodel.obj)
        if pk is not None and allows(view, "show"):
            bench.get(f"{base}/show/{pk}")
        if allows(view, "add"):
            bench.get(f"{base}/add", optional=True)
        if pk is not None and allows(view, "edit"):
            bench.get(f"{base}/edit/{pk}", optional=True)
    # Filtered lists: FAB counts the filtered rows for the pager, so an unindexed filter
    # (or one the database can't use an index for) scans the whole table on every page.
    for url in FILTERED_LISTS:
        if wanted(url):
            bench.get(url)
    if wanted("/lookup/customer"):
        bench.get("/lookup/customer?q=" + quote("王"))
        # A prefix nothing matches: the worst case, every row is checked before giving up.
        bench.get("/lookup/customer?q=" + quote("无此客户"))
        bench.get("/lookup/loan?q=BL0010")
    if wanted("/customerview/csv"):
        # Every export must state its purpose (it's audited); without one the page asks.
        bench.stream("/customerview/csv?purpose=bench&_flt_0_name=" + quote("王"), full=False)
        bench.stream("/customerview/csv?purpose=bench", full=True)
    if wanted("/api/v1"):
        api_calls(app, bench)
    return bench


def api_calls(app, bench: Bench) -> None:
    from app.models import Loan

    token = bench.client.post("/api/v1/security/login", json={
        "username": "admin", "password": DEMO_PASSWORD, "provider": "db"}).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    overdue = quote("(filters:!((col:state,opr:eq,value:overdue)),page:10,page_size:25)")
    bench.get("/api/v1/customers/", headers=headers)
    bench.get("/api/v1/customers/?q=" + quote("(page:100,page_size:25)"), headers=headers)
    bench.get(f"/api/v1/loans/?q={overdue}", headers=headers,
              label="/api/v1/loans/?q=(filters:state=overdue,page:10)")
    bench.get(f"/api/v1/loans/{middle_pk(app, Loan)}", headers=headers)


def report(bench: Bench, url: str, baseline: float) -> int:
    """Print the table; returns how many rows miss a target."""
    if not bench.rows:
        print("no URL matched")
        return 1
    width = max(len(r["url"]) for r in bench.rows)
    print(f"\nLoanDesk page benchmark on {url.split('@')[-1]}  "
          f"({bench.samples} samples per URL after one warm-up)")
    print(f"{'url':<{width}} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'KB':>8} "
          f"{'SQL':>5} {'perm':>5} {'+RSS MB':>8}  verdict")
    misses = 0
    for r in bench.rows:
        why = []
        if r["status"] >= 400:
            why.append("ERROR")
        if r["p95"] >= TARGET_MS:
            why.append("SLOW")
        if r["html"] and r["kb"] > MAX_KB:
            why.append("HUGE")
        if r["queries"] > QUERY_WARN and "whole" not in r["url"]:
            why.append("N+1?")
        if r["rss_jump"] > 20:
            why.append("MEMORY")
        misses += bool(why)
        r["why"] = why
        print(f"{r['url']:<{width}} {r['status']:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} "
              f"{r['kb']:>8.1f} {r['queries']:>5} {r['perms']:>5} {r['rss_jump']:>8.1f}  "
              f"{'PASS' if not why else 'FAIL ' + ','.join(why)}")
    peak = peak_rss_mb()
    print(f"\n{len(bench.rows) - misses}/{len(bench.rows)} URLs within targets "
          f"(p95 < {TARGET_MS} ms, HTML ≤ {MAX_KB} KB, ≤ {QUERY_WARN} data SQL, "
          "no RSS jump). SQL = data statements per request, perm = FAB permission checks.")
    print(f"RSS after start-up and login: {baseline:.0f} MB; peak RSS "
          f"(getrusage ru_maxrss): {peak:.0f} MB "
          f"{'OVER' if peak > MAX_RSS_MB else 'within'} the {MAX_RSS_MB} MB budget")
    return misses + (peak > MAX_RSS_MB)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=default_url(), help="database URL (default: "
                        "$TEST_DATABASE_URL, $DATABASE_URL or a SQLite file in the temp dir)")
    parser.add_argument("--samples", type=int, default=5, help="timed GETs per URL")
    parser.add_argument("--customers", type=int, default=DEFAULT_N,
                        help="bench size to seed when the database lacks it")
    parser.add_argument("--no-seed", action="store_true",
                        help="use the database as it is (no init, no seed)")
    parser.add_argument("--only", default="", help="only URLs containing this text")
    parser.add_argument("--user", default="admin", help="demo login to browse as")
    results.add_option(parser)
    args = parser.parse_args(argv)
    args.only = args.only.lower()
    if not args.no_seed:
        prepare_database(args.db, args.customers)
    app = create_app(bench_config(args.db))
    bench = run(app, args)
    from app.extensions import db

    with app.app_context():
        db.session.remove()
    misses = report(bench, args.db, bench.baseline)
    results.write(args.results_json, "pages", results.database_kind(args.db),
                  result_rows(bench, args))
    return 1 if misses else 0


def result_rows(bench: Bench, args) -> list[dict]:
    """The rows for --results-json: each URL (its verdict as in the table), then peak RSS."""
    size = f"{args.customers // 1000}k cust/app/loans"
    rows = []
    for r in bench.rows:
        label = r["url"].split(" (whole:")[0] + (" (whole)" if "(whole:" in r["url"] else "")
        if args.user != "admin":
            label += f" [{args.user}]"
        extra = f" [{','.join(r['why'])}]" if r["why"] else ""
        rows.append(results.row(f"page {label}{extra}", size, r["p50"], r["p95"], TARGET_MS,
                                not r["why"], key=f"page {label}"))
    peak = peak_rss_mb()
    rows.append(results.row("pages: peak RSS of the process", size, None, peak, MAX_RSS_MB,
                            peak <= MAX_RSS_MB, unit="MB"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
