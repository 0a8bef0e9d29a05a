"""The default scorecard (version 1), seeded as data and edited by admins in the CRUD screens.

Base 600 points; each factor adds or removes points by bin ([lower, upper) on the factor's
value; an empty bound is open).  Grades: A ≥ 700, B ≥ 650, C ≥ 600, D ≥ 550, else E.
Recommendation: approve from 650, reject below 520, manual review in between.
"""

from __future__ import annotations

from decimal import Decimal

from app.extensions import db
from app.models import ScoreBin, Scorecard, ScoreFactor, ScoreGrade

D = Decimal
# code, name, [(lower, upper, points, reason)]
FACTORS = [
    ("age", "年龄", [(None, D(22), -40, "年龄低于22岁"), (D(22), D(30), 0, "年龄22–29岁"),
                     (D(30), D(50), 20, "年龄30–49岁"), (D(50), D(60), 5, "年龄50–59岁"),
                     (D(60), None, -30, "年龄60岁及以上")]),
    ("monthly_income", "月收入（元）", [(None, D(5000), -30, "月收入低于5,000元"),
                                  (D(5000), D(10000), 0, "月收入5,000–9,999元"),
                                  (D(10000), D(20000), 20, "月收入10,000–19,999元"),
                                  (D(20000), None, 35, "月收入20,000元及以上")]),
    ("debt_to_income", "负债收入比", [(None, D("0.3"), 25, "负债收入比低于30%"),
                                  (D("0.3"), D("0.5"), 0, "负债收入比30%–49%"),
                                  (D("0.5"), D("0.6"), -20, "负债收入比50%–59%"),
                                  (D("0.6"), None, -35, "负债收入比60%及以上")]),
    ("years_employed", "工作年限", [(None, D(1), -15, "工作不满1年"), (D(1), D(3), 0, "工作1–2年"),
                                (D(3), D(10), 10, "工作3–9年"), (D(10), None, 20, "工作10年及以上")]),
    ("has_property", "有房产", [(None, D(1), 0, "无房产"), (D(1), None, 30, "有房产")]),
    ("has_car", "有车辆", [(None, D(1), 0, "无车辆"), (D(1), None, 10, "有车辆")]),
    ("social_insurance_months", "社保缴纳月数", [(None, D(6), -10, "社保不足6个月"),
                                           (D(6), D(24), 5, "社保6–23个月"),
                                           (D(24), None, 15, "社保24个月及以上")]),
    ("housing_fund_months", "公积金缴纳月数", [(None, D(1), 0, "无公积金"),
                                        (D(1), D(24), 10, "公积金1–23个月"),
                                        (D(24), None, 20, "公积金24个月及以上")]),
    ("overdue_count_24m", "近24个月逾期次数", [(None, D(1), 20, "近24个月无逾期"),
                                         (D(1), D(3), -20, "近24个月逾期1–2次"),
                                         (D(3), None, -60, "近24个月逾期3次及以上")]),
    ("inquiries_6m", "近6个月征信查询次数", [(None, D(3), 10, "近6个月查询少于3次"),
                                        (D(3), D(6), -10, "近6个月查询3–5次"),
                                        (D(6), None, -30, "近6个月查询6次及以上")]),
    ("existing_loans", "现有贷款笔数", [(None, D(1), 10, "无在贷"), (D(1), D(3), 0, "在贷1–2笔"),
                                   (D(3), None, -25, "在贷3笔及以上")]),
    ("business_age_years", "企业经营年限", [(None, D(2), -20, "经营不满2年"),
                                      (D(2), D(5), 5, "经营2–4年"), (D(5), None, 20, "经营5年及以上")]),
]
GRADES = [("A", 700), ("B", 650), ("C", 600), ("D", 550), ("E", 0)]


def seed_default_scorecard() -> Scorecard:
    existing = db.session.query(Scorecard).filter_by(name="默认评分卡").first()
    if existing is not None:
        return existing
    card = Scorecard(name="默认评分卡", version=1, base_score=600, approve_min=650,
                     reject_below=520, active=True,
                     note="按年龄、收入、负债、资产、征信等因素打分；修改请新建版本。")
    for order, (code, name, bins) in enumerate(FACTORS):
        factor = ScoreFactor(code=code, name=name, sort_order=order)
        factor.bins = [ScoreBin(lower_bound=lo, upper_bound=hi, points=pts, reason=why)
                       for lo, hi, pts, why in bins]
        card.factors.append(factor)
    card.grades = [ScoreGrade(grade=g, min_score=m) for g, m in GRADES]
    db.session.add(card)
    db.session.flush()
    return card
