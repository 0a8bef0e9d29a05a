"""Reference data every installation needs (not demo data): methods, LPR history, settings."""

from __future__ import annotations

from app.domain.cap import LPR_HISTORY
from app.extensions import db
from app.firm.settings import DEFAULT_SETTINGS
from app.models import FirmSetting, LprRate, RepaymentMethodOption
from app.models.enums import RepaymentMethod


def seed_reference() -> None:
    for order, method in enumerate(RepaymentMethod):
        if not db.session.query(RepaymentMethodOption).filter_by(code=method.value).first():
            db.session.add(RepaymentMethodOption(code=method.value, sort_order=order))
    known = {row.effective_date for row in db.session.query(LprRate.effective_date)}
    for day, rate in LPR_HISTORY:
        if day not in known:
            db.session.add(LprRate(effective_date=day, one_year_rate=rate))
    for key, (value, description) in DEFAULT_SETTINGS.items():
        if not db.session.query(FirmSetting).filter_by(key=key).first():
            db.session.add(FirmSetting(key=key, value=value, description=description))
    db.session.flush()
