"""Load test: 50 staff sessions against gunicorn (4 workers) for 60 s — a bounded script,
loopback only.  ``make loadtest`` runs it on SQLite and on PostgreSQL.

    .venv/bin/python bench/load_test.py [--db URL] [--users 50] [--seconds 60] [--workers 4]
    scripts/with-postgres.sh .venv/bin/python bench/load_test.py   # uses $TEST_DATABASE_URL

The database is the benchmark's (bench/seed_large.py: N customers, applications and loans
with full schedules, on top of the demo data).  Each virtual user logs in through the real
login form (CSRF on) and with a JWT — all of them before the clock starts — then loops: pick
an action by weight, time it, think 0.5–2.5 s (staff read what they opened), until the time
is up.  Actions: the customer list,
a search, a customer's page, scoring an application, a schedule preview, posting a
repayment (finance and admin sessions) and downloading a contract PDF.

Prints one table (action, requests, p50, p95, max, errors) and the overall line; exits 1
when any request failed or the overall p95 is over the target (300 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import results
from bench.seed_large import DEFAULT_N, DEMO_PASSWORD, bench_config, default_url

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
USERS = ["admin", "manager", "finance"]  # reach across the book; finance and admin post
WEIGHTS = {"list": 20, "search": 15, "show": 25, "score": 8, "preview": 12, "repayment": 10,
           "contract": 10}
NAMES = "王李张刘陈杨黄赵吴周"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "run.py",
           "LOANDESK_UPLOAD_FOLDER": bench_config(url)["UPLOAD_FOLDER"],
           "LOANDESK_DEMO_PASSWORD": DEMO_PASSWORD,
           # Fifty people log in from one address (this machine): the per-IP login limit is
           # for attackers, not for a load test.
           "LOANDESK_LOGIN_RATE_LIMIT": "10000 per minute"}
    env.pop("TEST_DATABASE_URL", None)
    handle = open(log, "w")  # noqa: SIM115 — the server's log for the run's lifetime
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "run:app"],
        cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/health", timeout=2).status_code == 200:
                return process, base
        except requests.RequestException:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not start; see {log}")


class Session:
    def __init__(self, base: str, username: str) -> None:
        self.base, self.username = base, username
        self.web = requests.Session()
        page = self.web.get(base + "/login/").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        answer = self.web.post(base + "/login/", data={
            "username": username, "password": DEMO_PASSWORD, "csrf_token": token},
            allow_redirects=False)
        if answer.status_code != 302:
            raise SystemExit(f"{username} could not log in ({answer.status_code})")
        jwt = requests.post(base + "/api/v1/security/login", json={
            "username": username, "password": DEMO_PASSWORD, "provider": "db"}).json()
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {jwt['access_token']}"


def server_cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time (user + system) of gunicorn's master and its live workers, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [process.pid]
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
        pids += [int(pid) for pid in children.split()]
    except OSError:
        return 0.0
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def ensure_contracts(url: str, wanted: int = 30) -> None:
    """Issued loan contracts (frozen PDFs) for the download action, made once."""
    from sqlalchemy import func, select

    from app import create_app
    from app.contracts import service
    from app.extensions import db
    from app.models import Contract, Loan

    app = create_app(bench_config(url))
    with app.app_context():
        have = db.session.scalar(select(func.count()).select_from(Contract)
                                 .where(Contract.state == "issued"))
        if have < wanted:
            loans = db.session.scalars(select(Loan).where(
                Loan.state == "active", ~Loan.id.in_(select(Contract.loan_id).where(
                    Contract.loan_id.is_not(None)))).order_by(Loan.id).limit(wanted - have))
            for loan in list(loans):
                service.issue(service.create_draft(loan, "loan"))
        db.engine.dispose()


def sample_ids(session: Session, resource: str, rison: str = "", pages: int = 4,
               keep=lambda row: True) -> list[int]:
    ids: list[int] = []
    for page in range(pages):
        q = f"(page:{page},page_size:100{',' + rison if rison else ''})"
        body = session.api.get(f"{session.base}/api/v1/{resource}/", params={"q": q}).json()
        ids += [pk for pk, row in zip(body.get("ids", []), body.get("result", []), strict=True)
                if keep(row)]
    return ids


def payable(row: dict) -> bool:
    """A loan a 1.00 repayment neither settles nor finds not yet disbursed."""
    return float(row.get("outstanding_principal") or 0) > 1000


def actions(session: Session, pool: dict) -> dict:
    base, rng = session.base, random.Random()

    def show():
        return session.web.get(f"{base}/customerview/show/{rng.choice(pool['customers'])}")

    def search():
        return session.web.get(f"{base}/customerview/list/",
                               params={"_flt_0_name": rng.choice(NAMES)})

    def score():
        return session.api.post(f"{base}/api/v1/applications/"
                                f"{rng.choice(pool['applications'])}/score")

    def preview():
        return session.api.post(f"{base}/api/v1/schedule/preview", json={
            "principal": str(rng.randrange(20, 500) * 1000), "annual_rate": "0.096",
            "months": rng.choice([12, 24, 36]), "method": "equal_installment",
            "start_date": time.strftime("%Y-%m-%d")})

    def repayment():
        loan = rng.choice(pool["loans"])
        return session.api.post(f"{base}/api/v1/loans/{loan}/repayments", json={
            "amount": "1.00", "paid_on": time.strftime("%Y-%m-%d"),
            "reference": uuid.uuid4().hex[:20], "idempotency_key": uuid.uuid4().hex})

    def contract():
        return session.api.get(f"{base}/api/v1/contracts/{rng.choice(pool['contracts'])}/pdf")

    table = {"list": lambda: session.web.get(f"{base}/customerview/list/"), "search": search,
             "show": show, "preview": preview, "contract": contract}
    if session.username in ("admin", "finance"):  # who may post repayments
        table["repayment"] = repayment
    if session.username == "admin":  # scoring is the reviewers' (and admin's) right
        table["score"] = score
    return table


def virtual_user(n: int, session: Session, pools: dict, until: float, timings: dict,
                 lock) -> None:
    table = actions(session, pools[session.username])
    names = list(table)
    weights = [WEIGHTS[name] for name in names]
    rng = random.Random(n)
    while time.monotonic() < until:
        name = rng.choices(names, weights)[0]
        start = time.perf_counter()
        try:
            response = table[name]()
            ok = response.status_code < 400
            status = response.status_code if ok else (
                f"{response.status_code} {' '.join(response.text.split())[:160]}")
        except requests.RequestException as error:
            ok, status = False, repr(error)
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            timings[name].append(elapsed)
            if not ok:
                timings["errors"].append((name, status))
        time.sleep(rng.uniform(0.5, 2.5))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=default_url())
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--customers", type=int, default=DEFAULT_N,
                        help="size of the seeded book (bench/seed_large.py)")
    results.add_option(parser)
    args = parser.parse_args(argv)
    kind = "PostgreSQL" if args.db.startswith("postgresql") else "SQLite"
    subprocess.run([sys.executable, str(Path(__file__).with_name("seed_large.py")),
                    "--db", args.db, "--customers", str(args.customers)], check=True)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"loandesk-load-{secrets.token_hex(3)}.log"
    ensure_contracts(args.db)
    process, base = start_server(args.db, args.workers, log)
    try:
        pools = {}
        for username in USERS:  # each user picks from what their scope reaches
            staff = Session(base, username)
            pools[username] = pool = {
                "customers": sample_ids(staff, "customers"),
                "applications": sample_ids(staff, "applications"),
                # Active, disbursed before today (a repayment dated today must not come
                # before the disbursement), with more than a repayment's worth still owed.
                "loans": sample_ids(staff, "loans", "filters:!((col:state,opr:eq,value:active),"
                                    "(col:disbursed_on,opr:lt,value:'"
                                    f"{time.strftime('%Y-%m-%d')}'))", keep=payable),
                "contracts": sample_ids(staff, "contracts", "filters:!((col:state,opr:eq,"
                                                            "value:issued))", pages=1)}
            for key, ids in pool.items():
                if not ids:
                    raise SystemExit(f"{username}: no {key} to load-test with")
        # Everyone logs in first (the login form and a JWT each: two password hashes, ~0.1 s
        # of CPU apiece), as staff do once at the start of the day; the 60 s measure the
        # sessions at work, not 100 logins piled into their first seconds.
        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            sessions = list(pool.map(lambda n: Session(base, USERS[n % len(USERS)]),
                                     range(args.users)))
        login_s = time.monotonic() - started
        timings: dict = defaultdict(list)
        lock = threading.Lock()
        cpu_server, cpu_self = server_cpu_seconds(process), time.process_time()
        load_before = os.getloadavg()
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=virtual_user, args=(n, session, pools, until,
                                                               timings, lock))
                   for n, session in enumerate(sessions)]
        for thread in threads:
            thread.start()
            time.sleep(0.05)  # not every first click in the same millisecond
        for thread in threads:
            thread.join()
        cpu_server = server_cpu_seconds(process) - cpu_server
        cpu_self = time.process_time() - cpu_self
        load_after = os.getloadavg()
    finally:
        process.terminate()
        process.wait(timeout=30)
    errors = timings.pop("errors", [])
    every = [ms for values in timings.values() for ms in values]
    print(f"\nLoad test on {kind}: {args.users} sessions, {args.seconds} s, gunicorn "
          f"{args.workers} workers, {args.customers:,} customers/applications/loans seeded "
          f"(the {args.users} logins before the clock started: {login_s:.0f} s)")
    print(f"{'action':<12}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    size = (f"{args.users} users, {args.seconds} s, "
            f"{args.customers // 1000 if args.customers >= 1000 else args.customers}"
            f"{'k' if args.customers >= 1000 else ''} book")
    rows = []
    for name in WEIGHTS:
        values = timings.get(name, [])
        if values:
            failed = sum(1 for e in errors if e[0] == name)
            print(f"{name:<12}{len(values):>9}{statistics.median(values):>9.0f}"
                  f"{percentile(values, 95):>9.0f}{max(values):>9.0f}{failed:>8}")
            # Per action: measured; the target is on the overall p95 and on the errors.
            rows.append(results.row(
                f"load test: {name} ({len(values)} requests, {failed} errors)", size,
                statistics.median(values), percentile(values, 95), TARGET_MS,
                not failed and percentile(values, 95) <= TARGET_MS, enforced=False,
                key=f"load test: {name}"))
    p95 = percentile(every, 95) if every else float("inf")
    print(f"{'all':<12}{len(every):>9}{statistics.median(every):>9.0f}{p95:>9.0f}"
          f"{max(every):>9.0f}{len(errors):>8}   ({len(every) / args.seconds:.1f} req/s)")
    verdict = not errors and p95 <= TARGET_MS
    print(f"CPU: gunicorn {cpu_server:.0f} s ({1000 * cpu_server / max(1, len(every)):.0f} ms a "
          f"request), this load generator {cpu_self:.0f} s, over {args.seconds} s on "
          f"{os.cpu_count()} CPUs; load average {load_before[0]:.2f} at the start, "
          f"{load_after[0]:.2f} at the end (1 min)")
    print(f"target: no errors, p95 ≤ {TARGET_MS} ms → {'PASS' if verdict else 'FAIL'}")
    rows.append(results.row(
        f"load test: all ({len(every)} requests, {len(every) / args.seconds:.1f}/s, "
        f"{len(errors)} errors; gunicorn {args.workers} workers)", size,
        statistics.median(every) if every else None, p95 if every else None, TARGET_MS,
        verdict, key="load test: all"))
    results.write(args.results_json, "loadtest", kind, rows)
    if errors:
        print("errors:", errors[:10], f"(server log: {log})")
    return 0 if verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
