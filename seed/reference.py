"""Reference data every installation needs (not demo data): methods, LPR history, settings."""

from __future__ import annotations

from app.domain.cap import LPR_HISTORY
from app.extensions import db
from app.models import FirmSetting, LprRate, RepaymentMethodOption
from app.models.enums import RepaymentMethod

DEFAULT_SETTINGS = {
    "firm.name": ("示例助贷服务有限公司", "Firm name shown on contracts"),
    "firm.credit_code": ("91350100M000100Y43", "Firm's unified social credit code"),
    "firm.address": ("福建省福州市鼓楼区五四路100号", "Firm address"),
    "firm.phone": ("0591-88880000", "Firm phone"),
    "firm.city": ("福州", "Where the firm signs its contracts"),
    "firm.dispute_court": ("福州市鼓楼区人民法院", "The court named in contracts' dispute clause"),
    "firm.extra_clauses": ("", "Extra confidentiality / personal-information text for contracts"),
    "firm.seal_image": ("", ("Path of the seal image (PNG/JPEG) printed on contracts; empty = "
                             "a drawn seal")),
    "policy.rate_cap_override": ("", ("Own annual rate cap for licensed lenders, e.g. 0.24; "
                                      "empty = 4 × one-year LPR")),
    "ui.default_locale": ("zh_CN", "The firm's default language: zh_CN or en"),
    "pool.idle_days": ("30", "Days without follow-up before a customer returns to the pool"),
    "pool.daily_claim_limit": ("10", "Customers a salesperson may claim from the pool a day"),
    "reminder.before_days": ("3,1", "Days before a due date on which a reminder is queued"),
    "reminder.overdue_days": ("1,3,7,15,30,60,90",
                              "Days past due on which an overdue reminder is queued"),
    "reminder.quiet_hours": ("21:00-09:00", "No reminder is sent in these hours (firm time)"),
    "reminder.max_attempts": ("5", "Tries before a reminder is marked failed"),
    "commission.staff_settle_days": ("30", ("Staff commissions are payable T+N days after the "
                                           "fee is received")),
    "commission.staff_clawback_days": ("90", ("Early settlement within N days of disbursement "
                                             "claws back staff commission")),
    "commission.first_default_days": ("30", ("First installment unpaid N days after due claws "
                                            "back every commission on the loan")),
}


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
