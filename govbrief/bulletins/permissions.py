"""Who may do what to a publication, an issue or an item (SPEC §1: editors compose, the chief
editor approves and runs the publications; leaders read and mark). Services enforce these; pages
and the API ask the same functions which buttons to show."""

from __future__ import annotations

from govbrief.orgs.choices import SCREENING_ROLES, Role

from .choices import ISSUE_TRANSITIONS, IssueState
from .models import Issue, Publication


def _staff(user, office_id: int, *roles) -> bool:
    return (user.is_authenticated and user.unit_id is not None and user.unit_id == office_id
            and user.has_role(*(roles or SCREENING_ROLES)))


def may_edit_bulletins(user) -> bool:
    """The bulletin pages' editing side: an office's editors and chief editors."""
    return user.is_authenticated and user.unit_id is not None and user.has_role(*SCREENING_ROLES)


def may_manage_publications(user, office_id: int) -> bool:
    return _staff(user, office_id, Role.CHIEF_EDITOR)


def may_compose(user, publication: Publication) -> bool:
    return _staff(user, publication.office_id)


def may_approve(user, issue: Issue) -> bool:
    return _staff(user, issue.publication.office_id, Role.CHIEF_EDITOR)


# Who in a unit that a distribution names reads the issue, and who marks items for attention (圈阅).
READING_ROLES = (Role.LEADER, Role.PRINCIPAL)


def may_mark(user) -> bool:
    """A leader marks an item for attention (圈阅)."""
    return user.is_authenticated and user.has_role(*READING_ROLES)


def issue_actions(user, issue: Issue) -> dict[str, bool]:
    """What the issue's page offers this person, by state and role."""
    state = issue.state
    compose = may_compose(user, issue.publication)
    approve = may_approve(user, issue)

    def allowed(transition: str) -> bool:
        return state in ISSUE_TRANSITIONS[transition]

    return {
        "compose": compose and allowed("compose"),
        "send_for_approval": compose and allowed("send_for_approval"),
        "approve": approve and allowed("approve"),
        "return": approve and allowed("return"),
        "publish": compose and allowed("publish"),
        "withdraw": approve and allowed("withdraw"),
        "delete": compose and allowed("delete"),
        "receipts": compose and state in {IssueState.PUBLISHED, IssueState.WITHDRAWN},
        "mark": may_mark(user) and state == IssueState.PUBLISHED,
        "download": compose or state == IssueState.PUBLISHED,
    }
