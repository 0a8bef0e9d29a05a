"""The reports' filters: a date range, a grouping and the organisation / product filters.

The same parser serves the report pages, their exports and ``GET /api/v1/reports/<name>``,
so a bad value gets the same translated message, naming its field, everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

from app.domain import ErrorCollector
from app.domain.i18n import N_
from app.loans import business_today

GRAINS = ("day", "week", "month")
GROUPS = GRAINS + ("branch", "team", "staff", "channel", "product", "funder")
ID_FIELDS = ("branch", "team", "staff", "product", "funder", "channel")
DPD_CHOICES = (1, 30, 60, 90)
PRESETS = ("this_month", "last_month", "this_quarter", "this_year")  # 本月 上月 本季度 本年
MAX_DAYS = 3660  # ten years: longer ranges are refused rather than left to run


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None
    date_to: dt.date
    group: str = "month"
    branch: int | None = None
    team: int | None = None
    staff: int | None = None
    product: int | None = None
    funder: int | None = None
    channel: int | None = None
    dpd: int = 30

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments (for export links), blanks left out."""
        values = asdict(self)
        args = {"from": values.pop("date_from"), "to": values.pop("date_to"), **values}
        return {k: str(v) for k, v in args.items() if v is not None}

    def as_json(self) -> dict:
        return {"from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat(), "group": self.group,
                **{f: getattr(self, f) for f in ID_FIELDS}, "dpd": self.dpd}


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of ``day``'s month, ``back`` months earlier."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return month_start(day, -1) - dt.timedelta(days=1)


def preset_range(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of a preset period (whole calendar periods, so "this
    quarter" runs to the quarter's last day even when that is still ahead)."""
    if preset == "this_month":
        start = month_start(today)
        return start, month_end(start)
    if preset == "last_month":
        start = month_start(today, 1)
        return start, month_end(start)
    if preset == "this_quarter":
        start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return start, month_end(month_start(start, -2))
    if preset == "this_year":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    raise ValueError(f"unknown preset {preset!r}")


def active_preset(date_from: dt.date | None, date_to: dt.date, today: dt.date) -> str | None:
    """The preset whose range the filters' dates are exactly, if any."""
    for preset in PRESETS:
        if preset_range(preset, today) == (date_from, date_to):
            return preset
    return None


def default_from(kind: str, today: dt.date) -> dt.date | None:
    if kind == "all":
        return None
    if kind == "year":  # this month and the eleven before it
        return month_start(today, 11)
    return month_start(today)


def _date(raw: str | None, field: str, errs: ErrorCollector) -> dt.date | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        errs.add(field, N_("Enter a real date as YYYY-MM-DD."))
        return None


def _id(raw: str | None, field: str, errs: ErrorCollector) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    if not text.isdigit() or len(text) > 9:
        errs.add(field, N_("Choose one of the listed values."))
        return None
    return int(text)


def parse_filters(args: Mapping[str, str], *, default_range: str = "month",
                  default_group: str = "month") -> Filters:
    """Typed filters from query arguments; raises DomainError naming each bad field."""
    errs = ErrorCollector()
    today = business_today()
    explicit_from = "from" in args
    date_from = _date(args.get("from"), "from", errs)
    date_to = _date(args.get("to"), "to", errs) or today
    if date_from is None and not explicit_from and not errs.has("from"):
        date_from = default_from(default_range, date_to)
    if date_from is not None and date_from > date_to:
        errs.add("from", N_("The start date is after the end date."))
    elif date_from is not None and (date_to - date_from).days > MAX_DAYS:
        errs.add("from", N_("Choose a range of at most ten years."))
    group = (args.get("group") or default_group).strip()
    if group not in GROUPS:
        errs.add("group", N_("Choose one of the listed values."))
    dpd_raw = (args.get("dpd") or "30").strip()
    dpd = int(dpd_raw) if dpd_raw.isdigit() and int(dpd_raw) in DPD_CHOICES else None
    if dpd is None:
        errs.add("dpd", N_("Choose one of the listed values."))
    ids = {field: _id(args.get(field), field, errs) for field in ID_FIELDS}
    errs.raise_if_any()
    return Filters(date_from=date_from, date_to=date_to, group=group, dpd=dpd or 30, **ids)


def with_group(filters: Filters, group: str) -> Filters:
    return replace(filters, group=group)
