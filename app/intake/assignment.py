"""Who reviews a submitted application: the branch's reviewer with the fewest open reviews;
on a tie, the one who was given work longest ago (round robin)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Staff
from app.models.enums import ApplicationState

OPEN_REVIEW = (ApplicationState.SUBMITTED, ApplicationState.SCORING, ApplicationState.UNDER_REVIEW)


def reviewers_of(branch_id: int) -> list[Staff]:
    from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role

    return list(db.session.scalars(
        select(Staff).join(User, Staff.user_id == User.id)
        .join(assoc_user_role, assoc_user_role.c.user_id == User.id)
        .join(Role, Role.id == assoc_user_role.c.role_id)
        .where(Role.name == "Reviewer", Staff.branch_id == branch_id,
               Staff.active.is_(True), User.active.is_(True))
        .order_by(Staff.id)))


def pick_reviewer(branch_id: int) -> Staff | None:
    candidates = reviewers_of(branch_id)
    if not candidates:
        return None
    ids = [s.id for s in candidates]
    load = dict(db.session.execute(
        select(Application.reviewer_id, func.count()).where(
            Application.reviewer_id.in_(ids), Application.state.in_(OPEN_REVIEW))
        .group_by(Application.reviewer_id)).all())
    last = dict(db.session.execute(
        select(Application.reviewer_id, func.max(Application.submitted_at))
        .where(Application.reviewer_id.in_(ids)).group_by(Application.reviewer_id)).all())
    return min(candidates, key=lambda s: (load.get(s.id, 0), last.get(s.id) is not None,
                                          last.get(s.id) or 0, s.id))
