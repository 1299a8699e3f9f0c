"""Who is told what when an issue moves (SPEC §3: every transition notifies the people concerned),
through the shared notifications (in-app, live push, and the channels each person chose)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govbrief.events import DomainEvent, subscribe
from govbrief.notifications.kinds import declare
from govbrief.notifications.services import notify
from govbrief.orgs.choices import SCREENING_ROLES, SIGNING_ROLES, Role
from govbrief.orgs.models import User
from govbrief.orgs.selectors import users_with_role
from govbrief.reports.models import Report, Submission

from .models import Issue, Item, ItemSource
from .selectors import unit_readers

declare("issue_pending", gettext_lazy("A bulletin issue awaits my approval"))
declare("issue_returned", gettext_lazy("A bulletin issue of mine was returned"))
declare("issue_published", gettext_lazy("A bulletin issue was published to me"))
declare("published_in_bulletin", gettext_lazy("A report of ours was published in a bulletin"))
declare("adoption_withdrawn", gettext_lazy("An adoption of our report was withdrawn"))
declare("attention", gettext_lazy("A leader marked an item for attention"))


def _issue(event: DomainEvent) -> Issue:
    return Issue.objects.select_related("publication", "publication__office").get(pk=event.target_id)


def _readers(issue: Issue) -> list[User]:
    """The people the distribution names, and the leaders and heads of the units it names."""
    return [*issue.readers.filter(is_active=True), *unit_readers(issue=issue)]


def _credited_people(item_ids) -> dict[int, list[User]]:
    """Per credited report: its author and its unit's signers."""
    reports = Report.objects.filter(pk__in=ItemSource.objects.filter(item_id__in=list(item_ids)).values("report_id")) \
        .select_related("author", "unit")
    return {r.pk: [r.author, *users_with_role(unit=r.unit, roles=SIGNING_ROLES)] for r in reports}


@subscribe("bulletin.sent")
def sent(event: DomainEvent) -> None:
    issue = _issue(event)
    notify(recipients=users_with_role(unit=issue.publication.office, roles=[Role.CHIEF_EDITOR]), verb="issue_pending",
           message=_("An issue of %(publication)s awaits your approval.") % {"publication": issue.publication},
           url=issue.get_absolute_url(), exclude_id=event.actor_id)


@subscribe("bulletin.returned")
def returned(event: DomainEvent) -> None:
    issue = _issue(event)
    people = [p for p in (issue.sent_by, issue.created_by) if p is not None]
    notify(recipients=people, verb="issue_returned",
           message=_("The issue of %(publication)s was returned: %(reason)s")
           % {"publication": issue.publication, "reason": event.note},
           url=issue.get_absolute_url(), exclude_id=event.actor_id)


@subscribe("bulletin.published")
def published(event: DomainEvent) -> None:
    issue = _issue(event)
    notify(recipients=_readers(issue), verb="issue_published",
           message=_("%(issue)s was published.") % {"issue": issue}, url=issue.get_absolute_url(),
           exclude_id=event.actor_id)
    items = {c["item"] for c in event.data.get("credits", [])}
    for report_id, people in _credited_people(items).items():
        notify(recipients=people, verb="published_in_bulletin",
               message=_("Your report was published in %(issue)s.") % {"issue": issue},
               url=Report(pk=report_id).get_absolute_url(), exclude_id=event.actor_id)


@subscribe("report.adoption_withdrawn")
def adoption_withdrawn(event: DomainEvent) -> None:
    sub = Submission.objects.select_related("report", "report__author", "report__unit", "to_unit", "version").get(
        pk=event.target_id)
    notify(recipients=[sub.report.author, *users_with_role(unit=sub.report.unit, roles=SIGNING_ROLES)],
           verb="adoption_withdrawn",
           message=_("%(office)s withdrew its adoption of “%(title)s”: %(reason)s")
           % {"office": sub.to_unit, "title": sub.version.title, "reason": event.note},
           url=sub.report.get_absolute_url(), exclude_id=event.actor_id)


@subscribe("bulletin.attention")
def attention(event: DomainEvent) -> None:
    item = Item.objects.select_related("issue__publication__office").filter(pk=event.data["item"]).first()
    if item is None:
        return
    actor = User.objects.filter(pk=event.actor_id).first()
    message = _("%(leader)s marked “%(title)s” for attention.") % {"leader": actor, "title": item.title}
    notify(recipients=users_with_role(unit=item.issue.publication.office, roles=SCREENING_ROLES), verb="attention",
           message=message, url=item.issue.get_absolute_url(), exclude_id=event.actor_id)
    for report_id, people in _credited_people([item.pk]).items():
        notify(recipients=people, verb="attention", message=message, url=Report(pk=report_id).get_absolute_url(),
               exclude_id=event.actor_id)
