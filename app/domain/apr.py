"""Annualized rate (年化利率) by the IRR method, as PBOC announcement [2021] No. 3 requires.

Find the monthly rate r with  received = sum(amount_t / (1 + r) ** t)  (t in months from the
start) and show 12 x r, quantized to 6 places.  All arithmetic is Decimal.

How a schedule enters it (``schedule_apr``): at t = 0 the borrower has the principal less every
upfront fee (deducted or paid apart); each installment's total (principal + interest + fee)
comes at its time in months.  Regular periods are whole months (1, 2, 3 ...).  An irregular
first period counts as days/30 months under 30/360 and actual/360, and as days x 12/365 under
actual/365 - the same fraction its interest was pro-rated by - and later installments follow
at whole months after it.  A bullet loan pays at t = months.  A loan repaying less than it
lent gets a negative rate; that is the honest IRR, not an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from app.domain import DomainError
from app.domain.i18n import N_
from app.domain.money import format_money
from app.domain.schedule import Schedule

APR_METHOD_NOTE = N_("Annualized rate by the IRR method, including all fees "
                     "(PBOC announcement [2021] No. 3).")

LOW = Decimal("-0.99")  # monthly; below it nobody would call the payments a loan repayment
HIGH = Decimal(10)  # 1000 % a month
PRECISION = 34
TOLERANCE = Decimal("1e-18")  # on the monthly rate: far below the 6 places shown
MAX_ITERATIONS = 200  # bisection alone halves a width of 11 to 1e-18 in about 64 steps
RATE_PLACES = Decimal("0.000001")
MONTHLY_PLACES = Decimal("1e-12")


@dataclass(frozen=True)
class AprResult:
    monthly_rate: Decimal
    apr: Decimal  # 12 x monthly_rate, 6 places: the figure quotes and contracts show
    effective_annual_rate: Decimal  # (1 + monthly_rate) ** 12 - 1, 6 places
    converged: bool


def _fail(reason: str, **params: object) -> DomainError:
    return DomainError.single("apr", reason, **params)


def _checked_flows(
    received: Decimal, payments: Sequence[tuple[Decimal | int, Decimal]]
) -> list[tuple[Decimal, Decimal]]:
    flows: list[tuple[Decimal, Decimal]] = []
    for t, amount in payments:
        # Floats would smuggle binary rounding into a figure shown on contracts.
        if isinstance(t, float | bool) or not isinstance(amount, Decimal):
            raise TypeError("payment times and amounts must be Decimal (times may be int)")
        flows.append((Decimal(t), amount))
    if not isinstance(received, Decimal):
        raise TypeError("net proceeds must be Decimal")
    if not received.is_finite() or received <= 0:
        raise _fail(N_("The annualized rate could not be computed: the amount received at "
                       "the start must be greater than 0."))
    if any(not t.is_finite() or t < 0 or not a.is_finite() or a < 0 for t, a in flows):
        raise _fail(N_("The annualized rate could not be computed: payment times and "
                       "amounts must not be negative."))
    if not any(t > 0 and a > 0 for t, a in flows):
        raise _fail(N_("The annualized rate could not be computed: there are no payments "
                       "after the start."))
    return sorted(flows)


def _value(r: Decimal, received: Decimal,
           flows: list[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    """f(r) = PV of the payments - received, and f'(r).

    Discount factors are built by multiplying the previous one by v = 1/(1+r) when payments
    are whole months apart (the usual case): one multiplication per installment, no powers.
    """
    v = 1 / (1 + r)
    ln_v: Decimal | None = None
    pv = Decimal(0)
    weighted = Decimal(0)
    prev_t, factor = Decimal(0), Decimal(1)
    for t, amount in flows:
        step = t - prev_t
        if step == 1:
            factor *= v
        elif step == step.to_integral_value():
            factor *= v ** int(step)
        else:
            ln_v = ln_v if ln_v is not None else v.ln()
            factor = (t * ln_v).exp()
        pv += amount * factor
        weighted += t * amount * factor
        prev_t = t
    return pv - received, -weighted * v


def annualized_rate(
    net_proceeds: Decimal, payments: Sequence[tuple[Decimal | int, Decimal]]
) -> AprResult:
    """Solve for the monthly IRR; ``payments`` are (months from t = 0, amount).

    Safeguarded Newton: a Newton step is taken when it stays inside the bracket that is known
    to hold the root, otherwise the bracket is bisected, so it always converges when a root
    exists in [LOW, HIGH].  Raises DomainError (field "apr") when there is none.
    """
    flows = _checked_flows(net_proceeds, payments)
    with localcontext(prec=PRECISION):
        total = sum((a for _, a in flows), Decimal(0))
        # f is strictly decreasing in r (all payments >= 0), so a root exists iff f changes
        # sign over the bracket.
        if _value(LOW, net_proceeds, flows)[0] < 0:
            raise _fail(N_("The annualized rate could not be computed: payments of %(total)s "
                           "in all can never repay the %(received)s received."),
                        total=format_money(total), received=format_money(net_proceeds))
        if _value(HIGH, net_proceeds, flows)[0] > 0:
            raise _fail(N_("The annualized rate could not be computed: it would exceed "
                           "%(limit)s a month."), limit="1000%")
        low, high = LOW, HIGH
        mean_t = sum((t * a for t, a in flows), Decimal(0)) / total
        # Simple-interest guess: usually within a few percent of the answer.
        r = min(max((total / net_proceeds - 1) / mean_t, low), high) if mean_t else Decimal(0)
        converged = False
        for _ in range(MAX_ITERATIONS):
            f, slope = _value(r, net_proceeds, flows)
            if f == 0:
                converged = True
                break
            if f > 0:
                low = r
            else:
                high = r
            step = f / slope if slope else None
            candidate = r - step if step is not None else None
            if candidate is None or not low < candidate < high:
                candidate = (low + high) / 2
            if abs(candidate - r) < TOLERANCE:
                r, converged = candidate, True
                break
            r = candidate
        effective = (1 + r) ** 12 - 1
        return AprResult(
            monthly_rate=r.quantize(MONTHLY_PLACES, rounding=ROUND_HALF_UP),
            apr=(12 * r).quantize(RATE_PLACES, rounding=ROUND_HALF_UP),
            effective_annual_rate=effective.quantize(RATE_PLACES, rounding=ROUND_HALF_UP),
            converged=converged,
        )


def schedule_apr(schedule: Schedule) -> AprResult:
    """The annualized rate of a priced schedule, fees included (see the module docstring)."""
    flows = schedule.cash_flows()
    return annualized_rate(flows.received, [(p.months, p.amount) for p in flows.payments])
