"""Benchmark the pricing engine: schedules and the IRR-based APR, all in Decimal.

Run from the repository root:  .venv/bin/python bench/bench_schedule.py [--quotes 10000]

Prints p50/p95 to generate a 360-month schedule (equal installment, equal principal), the total
time to price N random quotes (schedule + APR each) and the peak memory.  No target of its own:
``--results-json`` (bench/run) holds each timing to the schedule preview request's 300 ms
(the load test's target), which a schedule and its APR are part of.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from app.domain.apr import schedule_apr
from app.domain.schedule import (
    DayCount,
    Fee,
    LoanTerms,
    Method,
    generate_schedule,
)
from bench import results


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def bench_360(method: Method, runs: int) -> tuple[float, float]:
    terms = LoanTerms(Decimal("1000000.00"), Decimal("0.0435"), 360, method, date(2026, 1, 31))
    generate_schedule(terms)  # warm-up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        generate_schedule(terms)
        samples.append((time.perf_counter() - t0) * 1000)
    return _percentiles(samples)


def random_quote(rng: random.Random) -> LoanTerms:
    method = rng.choice(list(Method))
    months = rng.randint(1, 360)
    grace = rng.randint(0, min(3, months - 1)) if method in (
        Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL) else 0
    fees: tuple[Fee, ...] = ()
    if rng.random() < 0.5:
        fees = (Fee("upfront", rate=Decimal(rng.randint(0, 300)).scaleb(-4),
                    deducted=rng.random() < 0.5),)
    irregular = method != Method.BULLET and rng.random() < 0.3
    return LoanTerms(
        principal=Decimal(rng.randint(100_000, 100_000_000)).scaleb(-2),  # 1,000 - 1,000,000
        annual_rate=Decimal(rng.randint(0, 360_000)).scaleb(-6),  # 0 - 36 %
        months=months, method=method,
        start_date=date(2026, 1, 1) + timedelta(days=rng.randint(0, 364)),
        repayment_day=rng.randint(1, 28) if irregular else None,
        grace_months=grace, day_count=rng.choice(list(DayCount)), fees=fees,
    )


REQUEST_BUDGET_MS = 300  # the schedule preview request's target (load test)


def bench_quotes(count: int, seed: int) -> tuple[float, tuple[float, float]]:
    rng = random.Random(seed)
    quotes = [random_quote(rng) for _ in range(count)]
    per_quote = []
    t_start = time.perf_counter()
    for terms in quotes:
        t0 = time.perf_counter()
        schedule_apr(generate_schedule(terms))
        per_quote.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - t_start
    return total, _percentiles(per_quote)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200, help="samples per 360-month timing")
    parser.add_argument("--seed", type=int, default=20260101)
    results.add_option(parser)
    args = parser.parse_args()

    rows = []
    for method in (Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL):
        p50, p95 = bench_360(method, args.runs)
        print(f"360-month {method.value:<18} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
        rows.append(results.row(f"schedule 360 months, {method.value}", f"{args.runs} runs",
                                p50, p95, REQUEST_BUDGET_MS, p95 < REQUEST_BUDGET_MS))

    total, (p50, p95) = bench_quotes(args.quotes, args.seed)
    rows.append(results.row("quote: schedule + APR, random terms", f"{args.quotes:,} quotes",
                            p50, p95, REQUEST_BUDGET_MS, p95 < REQUEST_BUDGET_MS))
    print(f"{args.quotes} random quotes (schedule + APR): {total:.2f} s total, "
          f"{total / args.quotes * 1000:.2f} ms mean, {p95:.2f} ms p95")

    # Memory apart from the timing runs: tracemalloc slows Python down severalfold.
    tracemalloc.start()
    worst = LoanTerms(Decimal("1000000.00"), Decimal("0.24"), 360, Method.EQUAL_INSTALLMENT,
                      date(2026, 1, 31), repayment_day=15,
                      fees=(Fee("upfront", amount=Decimal("1000.00")),))
    schedule_apr(generate_schedule(worst))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak traced allocation for one 360-month quote: {peak / 1024:.0f} KiB; "
          f"process peak RSS (incl. the imported Flask app package): {rss_kib / 1024:.1f} MiB")
    results.write(args.results_json, "schedule", "-", rows)


if __name__ == "__main__":
    main()
