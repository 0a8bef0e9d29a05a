"""Demo data that looks like a real firm's month (deterministic, idempotent).

Two branches, seven demo logins, three funders with six products, four channels, about 200
customers with valid ID numbers, applications in every state, and loans with schedules,
repayments and some overdue installments.  Dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from flask import current_app

from app.domain.schedule import Fee, LoanTerms, Method
from app.domain.validators import make_credit_code, make_id_number
from app.extensions import db
from app.intake.scoring import assess
from app.loans import business_today
from app.models import (
    Application,
    Branch,
    Channel,
    Commission,
    Consent,
    Contact,
    Customer,
    Decision,
    FollowUp,
    Funder,
    Installment,
    Loan,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
    RepaymentMethodOption,
    ServiceFee,
    Staff,
    Team,
)
from app.quotes.pricing import price_within_cap

from .names import (
    EMPLOYERS,
    ENTERPRISES,
    GIVEN,
    OCCUPATIONS,
    PURPOSES,
    REGIONS,
    STREETS,
    SURNAMES,
)
from .scorecard import seed_default_scorecard

# username, first name (FAB's first_name: the given name), last name (last_name: the
# surname), role, branch code.  Shown 姓名: surname + given name, no space (陈晓东).
DEMO_USERS = [
    ("admin", "管理员", "系统", "Admin", "FZ"),
    ("manager", "经理", "林", "Manager", "FZ"),
    ("sales1", "晓东", "陈", "Sales", "FZ"),
    ("sales2", "丽华", "黄", "Sales", "FZ"),
    ("reviewer", "思远", "郑", "Reviewer", "FZ"),
    ("finance", "春梅", "王", "Finance", "FZ"),
    ("auditor", "德明", "吴", "Auditor", "FZ"),
]
CUSTOMERS = 200
CENT = Decimal("0.01")

# Application states and how many demo applications sit in each.
STATE_MIX = [("draft", 8), ("submitted", 8), ("scoring", 3), ("under_review", 14),
             ("approved", 8), ("rejected", 12), ("withdrawn", 4), ("contracted", 5),
             ("disbursed", 3), ("repaying", 40), ("overdue", 10), ("settled", 8),
             ("written_off", 2)]
LOAN_STATES = {"contracted": "pending", "disbursed": "active", "repaying": "active",
               "overdue": "overdue", "settled": "settled", "written_off": "written_off"}


def seed_demo() -> bool:
    """Load demo data unless the database already has business data. Returns True if loaded."""
    _ensure_users()
    if db.session.query(Customer.id).first() is not None:
        return False
    from app.org.users import save_firm_setup

    # The demo firm's own details (a new install starts without them; /setup/ asks).
    save_firm_setup({"name": "示例助贷服务有限公司", "credit_code": "91350100M000100Y43",
                     "address": "福建省福州市鼓楼区五四路100号", "phone": "0591-88880000",
                     "dispute_court": "福州市鼓楼区人民法院", "city": "福州"}, None)
    rng = random.Random(2026)
    today = business_today()  # the firm's day (Asia/Shanghai), as the daily job reads it
    branches, teams = _organisation()
    staff = _staff(branches, teams)
    products = _products()
    channels = _channels()
    seed_default_scorecard()
    customers = _customers(rng, staff, channels, today)
    _applications_and_loans(rng, customers, products, channels, staff, today)
    db.session.commit()
    from app.customers.pool import release_idle

    release_idle()  # leads nobody followed up go to the public pool, as every night
    return True


def _ensure_users() -> None:
    sm = current_app.appbuilder.sm
    password = current_app.config["DEMO_PASSWORD"]
    for username, first, last, role_name, _branch in DEMO_USERS:
        user = sm.find_user(username=username)
        if user is None:
            role = sm.find_role(role_name)
            sm.add_user(username, first, last, f"{username}@loandesk.example", role,
                        password=password)
        elif (user.first_name, user.last_name) == (last, first):
            # Stored surname-first by LoanDesk before 姓名 order: put each name in its place.
            user.first_name, user.last_name = first, last


def _organisation():
    fz = Branch(code="FZ", name="福州总部", city="福州", address="福州市鼓楼区五四路100号",
                phone="0591-88880000")
    xm = Branch(code="XM", name="厦门分部", city="厦门", address="厦门市思明区湖滨南路88号",
                phone="0592-55550000")
    teams = {"FZ1": Team(branch=fz, name="销售一组"), "FZ2": Team(branch=fz, name="销售二组"),
             "XM1": Team(branch=xm, name="销售组")}
    db.session.add_all([fz, xm, *teams.values()])
    db.session.flush()
    return {"FZ": fz, "XM": xm}, teams


def _staff(branches, teams) -> dict[str, Staff]:
    sm = current_app.appbuilder.sm
    team_of = {"sales1": "FZ1", "sales2": "FZ2", "manager": None}
    staff: dict[str, Staff] = {}
    for n, (username, first, last, _role, branch) in enumerate(DEMO_USERS, start=1):
        user = sm.find_user(username=username)
        team = teams.get(team_of.get(username) or "")
        staff[username] = Staff(user_id=user.id, branch=branches[branch], team=team,
                                full_name=last + first, employee_no=f"E{n:04d}")
    # Staff of the other branch (no logins): their records must stay out of FZ's view.
    staff["xm_sales"] = Staff(branch=branches["XM"], team=teams["XM1"], full_name="许振华",
                              employee_no="E0101")
    staff["xm_reviewer"] = Staff(branch=branches["XM"], full_name="蔡雨桐", employee_no="E0102")
    db.session.add_all(staff.values())
    db.session.flush()
    teams["FZ1"].leader = staff["sales1"]
    return staff


def _products() -> list[LoanProduct]:
    methods = {m.code: m for m in db.session.query(RepaymentMethodOption)}
    bank = Funder(name="兴业银行福州分行", kind="bank", licence_no="B0013H235010001",
                  contact_name="刘行长", phone="0591-87820000", address="福州市鼓楼区湖东路154号")
    cfc = Funder(name="马上消费金融股份有限公司", kind="consumer_finance",
                 licence_no="S0012H250000001", contact_name="周经理", phone="023-63700000")
    micro = Funder(name="福州市鼓楼区鑫源小额贷款有限公司", kind="micro_lender",
                   licence_no="闽金监小贷[2019]12号", contact_name="何总", phone="0591-83330000")
    # Rates and fees keep every demo loan's IRR-based annualized rate (fees included) under
    # the legal cap of 4 × the 1-year LPR (12% while the LPR is 3.00%).
    specs = [
        (bank, "XY-FANGDAI", "兴业业主贷", "50000", "1000000", 12, 60, "0.0360", "0.0720",
         ["equal_installment", "equal_principal"], "B", "0.0050"),
        (bank, "XY-XINDAI", "兴业薪金贷", "10000", "300000", 6, 36, "0.0450", "0.0800",
         ["equal_installment"], "C", "0.0080"),
        (cfc, "MS-ANYIHUA", "安逸花", "3000", "200000", 3, 24, "0.0720", "0.0960",
         ["equal_installment", "equal_principal"], "D", "0.0100"),
        (cfc, "MS-CHEDAI", "车主贷", "20000", "300000", 12, 36, "0.0600", "0.0900",
         ["equal_installment"], "C", "0.0100"),
        (micro, "XY-JINGYING", "经营周转贷", "50000", "2000000", 3, 24, "0.0720", "0.0960",
         ["interest_only", "bullet", "equal_installment"], "C", "0.0100"),
        (micro, "XY-DUANQI", "短期周转贷", "10000", "500000", 1, 12, "0.0800", "0.0960",
         ["bullet", "interest_only"], "D", "0.0060"),
    ]
    products = []
    for funder, code, name, lo, hi, mlo, mhi, rlo, rhi, allowed, grade, fee in specs:
        products.append(LoanProduct(
            funder=funder, code=code, name=name, min_amount=Decimal(lo), max_amount=Decimal(hi),
            min_months=mlo, max_months=mhi, min_rate=Decimal(rlo), max_rate=Decimal(rhi),
            methods=[methods[m] for m in allowed], min_grade=grade, min_age=22, max_age=60,
            service_fee_rate=Decimal(fee), overdue_rate=min(Decimal(rhi) * Decimal("1.5"), Decimal("0.12")),
            fee_due="disbursement"))
    db.session.add_all([bank, cfc, micro, *products])
    db.session.flush()
    return products


def _channels() -> list[Channel]:
    channels = [
        Channel(code="WALKIN", name="门店自然到访", kind="lead_source", commission_basis="fee",
                commission_rate=Decimal(0), settle_days=0),
        Channel(code="ONLINE", name="网络推广", kind="lead_source", commission_basis="fee",
                commission_rate=Decimal("0.0500"), settle_days=7),
        Channel(code="REALTY", name="链家房产中介合作", kind="agent", contact_name="赵经理",
                phone="13905910001", commission_basis="disbursed",
                commission_rate=Decimal("0.0100"), settle_days=15),
        Channel(code="AUTO", name="福州汽车城经销商合作", kind="agent", contact_name="钱总",
                phone="13705910002", commission_basis="disbursed",
                commission_rate=Decimal("0.0080"), settle_days=30),
    ]
    db.session.add_all(channels)
    db.session.flush()
    return channels


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = rng.choice(["138", "139", "135", "137", "150", "158", "186", "188", "177",
                            "199"]) + f"{rng.randrange(10**8):08d}"
        if phone not in used:
            used.add(phone)
            return phone


def _customers(rng, staff, channels, today) -> list[Customer]:
    owners = [staff["sales1"]] * 5 + [staff["sales2"]] * 4 + [staff["xm_sales"]] * 2
    used_phones: set[str] = set()
    customers = []
    for i in range(CUSTOMERS):
        owner = owners[i % len(owners)]
        region, city, district = rng.choice(REGIONS)
        created = dt.datetime.combine(today - dt.timedelta(days=rng.randrange(1, 365)),
                                      dt.time(rng.randrange(9, 18), rng.randrange(60)))
        common = dict(
            phone=_phone(rng, used_phones), city=city, owner=owner, team=owner.team,
            branch=owner.branch, channel=rng.choice(channels), created_at=created,
            address=f"{city}市{district}{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
            status="active" if i % 3 else "lead",
            credit_report_status=rng.choice(["clean", "clean", "clean", "minor", "none",
                                             "serious"]),
            overdue_count_24m=rng.choice([0, 0, 0, 0, 1, 2, 5]),
            inquiries_6m=rng.randrange(0, 9), existing_loans=rng.randrange(0, 4),
        )
        if i % 25 == 24:  # every 25th customer is an enterprise
            name = ENTERPRISES[(i // 25) % len(ENTERPRISES)] + ("" if i < 200 else str(i))
            # 91 (enterprise) + 350100 (Fuzhou) + a 9-character organisation code
            code = make_credit_code(f"91350100MA{rng.randrange(10**7):07d}")
            c = Customer(kind="enterprise", name=name, credit_code=code, employer=name,
                         business_age_years=rng.randrange(1, 15), has_business_licence=True,
                         monthly_income=Decimal(rng.randrange(50, 800) * 1000), **common)
        else:
            birth = dt.date(rng.randrange(1966, 2003), rng.randrange(1, 13), rng.randrange(1, 29))
            id_number = make_id_number(region, birth, rng.randrange(1000))
            income = Decimal(rng.randrange(40, 400) * 100)
            c = Customer(
                kind="person", name=_person_name(rng), id_number=id_number, birth_date=birth,
                gender="M" if int(id_number[16]) % 2 else "F",
                employer=rng.choice(EMPLOYERS), occupation=rng.choice(OCCUPATIONS),
                monthly_income=income,
                monthly_debt_payment=(income * Decimal(rng.randrange(0, 70)) / 100).quantize(CENT),
                years_employed=rng.randrange(0, 25), has_property=rng.random() < 0.45,
                has_car=rng.random() < 0.4, social_insurance_months=rng.choice([0, 6, 12, 24,
                                                                                 36, 60, 120]),
                housing_fund_months=rng.choice([0, 0, 12, 24, 48, 96]),
                has_insurance_policy=rng.random() < 0.3, **common)
        if i % 40 == 39:
            c.status, c.blacklist_reason = "blacklisted", "提供虚假收入证明"
        customers.append(c)
    db.session.add_all(customers)
    db.session.flush()
    for c in customers:
        if c.kind == "person":
            db.session.add(Contact(customer=c, name=_person_name(rng),
                                   relation=rng.choice(["配偶", "父母", "同事", "朋友"]),
                                   phone=_phone(rng, used_phones)))
        db.session.add(Consent(customer=c, scope="sensitive_data",
                               purpose="贷款申请资质审核", granted_on=c.created_at.date()))
        db.session.add(Consent(customer=c, scope="credit_query",
                               purpose="查询信用报告用于贷款审批",
                               granted_on=c.created_at.date(),
                               expires_on=c.created_at.date() + dt.timedelta(days=365)))
        for k in range(rng.randrange(1, 4)):
            when = c.created_at + dt.timedelta(days=3 * k + rng.randrange(3))
            db.session.add(FollowUp(customer=c, staff=c.owner, happened_at=when,
                                    method=rng.choice(["phone", "wechat", "visit"]),
                                    note=rng.choice(["客户有意向，等待资料", "已收集收入证明",
                                                     "客户考虑中，下周回访", "介绍了产品利率"]),
                                    next_date=when.date() + dt.timedelta(days=7)))
            c.last_followup_at = when
    db.session.flush()
    return customers


def _applications_and_loans(rng, customers, products, channels, staff, today) -> None:
    eligible = [c for c in customers if c.status != "blacklisted"]
    rng.shuffle(eligible)
    states = [state for state, count in STATE_MIX for _ in range(count)]
    for n, (customer, state) in enumerate(zip(eligible, states, strict=False), start=1):
        product = rng.choice(products)
        method = rng.choice(product.methods).code
        months = rng.choice([m for m in (12, 24, 36)
                             if product.min_months <= m <= product.max_months])
        amount = Decimal(rng.randrange(int(product.min_amount) // 1000,
                                       int(product.max_amount) // 4000 + 2) * 1000)
        amount = max(product.min_amount, min(amount, product.max_amount))
        # Loans on book need enough history: older loans for the states further along.
        age_days = {"settled": 400, "overdue": 200, "written_off": 500}.get(state, 120)
        created = dt.datetime.combine(today - dt.timedelta(days=rng.randrange(20, age_days)),
                                      dt.time(10, rng.randrange(60)))
        app = Application(
            number=f"AP{created:%Y%m}{n:05d}", customer=customer, product=product,
            channel=customer.channel, amount=amount, months=months, method=method,
            purpose=rng.choice(PURPOSES), state=state, owner=customer.owner,
            team=customer.team, branch=customer.branch, created_at=created,
            reviewer=None if state == "draft" else staff["reviewer"]
            if customer.branch.code == "FZ" else staff["xm_reviewer"],
            submitted_at=None if state == "draft" else created + dt.timedelta(hours=2))
        db.session.add(app)
        if state != "draft":  # everything submitted was scored, and the score explains it
            assess(app)
        if state in ("approved", "rejected", "contracted", "disbursed", "repaying", "overdue",
                     "settled", "written_off"):
            rate = demo_rate(product)
            app.decided_at = created + dt.timedelta(days=1)
            db.session.add(Decision(
                application=app, reviewer=app.reviewer, decided_at=app.decided_at,
                outcome="reject" if state == "rejected" else "approve",
                approved_amount=None if state == "rejected" else amount,
                approved_months=None if state == "rejected" else months,
                approved_rate=None if state == "rejected" else rate,
                method=None if state == "rejected" else method,
                reason_code="high_dti" if state == "rejected" else None,
                note="负债收入比过高" if state == "rejected" else "资质良好，同意放款"))
        if state in LOAN_STATES:
            _loan(rng, app, product, today, n, LOAN_STATES[state])


def demo_rate(product: LoanProduct) -> Decimal:
    return ((product.min_rate + product.max_rate) / 2).quantize(Decimal("0.0001"))


def _loan(rng, app, product, today, n, loan_state) -> None:
    rate = demo_rate(product)
    start = app.decided_at.date() + dt.timedelta(days=3)
    loan = Loan(number=f"LN{start:%Y%m}{n:05d}", application=app, customer=app.customer,
                product=product, funder=product.funder, principal=app.amount, annual_rate=rate,
                months=app.months, method=app.method, day_count=product.day_count,
                overdue_rate=product.overdue_rate, start_date=start, state=loan_state,
                owner=app.owner, team=app.team, branch=app.branch, channel=app.channel,
                outstanding_principal=app.amount,
                # the product's ledger rules, as booking a loan copies them (service.book)
                grace_months=product.grace_months, allocation_order=product.allocation_order,
                allocation_strategy=product.allocation_strategy,
                settlement_interest=product.settlement_interest)
    db.session.add(loan)
    fee = ServiceFee(application=app, loan=loan, basis="percent_disbursed",
                     rate=product.service_fee_rate,
                     amount=(app.amount * product.service_fee_rate).quantize(CENT),
                     due_on_event="disbursement", due_date=start, state="charged",
                     refund_rule="未成功放款的，全额退还居间服务费")
    db.session.add(fee)
    # The broker's service fee is a cost of borrowing: it counts in the annualized rate.
    quote = price_within_cap(LoanTerms(
        principal=app.amount, annual_rate=rate, months=app.months, method=Method(app.method),
        start_date=start, fees=(Fee(kind="upfront", amount=fee.amount),)))
    schedule = quote.schedule
    loan.apr = quote.apr.apr
    if loan_state == "pending":
        return
    loan.disbursed_on, loan.disbursed_amount = start, app.amount
    loan.funder_reference = f"FR{rng.randrange(10**9):09d}"
    fee.state, fee.received_on = "received", start
    if app.channel.commission_rate > 0:
        base = fee.amount if app.channel.commission_basis == "fee" else app.amount
        db.session.add(Commission(
            loan=loan, service_fee=fee, channel=app.channel, basis=app.channel.commission_basis,
            rate=app.channel.commission_rate,
            amount=(base * app.channel.commission_rate).quantize(CENT), state="payable",
            payable_on=start + dt.timedelta(days=app.channel.settle_days)))
    if loan_state == "settled":
        _settled_early(rng, loan, today)
        return
    outstanding = app.amount
    # Overdue loans miss their last 1–4 due installments; written-off ones miss everything
    # after the second.
    missed_from = {"overdue": rng.randrange(1, 5), "written_off": None}.get(loan_state, 0)
    due_items = [i for i in schedule.installments if i.due_date <= today]
    for item in schedule.installments:
        inst = Installment(loan=loan, n=item.n, due_date=item.due_date, principal=item.principal,
                           interest=item.interest, fee=item.fee)
        db.session.add(inst)
        past_due = item.due_date <= today
        pays = past_due and (
            loan_state in ("active",) or
            (loan_state == "overdue" and item.n <= len(due_items) - missed_from) or
            (loan_state == "written_off" and item.n <= 2))
        if pays:
            paid_on = min(item.due_date, today)
            inst.paid_principal, inst.paid_interest, inst.paid_fee = (item.principal,
                                                                       item.interest, item.fee)
            inst.state, inst.paid_on = "paid", paid_on
            outstanding -= item.principal
            rep = Repayment(loan=loan, paid_on=paid_on, amount=item.total, channel="bank_transfer",
                            reference=f"{loan.number}-{item.n:03d}")
            db.session.add(rep)
            for part, amount in (("interest", item.interest), ("principal", item.principal),
                                 ("fee", item.fee)):
                if amount:
                    db.session.add(RepaymentAllocation(repayment=rep, installment=inst,
                                                       part=part, amount=amount))
        elif past_due:
            inst.days_past_due = inst.max_dpd = (today - item.due_date).days
            inst.state = "written_off" if loan_state == "written_off" else "overdue"
            loan.days_past_due = max(loan.days_past_due or 0, inst.days_past_due)
    loan.outstanding_principal = outstanding


def _settled_early(rng: random.Random, loan: Loan, today: dt.date) -> None:
    """A settled demo loan as the ledger stores one: its schedule stored as a disbursement
    stores it, each installment paid on its due date up to a day in the past, and on that day
    the payoff posted, which settles the loan early (interest to the day, later interest not
    charged), all through the ledger's own code, as ``service.post_repayment`` runs it."""
    from app.loans.income import clawback_early_settlement
    from app.loans.ledger import Ledger, store_schedule

    store_schedule(loan)
    ledger = Ledger(loan, history={})
    rows = ledger.active()
    paid = 0  # installments paid before the settlement: at least one when one has fallen due
    due = [r for r in rows if r.due_date < today]
    if due and len(rows) > 1:
        paid = rng.randrange(1, min(len(due), len(rows) - 1) + 1)
    while True:  # the settlement falls strictly between two due dates, before today
        after = rows[paid - 1].due_date if paid else loan.disbursed_on
        days = (min(rows[paid].due_date, today) - after).days
        if days > 1 or paid == 0:
            break
        paid -= 1
    on = after + dt.timedelta(days=rng.randrange(1, days))
    live: list[Repayment] = []
    for row in rows[:paid]:
        _post(ledger, live, row.due_date, row.principal + row.interest + row.fee,
              f"{loan.number}-{row.n:03d}")
    _post(ledger, live, on, ledger.payoff(on), f"{loan.number}-PAYOFF")
    ledger.refresh(today)
    loan.customer_credit = sum((Ledger.credit_of(r) for r in live), Decimal("0.00"))
    clawback_early_settlement(loan)  # within the channel's window the commission comes back


def _post(ledger, live: list[Repayment], on: dt.date, amount: Decimal, reference: str) -> None:
    """One repayment posted on its day, the way ``service.post_repayment`` posts it."""
    rep = Repayment(loan=ledger.loan, paid_on=on, amount=amount, channel="bank_transfer",
                    reference=reference)
    db.session.add(rep)
    ledger.post(rep, live)
    ledger.apply_credit(live + [rep], on)
    ledger.refresh(on)
    live.append(rep)
