"""What a record may become: which fields may change, in which state, with which rights.

One declaration per entity, beside the state tables (app/domain/states.py for applications,
app/domain/contract_states.py for contracts).  An *edit* is a change a person types into a
record — a generated form, a PUT on the REST API, an import row, a bulk path — and every
such path asks ``refusal`` before it saves.  The moves of a record's life (submitting,
deciding, disbursing, posting a repayment, issuing a contract) are actions of their own,
checked by their own rules, and are not edits.

A rule grants fields in states to rights: ``Grant({"amount"}, {"draft"}, WRITE)`` lets a
user who may write the entity change ``amount`` while the record is a draft.  ``OTHERS``
stands for every field no grant of the rule names.  A field no grant covers is never
edited.  Rights are the entity's permission names without FAB's ``can_`` prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.i18n import N_

WRITE = frozenset({"write"})
REASSIGN = frozenset({"write", "reassign"})
SENSITIVE = frozenset({"write", "view_sensitive"})
OTHERS = "*"  # every field that no grant of the rule names


@dataclass(frozen=True)
class Grant:
    fields: frozenset[str]
    states: frozenset[str] | None = None  # None: in every state
    needs: frozenset[str] = WRITE


@dataclass(frozen=True)
class Refusal:
    """Why an edit is refused: a msgid and its parameters (``state`` is a state code, shown
    by its label), and the field it is about (None: the record as a whole)."""

    msgid: str
    params: dict = field(default_factory=dict)
    field: str | None = None


@dataclass(frozen=True)
class EditRule:
    entity: str
    grants: tuple[Grant, ...] = ()
    state_field: str | None = None
    locked: str = N_("This record is never edited.")  # why nothing may change (msgid)
    needs_messages: tuple[tuple[str, str], ...] = ()  # (right, msgid) when a right is missing
    delete_states: frozenset[str] | None = None  # None: deletion is not limited by state
    frozen_states: frozenset[str] = frozenset()  # nothing changes here but by a state move
    once: frozenset[str] = frozenset()  # set when empty, never changed or emptied after
    # (field, values, rights, msgid): moving the field to or from one of the values needs
    # the rights (putting a customer on the blacklist, or taking them off it)
    guarded: tuple[tuple[str, frozenset[str], frozenset[str], str], ...] = ()

    def named(self) -> frozenset[str]:
        return frozenset(f for g in self.grants for f in g.fields if f != OTHERS)

    def _covers(self, grant: Grant, name: str) -> bool:
        return name in grant.fields or (OTHERS in grant.fields and name not in self.named())

    def grants_for(self, name: str) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if self._covers(g, name))

    def may_change(self, name: str, state: str | None, rights: frozenset[str]) -> bool:
        return any((g.states is None or state in g.states) and g.needs <= rights
                   for g in self.grants_for(name))

    def can_edit(self, state: str | None, rights: frozenset[str]) -> bool:
        """Whether anything at all may be edited (the edit form opens, the icon shows)."""
        return any((g.states is None or state in g.states) and g.needs <= rights
                   for g in self.grants)

    def may_delete(self, state: str | None) -> bool:
        return self.delete_states is None or state in self.delete_states

    def refusal(self, state: str | None, rights: frozenset[str],
                changed: set[str] | frozenset[str]) -> Refusal | None:
        """None when every changed field may change now; else why the first one may not."""
        for name in sorted(changed):
            if self.may_change(name, state, rights):
                continue
            in_state = [g for g in self.grants_for(name)
                        if g.states is None or state in g.states]
            missing = sorted({r for g in in_state for r in g.needs - rights})
            for right, msgid in self.needs_messages:
                if right in missing:
                    return Refusal(msgid, {}, name)
            return Refusal(self.locked, {"state": state} if state else {}, name)
        return None

    def value_refusal(self, rights: frozenset[str],
                      values: dict[str, tuple[object, object]]) -> Refusal | None:
        """What the values themselves forbid: a set-once field changed after it was set,
        or a guarded value reached or left without the rights.  ``values`` holds each
        changed field's (before, after)."""
        for name in sorted(values):
            before, after = values[name]
            if name in self.once and before not in (None, ""):
                return Refusal(self.locked, {}, name)
            for field_name, guarded, needs, msgid in self.guarded:
                if field_name == name and (before in guarded or after in guarded) and \
                        not needs <= rights:
                    return Refusal(msgid, {}, name)
        return None

    def frozen(self, name: str, state: str | None) -> bool:
        """Whether no person may change ``name`` in ``state``, whatever their rights: a
        field a grant names outside the states it grants, or any field in one of
        ``frozen_states``.  The backstop under every path (app/editing.py) refuses such a
        change unless the record's state moves in the same flush (an action, not an edit);
        fields the actions keep up to date (balances…) are named by no grant."""
        if state in self.frozen_states:
            return True
        if name not in self.named():
            return False
        return not any(g.states is None or state in g.states for g in self.grants_for(name))


# -- The declarations ---------------------------------------------------------------------

NEEDS_REASSIGN = ("reassign", N_("Only a manager can reassign a record to another staff "
                                 "member."))
NEEDS_SENSITIVE = ("view_sensitive", N_("Changing a customer's identity or bank account "
                                        "needs the right to view sensitive data: ask a "
                                        "manager."))

# An application: its owner edits it while it is a draft (also after a reviewer returned
# it for documents: that makes it a draft again); after submission only its moves change
# it (app/intake/transitions.py).  A manager may hand it to another salesperson while it
# is open, and to another reviewer while it waits for review.
APPLICATION_TERMS = frozenset({"customer", "product", "channel", "amount", "months", "method",
                               "purpose", "note"})
OPEN_APPLICATION = frozenset({"draft", "submitted", "scoring", "under_review", "approved",
                              "contracted", "disbursed", "repaying", "overdue"})
APPLICATION = EditRule(
    "Application", state_field="state",
    grants=(Grant(APPLICATION_TERMS, frozenset({"draft"})),
            Grant(frozenset({"owner"}), OPEN_APPLICATION, REASSIGN),
            Grant(frozenset({"reviewer"}), frozenset({"submitted", "scoring", "under_review"}),
                  REASSIGN)),
    locked=N_("This application is %(state)s: after submission it changes only through its "
              "moves (approve, reject, return for documents, withdraw), never by editing."),
    needs_messages=(NEEDS_REASSIGN,),
    delete_states=frozenset({"draft"}))

# A customer's identity (who they are in law) and the account loans are paid into change
# only with the right to see them; the rest is the owner's to keep up to date.
CUSTOMER_IDENTITY = frozenset({"kind", "name", "id_number", "credit_code", "birth_date",
                               "gender", "bank_name", "bank_card"})
CUSTOMER = EditRule(
    "Customer",
    grants=(Grant(CUSTOMER_IDENTITY, needs=SENSITIVE),
            Grant(frozenset({"owner", "team", "branch"}), needs=REASSIGN),
            Grant(frozenset({OTHERS}))),
    needs_messages=(NEEDS_SENSITIVE, NEEDS_REASSIGN),
    # The blacklist is a manager's decision, both ways (a blacklisted customer is refused
    # at intake and rejected at submission).
    guarded=(("status", frozenset({"blacklisted"}), REASSIGN,
              N_("Only a manager can put a customer on the blacklist or take them off it.")),))

# A consent records what the customer agreed to, when: it can be revoked (and its signed
# copy attached) later, never rewritten.
CONSENT = EditRule(
    "Consent", grants=(Grant(frozenset({"revoked_on", "document"})),),
    once=frozenset({"revoked_on", "document"}),  # a revocation is not undone
    locked=N_("A consent records what the customer agreed to: only its revocation and its "
              "signed copy can be added later. Record a new consent instead."))

# A loan's figures come from its approved application and change through its actions
# (disbursement, repayments, write-off); the funder's reference may be corrected while the
# loan is open.
LOAN = EditRule(
    "Loan", state_field="state",
    grants=(Grant(frozenset({"funder_reference"}),
                  frozenset({"pending", "active", "overdue"})),),
    locked=N_("This loan is %(state)s: it changes only through its actions (disbursement, "
              "repayments, write-off), never by editing."))

# A service fee's refund rule is part of the service contract: settled before the fee is
# received.
SERVICE_FEE = EditRule(
    "ServiceFee", state_field="state",
    grants=(Grant(frozenset({"refund_rule"}), frozenset({"charged"})),),
    locked=N_("This service fee is %(state)s: it changes only by recording its receipt or "
              "a refund."))

# Issued contracts are frozen PDFs; a change after issue is a new version
# (app/contracts/service.py).  Nothing of a contract is edited in place, draft included:
# a draft is generated again from its loan.
CONTRACT = EditRule(
    "Contract", state_field="state",
    frozen_states=frozenset({"issued", "signed", "settled", "void"}),
    locked=N_("A contract is never edited: a draft is generated again from its loan, and a "
              "change after issue is a new version."))

NEVER_DECIDED = N_("Decisions and credit assessments are never edited: they record what "
                   "was decided and why. A new review makes a new one.")
NEVER_MONEY = N_("Repayments, their allocations and installments are never edited: a "
                 "mistake is reversed from the loan's page.")
NEVER_COMMISSION = N_("Commissions are made by their rules and change only through payout "
                      "batches and clawbacks.")

ANY_FIELD = (Grant(frozenset({OTHERS})),)

RULES: dict[str, EditRule] = {rule.entity: rule for rule in (
    APPLICATION, CUSTOMER, CONSENT, LOAN, SERVICE_FEE, CONTRACT,
    EditRule("Decision", locked=NEVER_DECIDED),
    EditRule("CreditAssessment", locked=NEVER_DECIDED),
    EditRule("AssessmentFactor", locked=NEVER_DECIDED),
    EditRule("Installment", locked=NEVER_MONEY),
    EditRule("Repayment", locked=NEVER_MONEY),
    EditRule("RepaymentAllocation", locked=NEVER_MONEY),
    EditRule("Commission", locked=NEVER_COMMISSION),
    EditRule("CommissionBatch", locked=NEVER_COMMISSION),
    EditRule("Document", locked=N_("A stored file is never edited: upload a new one.")),
    EditRule("Reminder", locked=N_("Reminders are made and sent by the system and are not "
                                   "edited.")),
    EditRule("AuditLog", locked=N_("The audit log is append-only.")),
    EditRule("RepaymentMethodOption", locked=N_("The repayment methods are built in.")),
    # Records staff keep up to date in any state, and the firm's configuration.
    *(EditRule(name, grants=ANY_FIELD) for name in (
        "Contact", "FollowUp", "Funder", "LoanProduct", "Channel", "LprRate", "FirmSetting",
        "Branch", "Team", "Staff", "Scorecard", "ScoreFactor", "ScoreBin", "ScoreGrade",
        "ContractTemplate")),
)}


def rule_of(entity: str) -> EditRule | None:
    return RULES.get(entity)
