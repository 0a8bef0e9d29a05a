"""Benchmark: rendering a 36-month loan contract to PDF (target: median < 500 ms after the
first render in a process).  Builds a throw-away demo database, like a new install.

    .venv/bin/python bench/bench_contracts.py [--samples 20]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from app import create_app
from bench import results

TARGET_MS = 500  # median, after the first render


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=20)
    results.add_option(parser)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="loandesk-bench-contracts-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
                      "UPLOAD_FOLDER": str(folder / "uploads"), "LOG_LEVEL": "WARNING"})
    result = app.test_cli_runner().invoke(args=["loandesk", "init"])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    from app.contracts import service
    from app.extensions import db
    from app.models import Loan

    with app.test_request_context():
        loan = db.session.query(Loan).filter(Loan.months == 36).first()
        if loan is None:
            raise SystemExit("the demo data has no 36-month loan")
        contract = service.create_draft(loan, "loan")
        start = time.perf_counter()
        first = service.pdf(contract, unmasked=True)
        first_ms = (time.perf_counter() - start) * 1000
        times = []
        for _ in range(args.samples):
            start = time.perf_counter()
            service.pdf(contract, unmasked=True)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    median = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"36-month loan contract ({len(first) // 1024} KB PDF): first render "
          f"{first_ms:.0f} ms; then median {median:.0f} ms, p95 {p95:.0f} ms over "
          f"{args.samples}; target median < {TARGET_MS} ms: "
          f"{'PASS' if median < TARGET_MS else 'FAIL'}; peak RSS {rss:.0f} MB")
    results.write(args.results_json, "contracts", "SQLite", [
        results.row("contract PDF, 36-month loan (target on the median)",
                    f"{args.samples} renders", median, p95, TARGET_MS, median < TARGET_MS)])
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
