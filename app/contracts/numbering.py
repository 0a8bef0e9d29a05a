"""Contract numbers: JK-2026-000123 — per kind and year, gap-free, safe under concurrency.

The counter row is incremented by one UPDATE inside the caller's transaction: PostgreSQL
holds the row lock and SQLite the write lock until commit, so two staff generating at the
same instant get consecutive numbers, and a rolled-back generation gives its number back.
The (kind, year, seq) unique key is the last line of defence.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ContractCounter

PREFIX = {"loan": "JK", "service": "JJ", "credit_authorization": "SQ"}


def next_number(kind: str, year: int) -> tuple[int, str]:
    for _attempt in range(2):
        updated = db.session.execute(
            update(ContractCounter)
            .where(ContractCounter.kind == kind, ContractCounter.year == year)
            .values(last_seq=ContractCounter.last_seq + 1))
        if updated.rowcount:
            seq = db.session.scalar(select(ContractCounter.last_seq).where(
                ContractCounter.kind == kind, ContractCounter.year == year))
            return seq, f"{PREFIX[kind]}-{year}-{seq:06d}"
        try:  # the year's first contract of this kind: create its counter
            with db.session.begin_nested():
                db.session.add(ContractCounter(kind=kind, year=year, last_seq=0))
        except IntegrityError:
            pass  # someone else created it first; increment theirs
    raise RuntimeError("contract counter could not be created")
