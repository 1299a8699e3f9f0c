"""Who may see which publications, issues and items (SPEC §4, §9), registered with core.visibility.
An office's editors see everything of their own bulletins; anyone else sees a published issue only
when the issue names them or their unit as readers (its distribution), and a credited unit sees the
items its reports went into, so that its report can say where it was published."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from govbrief.core import visibility
from govbrief.orgs.choices import SCREENING_ROLES
from govbrief.reports.models import ReportVersion

from .choices import IssueState
from .models import Issue, Item, ItemSource, Publication


def _editor_of_office(user) -> bool:
    return user.unit_id is not None and user.has_role(*SCREENING_ROLES)


def _distributed_to(user) -> Q:
    """Published issues whose distribution names the person or the person's unit."""
    to_person = Issue.readers.through.objects.filter(issue_id=OuterRef("pk"), user_id=user.pk)
    q = Q(Exists(to_person))
    if user.unit_id is not None:
        to_unit = Issue.reader_units.through.objects.filter(issue_id=OuterRef("pk"), unit_id=user.unit_id)
        q |= Q(Exists(to_unit))
    return Q(state=IssueState.PUBLISHED) & q


@visibility.rule(Issue)
def issue_rule(user, **scope) -> Q:
    q = _distributed_to(user)
    if _editor_of_office(user):
        q |= Q(publication__office_id=user.unit_id)
    return q


@visibility.rule(Publication)
def publication_rule(user, **scope) -> Q:
    """The office's own publications, and those of which the person may read an issue."""
    read = Issue.objects.filter(_distributed_to(user), publication_id=OuterRef("pk"))
    q = Q(Exists(read))
    if _editor_of_office(user):
        q |= Q(office_id=user.unit_id)
    return q


@visibility.rule(Item)
def item_rule(user, **scope) -> Q:
    q = Q(issue__in=Issue.objects.restrict(user).values("pk"))
    if user.unit_id is not None:
        credited = ItemSource.objects.filter(item_id=OuterRef("pk"), unit_id=user.unit_id)
        q |= Q(issue__state=IssueState.PUBLISHED) & Q(Exists(credited))
    return q


@visibility.rule(ItemSource)
def source_rule(user, **scope) -> Q:
    return Q(item__in=Item.objects.restrict(user).values("pk"))


@visibility.grant(ReportVersion)
def _own_edits(user) -> Q:
    """An office reads the texts it wrote itself: its edit of an item made for a bulletin reached no
    other office, so the version rule alone would not show it on the report's page. (Readers of an
    issue read the item's printed text, never the report's versions.) A plain column test, so the
    rule every report page asks stays as cheap as it was (issue 14's budgets)."""
    if user.unit_id is None:
        return Q(pk__in=[])
    return Q(unit_id=user.unit_id)
