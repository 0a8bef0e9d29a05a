"""Reference data every installation needs (not demo data): methods, LPR history, settings."""

from __future__ import annotations

from app.domain.cap import LPR_HISTORY
from app.extensions import db
from app.models import FirmSetting, LprRate, RepaymentMethodOption
from app.models.enums import RepaymentMethod

# The firm's own details start empty: the first admin login asks them (/setup/, app/users.py)
# and contracts say 公司信息未设置 until then, never a made-up company.  The demo sets its own.
DEFAULT_SETTINGS = {
    "firm.name": ("", "Firm name shown on contracts"),
    "firm.credit_code": ("", "Firm's unified social credit code"),
    "firm.address": ("", "Firm address"),
    "firm.phone": ("", "Firm phone"),
    "firm.city": ("", "Where the firm signs its contracts"),
    "firm.dispute_court": ("", "The court named in contracts' dispute clause"),
    "firm.extra_clauses": ("", "Extra confidentiality / personal-information text for contracts"),
    "firm.seal_image": ("", ("Path of the seal image (PNG/JPEG) printed on contracts; empty = "
                             "a drawn seal")),
    "policy.rate_cap_override": ("", ("Own annual rate cap for licensed lenders, e.g. 0.24; "
                                      "empty = 4 × one-year LPR")),
    "ui.default_locale": ("zh_CN", "The firm's default language: zh_CN or en"),
    "intake.required_documents.person": ("id_card", (
        "Document kinds a person's application needs before it can be submitted, "
        "comma-separated")),
    "intake.required_documents.enterprise": ("business_licence", (
        "Document kinds an enterprise's application needs before it can be submitted, "
        "comma-separated")),
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
