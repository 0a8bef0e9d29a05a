"""What a contract says: the data of the loan, its parties and the firm, for the templates.

Sensitive identifiers are masked unless the rendering is the legal document itself (an
issued contract) or the reader may see them.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import force_locale, to_user_timezone
from sqlalchemy import select

from app.domain.apr import APR_METHOD_NOTE, schedule_apr
from app.domain.money import ZERO, amount_in_capitals
from app.domain.schedule import Fee, LoanTerms, Method, generate_schedule
from app.domain.validators import mask_card, mask_id_number, mask_phone
from app.extensions import db
from app.firm.settings import NOT_SET_UP_ZH, firm_profile
from app.loans import business_today
from app.models import FirmSetting, ServiceFee
from app.models.enums import RepaymentMethod

KIND_TEMPLATES = {"loan": "contracts/loan.html", "service": "contracts/service.html",
                  "credit_authorization": "contracts/credit_authorization.html"}
KIND_TITLES = {"loan": "借款合同", "service": "居间服务合同",
               "credit_authorization": "个人信用报告查询授权书"}
# An English rendering for foreign funders: information only, the Chinese text binds.
KIND_TITLES_EN = {"loan": "Loan Contract", "service": "Intermediary Service Contract",
                  "credit_authorization": "Credit Report Query Authorisation"}
METHODS_EN = {"equal_installment": "equal installment", "equal_principal": "equal principal",
              "interest_only": "interest-only (principal at maturity)",
              "bullet": "bullet (principal and interest at maturity)"}


def firm_settings() -> dict[str, object]:
    """The firm's settings for the templates; until the firm is set up (app/firm/settings.py),
    its name, code and city read 公司信息未设置 — in the firm's own templates too — and
    ``set_up`` is False."""
    rows = db.session.execute(select(FirmSetting.key, FirmSetting.value)).all()
    firm: dict[str, object] = {k.removeprefix("firm.").removeprefix("contract."): v or ""
                               for k, v in rows if k.startswith(("firm.", "contract."))}
    firm["set_up"] = firm_profile().set_up
    if not firm["set_up"]:
        firm["name"] = firm["credit_code"] = NOT_SET_UP_ZH
        firm["city"] = firm.get("city") or NOT_SET_UP_ZH
    return firm


def service_fee_of(loan) -> ServiceFee | None:
    return db.session.scalar(select(ServiceFee).where(ServiceFee.loan_id == loan.id)
                             .order_by(ServiceFee.id).limit(1))


def loan_schedule(loan, fee_amount: Decimal):
    terms = LoanTerms(principal=loan.principal, annual_rate=loan.annual_rate, months=loan.months,
                      method=Method(loan.method), start_date=loan.start_date,
                      first_due_date=loan.first_due_date, grace_months=loan.grace_months,
                      fees=(Fee(kind="upfront", amount=fee_amount),) if fee_amount else ())
    return generate_schedule(terms)


def chinese_label(code) -> str:
    """A coded value in Chinese, whatever the interface language: the contract's binding
    text is Chinese (an issued PDF is frozen as rendered)."""
    with force_locale("zh_CN"):
        return str(code.label)


def contract_context(contract, *, unmasked: bool) -> dict:
    loan = contract.loan
    customer = contract.customer
    fee = service_fee_of(loan) if loan is not None else None
    fee_amount = fee.amount if fee is not None else ZERO
    schedule = loan_schedule(loan, fee_amount) if loan is not None else None
    apr = schedule_apr(schedule).apr if schedule is not None else None
    show = (lambda v, mask: v or "") if unmasked else (lambda v, mask: mask(v) if v else "")
    # The contract's date on the firm's calendar: issued at 07:00 in Fuzhou is the same
    # day there, though still the day before in UTC (as stored).
    day = to_user_timezone(contract.issued_at).date() if contract.issued_at \
        else business_today()
    return {
        "contract": contract, "title": KIND_TITLES[contract.kind],
        "title_en": KIND_TITLES_EN[contract.kind], "firm": firm_settings(),
        "method_en": METHODS_EN.get(loan.method, loan.method) if loan else "",
        "borrower": {
            "name": customer.name, "kind": customer.kind, "address": customer.address or "",
            "id_number": show(customer.id_number, mask_id_number),
            "credit_code": customer.credit_code or "",
            "phone": show(customer.phone, mask_phone),
            "bank_name": customer.bank_name or "",
            "bank_card": show(customer.bank_card, mask_card)},
        "funder": loan.funder if loan is not None else None,
        "loan": loan, "application": contract.application or (loan.application if loan else None),
        "amount": loan.principal if loan else None,
        "amount_capitals": amount_in_capitals(loan.principal) if loan else "",
        "method_label": chinese_label(RepaymentMethod(loan.method)) if loan else "",
        "schedule": schedule, "apr": apr, "apr_note": APR_METHOD_NOTE,
        "fee": fee, "fee_amount": fee_amount,
        "fee_capitals": amount_in_capitals(fee_amount) if fee_amount else "零元整",
        "date": day, "place": firm_settings().get("city", "福州"),
    }
