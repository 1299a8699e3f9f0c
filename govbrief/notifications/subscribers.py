"""Who is told what, when a domain event commits (SPEC §3: every transition notifies the people
concerned). The apps that record the events never import this module; it subscribes to their kinds
through govbrief.events and reads what it needs by id."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief.events import DomainEvent, subscribe
from govbrief.orgs.choices import SCREENING_ROLES, SIGNING_ROLES, Role
from govbrief.orgs.models import InformantRegistration, Unit, User
from govbrief.orgs.selectors import users_with_role
from govbrief.reports.models import Comment, Report, ReportVersion, Submission

from .services import notify


def _submission(event: DomainEvent) -> Submission:
    return Submission.objects.select_related("report__unit", "report__author", "report__current_version", "version",
                                             "from_unit", "to_unit").get(pk=event.target_id)


def _report(event: DomainEvent) -> Report:
    return Report.objects.select_related("unit", "author", "current_version").get(pk=event.target_id)


def _title(event: DomainEvent, sub: Submission) -> str:
    """The title of the text the event concerned: a later step in the same transaction (a
    resubmission) may already have replaced the submission's version by the time this runs."""
    number = event.data.get("version")
    if number is None or number == sub.version.number:
        return sub.version.title
    return ReportVersion.objects.filter(report_id=sub.report_id, number=number).values_list("title", flat=True).first() \
        or sub.version.title


def _actor(event: DomainEvent) -> User | None:
    return User.objects.filter(pk=event.actor_id).first() if event.actor_id else None


def _author_and_signers(report: Report) -> list[User]:
    return [report.author, *users_with_role(unit=report.unit, roles=SIGNING_ROLES)]


def _screeners(unit) -> list[User]:
    return list(users_with_role(unit=unit, roles=SCREENING_ROLES))


def _tell(event: DomainEvent, recipients, verb: str, message: str, url: str) -> None:
    notify(recipients=recipients, verb=verb, message=message, url=url, exclude_id=event.actor_id)


# ---------------------------------------------------------------- inside the unit

@subscribe("report.signoff_requested")
def signoff_requested(event: DomainEvent) -> None:
    report = _report(event)
    _tell(event, users_with_role(unit=report.unit, roles=SIGNING_ROLES), "signoff_requested",
          _("“%(title)s” awaits your sign-off.") % {"title": report.title}, report.get_absolute_url())


@subscribe("report.signed")
def signed(event: DomainEvent) -> None:
    report = _report(event)
    _tell(event, [report.author], "signed",
          _("“%(title)s” was signed off by %(who)s.") % {"title": report.title, "who": _actor(event)},
          report.get_absolute_url())


@subscribe("report.sent_back")
def sent_back(event: DomainEvent) -> None:
    report = _report(event)
    _tell(event, [report.author], "sent_back",
          _("“%(title)s” was sent back: %(comment)s") % {"title": report.title, "comment": event.note},
          report.get_absolute_url())


# ---------------------------------------------------------------- between units

@subscribe("report.submitted")
def submitted(event: DomainEvent) -> None:
    sub = _submission(event)
    _tell(event, _screeners(sub.to_unit), "submitted",
          _("%(unit)s submitted “%(title)s”.") % {"unit": sub.report.unit, "title": _title(event, sub)},
          sub.get_absolute_url())


@subscribe("report.resubmitted")
def resubmitted(event: DomainEvent) -> None:
    sub = _submission(event)
    _tell(event, _screeners(sub.to_unit), "submitted",
          _("%(unit)s resubmitted “%(title)s”.") % {"unit": sub.from_unit, "title": _title(event, sub)},
          sub.get_absolute_url())


def _sender_people(sub: Submission) -> list[User]:
    """The sending unit's people, and the originating unit's author when it was forwarded."""
    if sub.from_unit_id == sub.report.unit_id:
        return _author_and_signers(sub.report)
    return [*_screeners(sub.from_unit), sub.report.author]


@subscribe("report.returned")
def returned(event: DomainEvent) -> None:
    sub = _submission(event)
    _tell(event, _sender_people(sub), "returned",
          _("%(office)s returned “%(title)s”: %(reason)s")
          % {"office": sub.to_unit, "title": _title(event, sub), "reason": event.note},
          sub.report.get_absolute_url())


@subscribe("report.adopted")
def adopted(event: DomainEvent) -> None:
    sub = _submission(event)
    people = _sender_people(sub)
    if sub.from_unit_id != sub.report.unit_id:
        # Adoption up the chain is credited back to, and shown to, the originating unit (SPEC §3.5),
        # as well as to the office that forwarded it.
        people = [*_screeners(sub.from_unit), *_author_and_signers(sub.report)]
    _tell(event, people, "adopted",
          _("%(office)s adopted “%(title)s”.") % {"office": sub.to_unit, "title": _title(event, sub)},
          sub.report.get_absolute_url())


@subscribe("report.forwarded")
def forwarded(event: DomainEvent) -> None:
    sub = _submission(event)
    _tell(event, _screeners(sub.to_unit), "submitted",
          _("%(unit)s forwarded “%(title)s”.") % {"unit": sub.from_unit, "title": _title(event, sub)},
          sub.get_absolute_url())
    routes = event.data["routes"]
    if routes and routes[0] == event.data["to"]:
        # One forward to several offices is one notice to the originating unit, naming them all.
        names = dict(Unit.objects.filter(pk__in=routes).values_list("pk", "name"))
        _tell(event, _author_and_signers(sub.report), "forwarded",
              _("%(office)s forwarded “%(title)s” to %(targets)s.")
              % {"office": sub.from_unit, "title": sub.report.title, "targets": "、".join(names[pk] for pk in routes)},
              sub.report.get_absolute_url())


# ---------------------------------------------------------------- the desk

@subscribe("report.assigned")
def assigned(event: DomainEvent) -> None:
    sub = _submission(event)
    _tell(event, User.objects.filter(pk=event.data["assignee"]), "assigned",
          _("%(who)s assigned “%(title)s” to you.") % {"who": _actor(event), "title": sub.version.title},
          sub.get_absolute_url())


@subscribe("report.lock_broken")
def lock_broken(event: DomainEvent) -> None:
    if event.target_type == "reports.submission":
        sub = _submission(event)
        title, url = sub.version.title, sub.get_absolute_url()
    else:
        report = _report(event)
        title, url = report.title, report.get_absolute_url()
    _tell(event, User.objects.filter(pk=event.data["holder"]), "lock_broken",
          _("%(who)s took over the editing of “%(title)s”; save your changes elsewhere.")
          % {"who": _actor(event), "title": title}, url)


@subscribe("comment.*")
def commented(event: DomainEvent) -> None:
    comment = Comment.objects.select_related("author", "author__unit", "submission__version", "submission__report__unit",
                                             "submission__report__author", "submission__from_unit",
                                             "submission__to_unit").get(pk=event.target_id)
    sub, author = comment.submission, comment.author
    mentioned = list(User.objects.filter(pk__in=event.data["mentions"]))
    _tell(event, mentioned, "mentioned",
          _("%(who)s mentioned you on “%(title)s”: %(text)s")
          % {"who": author, "title": sub.version.title, "text": comment.body[:80]}, sub.get_absolute_url())
    if event.kind != "comment.unit":
        return
    other_unit = sub.from_unit if author.unit_id == sub.to_unit_id else sub.to_unit
    if other_unit.pk == sub.report.unit_id:
        people = _author_and_signers(sub.report)
    else:
        people = _screeners(other_unit)
    _tell(event, [p for p in people if p not in mentioned], "message",
          _("New message from %(unit)s on “%(title)s”.") % {"unit": author.unit, "title": sub.version.title},
          sub.get_absolute_url() if other_unit.pk == sub.to_unit_id else sub.report.get_absolute_url())


# ---------------------------------------------------------------- registrations (seed 004)

def _registration(event: DomainEvent) -> InformantRegistration:
    return InformantRegistration.objects.select_related("unit__parent", "filed_by", "leader_account",
                                                        "informant_account").get(pk=event.target_id)


def _registration_url(reg: InformantRegistration) -> str:
    return f"/units/registrations/{reg.pk}/"


@subscribe("registration_filed")
def registration_filed(event: DomainEvent) -> None:
    reg = _registration(event)
    notify(recipients=users_with_role(unit=reg.unit, roles=[Role.PRINCIPAL]), verb="registration",
           message=_("Informant registration of %(name)s awaits your approval.") % {"name": reg.informant_name},
           url=_registration_url(reg))


@subscribe("registration_unit_approved")
def registration_unit_approved(event: DomainEvent) -> None:
    reg = _registration(event)
    notify(recipients=users_with_role(unit=reg.unit.parent, roles=[Role.SYSTEM_ADMIN, Role.CHIEF_EDITOR]),
           verb="registration",
           message=_("%(unit)s registered informant %(name)s; please review.") % {"unit": reg.unit, "name": reg.informant_name},
           url=_registration_url(reg))


@subscribe("registration_approved")
def registration_approved(event: DomainEvent) -> None:
    reg = _registration(event)
    notify(recipients=[reg.filed_by], verb="registration",
           message=_("The registration of %(name)s was approved; accounts %(a)s and %(b)s were created.")
           % {"name": reg.informant_name, "a": reg.leader_account.username, "b": reg.informant_account.username},
           url=_registration_url(reg))


@subscribe("registration_rejected")
def registration_rejected(event: DomainEvent) -> None:
    reg = _registration(event)
    notify(recipients=[reg.filed_by], verb="registration",
           message=_("The registration of %(name)s was rejected: %(why)s") % {"name": reg.informant_name, "why": event.note},
           url=_registration_url(reg))


# ---------------------------------------------------------------- deadlines (reports.reminders)

def _working_on(sub: Submission) -> list[User]:
    return [sub.assignee] if sub.assignee_id else _screeners(sub.to_unit)


@subscribe("report.due_today")
def due_today(event: DomainEvent) -> None:
    sub = _submission(event)
    _tell(event, _working_on(sub), "due_today", _("“%(title)s” is due today.") % {"title": sub.version.title},
          sub.get_absolute_url())


@subscribe("report.overdue")
def overdue(event: DomainEvent) -> None:
    sub = _submission(event)
    day = timezone.localtime(datetime.fromisoformat(event.data["deadline"])).strftime("%m-%d")
    chiefs = users_with_role(unit=sub.to_unit, roles=[Role.CHIEF_EDITOR])
    _tell(event, [*_working_on(sub), *chiefs], "deadline_passed",
          _("“%(title)s” is overdue: it was due on %(day)s.") % {"title": sub.version.title, "day": day},
          sub.get_absolute_url())
