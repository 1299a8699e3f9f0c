from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govbrief.core.models import ChoiceDisplay
from govbrief.core.visibility import RestrictedQuerySet
from govbrief.events.models import TimelineEntry

from .choices import (
    URGENCY_RANK,
    AdoptionMode,
    CommentAudience,
    Distribution,
    EventAction,
    ReportKind,
    ReportState,
    SubmissionState,
    Urgency,
    inbox_rank,
)


class Report(ChoiceDisplay, models.Model):
    """One item of government-affairs information (政务信息), owned by the unit that wrote it.
    Its text lives in versions; once a version is signed it never changes (SPEC §3.2)."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_reports", verbose_name=_("author")
    )
    # Kind, urgency and distribution scope are signed with the text, so they live on the version only:
    # an office reads them from the version that reached it, the unit from its current version.
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    state = models.CharField(_("state"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT)
    current_version = models.ForeignKey(
        "ReportVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("current version")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["-updated_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.current_version.title if self.current_version_id else ""

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])


class ReportVersion(ChoiceDisplay, models.Model):
    """A text of a report. The unit's versions are signed by its signer; a forwarding office's
    edited version derives from the version it received, which keeps the lineage (SPEC §3.5)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions", verbose_name=_("report"))
    number = models.PositiveIntegerField(_("version"))
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("edited by unit"))
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives", verbose_name=_("derived from")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    # The particulars are part of what is signed: a later version may change them, a sent one never.
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.NEWS)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    distribution = models.CharField(
        _("distribution scope"), max_length=12, choices=Distribution.choices, default=Distribution.INTERNAL
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="unique_report_version_number")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_frozen(self) -> bool:
        return self.signed_at is not None

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n") if p.strip()]

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", " ").replace(",", " ").replace("、", " ").split() if k]

    def compute_hash(self) -> str:
        """SHA-256 over the signed content: text and the attachments' own hashes."""
        return content_hash(report_id=self.report_id, number=self.number, title=self.title, body=self.body,
                            keywords=self.keywords, kind=self.kind, urgency=self.urgency,
                            distribution=self.distribution, attachments=[a.sha256 for a in self.attachments.all()])

    def hash_matches(self) -> bool:
        return bool(self.content_hash) and self.content_hash == self.compute_hash()


def content_hash(*, report_id: int, number: int, title: str, body: str, keywords: str, kind: str, urgency: str,
                 distribution: str, attachments: list[str]) -> str:
    """The hash a signature covers (ReportVersion.compute_hash), also for versions written in bulk
    (demo.generator): one definition, so a generated signature verifies like a real one."""
    payload = {"report": report_id, "number": number, "title": title, "body": body, "keywords": keywords,
               "kind": kind, "urgency": urgency, "distribution": distribution, "attachments": sorted(attachments)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{instance.sha256[:16]}-{filename[-80:]}"


class Attachment(models.Model):
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("version"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Submission(ChoiceDisplay, models.Model):
    """A report sent to one receiving office (报送). A forwarded submission points at the
    submission it was forwarded from, so the whole path up the levels can be walked."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("report"))
    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("version"))
    from_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="sent_submissions", verbose_name=_("from"))
    to_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="received_submissions", verbose_name=_("to"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="forwards", verbose_name=_("forwarded from")
    )
    state = models.CharField(_("state"), max_length=12, choices=SubmissionState.choices, default=SubmissionState.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("screened by")
    )
    decided_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    # The editor's desk: who works on it, and when anyone in the office first opened it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_submissions",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    # The inbox's order (open first, most urgent first, newest first) must be served by one index on
    # this table, touching only the rows of a page whatever an office's history (issue 14), so the two
    # sort keys live here. ``is_closed`` is computed by the database from ``state`` and cannot drift;
    # ``urgency_rank`` is a copy of the sent version's rank (choices.inbox_rank: emergency reports first,
    # then by urgency; frozen once signed), kept by save()
    # whenever ``version`` is set (test_urgency_rank_follows_the_version guards it).
    is_closed = models.GeneratedField(
        expression=Case(When(state=SubmissionState.SUBMITTED, then=Value(0)), default=Value(1)),
        output_field=models.PositiveSmallIntegerField(), db_persist=True,
    )
    urgency_rank = models.PositiveSmallIntegerField(_("urgency rank"), default=URGENCY_RANK[Urgency.ROUTINE],
                                                    editable=False)
    # The report's own unit, which never changes, kept on each of its submissions so the unit's lists
    # (adoptions of its reports, what was returned to it) and the rule that it sees every submission
    # of its reports are served by this table's indexes instead of joining every report the unit
    # ever wrote (issue 14: the desk's "recent adoptions" read all 572 of a unit's reports). save()
    # fills it; test_origin_unit_is_the_reports_unit guards it.
    origin_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", editable=False,
                                    verbose_name=_("originating unit"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One route per sender and office: a double click or a repeated request submits once.
            models.UniqueConstraint(fields=["report", "from_unit", "to_unit"], name="unique_submission_route"),
        ]
        indexes = [
            models.Index(fields=["to_unit", "is_closed", "urgency_rank", "-submitted_at", "-id"],
                         name="submission_inbox_order"),
            # The desk's queues of open items (new, unassigned, mine) counted from the index alone.
            models.Index(fields=["to_unit", "is_closed", "assignee", "first_opened_at"], name="submission_desk_queues"),
            models.Index(fields=["to_unit", "state", "-submitted_at"]),
            models.Index(fields=["to_unit", "assignee", "state"]),
            # The unit's own reports' adoptions and returns, newest decision first (the desk's cards).
            models.Index(fields=["origin_unit", "state", "-decided_at"], name="submission_origin_decided"),
        ]

    def save(self, *args, **kwargs):
        # The copy of the version's urgency travels with every write of the version (see urgency_rank).
        if self.origin_unit_id is None and self.report_id is not None:
            self.origin_unit_id = self.report.unit_id
        if self.version_id is not None:
            self.urgency_rank = inbox_rank(self.version.kind, self.version.urgency)
            if (fields := kwargs.get("update_fields")) is not None and "version" in fields:
                kwargs["update_fields"] = {*fields, "urgency_rank"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.report_id} → {self.to_unit_id}"

    @property
    def is_forwarded(self) -> bool:
        """Adopted and sent on further up: derived from the forwards, never stored. Lists annotate
        ``has_forwards`` (selectors.with_forwarded) so this costs no query per row."""
        if self.state != SubmissionState.ADOPTED:
            return False
        annotated = getattr(self, "has_forwards", None)
        return annotated if annotated is not None else self.forwards.exists()

    @property
    def status_code(self) -> str:
        """The state as lists show it (a badge's class): "forwarded" for an adopted item sent on."""
        return "forwarded" if self.is_forwarded else self.state

    @property
    def status_label(self) -> str:
        if self.is_forwarded:
            return str(_("Adopted and forwarded"))
        return self.get_state_display()

    def get_absolute_url(self) -> str:
        return reverse("reports:submission", args=[self.pk])


class Adoption(ChoiceDisplay, models.Model):
    """The receiving office's decision to use a report (采用). Bulletins, when they exist,
    hang their items off this row; scoring reads it. The adopting office is the submission's
    ``to_unit``; ``level`` keeps the office's level at the time, which scoring prices."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="adoption", verbose_name=_("submission"))
    level = models.CharField(_("level"), max_length=20)
    # The publication the office adopts it for (its scoring tier); the issues it is printed in are
    # the bulletin items hanging off this row (bulletins.ItemSource), one or several publications.
    publication = models.ForeignKey("bulletins.Publication", on_delete=models.PROTECT, related_name="adoptions",
                                    verbose_name=_("publication"))
    mode = models.CharField(_("how adopted"), max_length=10, choices=AdoptionMode.choices, default=AdoptionMode.AS_IS)
    note = models.CharField(_("note"), max_length=300, blank=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("adopted by"))
    adopted_at = models.DateTimeField(_("adopted at"), default=timezone.now)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-adopted_at"]

    def __str__(self) -> str:
        return f"{self.publication} · {self.submission_id}"


class ReportEvent(ChoiceDisplay, TimelineEntry):
    """One line of a report's timeline: who did what, when, from which state to which. Written
    only by the event layer (``govbrief.events.record``), from the kinds in ``reports/events.py``;
    ``data`` holds ids and codes, never names."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="events", verbose_name=_("submission")
    )
    action = models.CharField(_("action"), max_length=30, choices=EventAction.choices)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · #{self.report_id}"


class SubmissionRead(models.Model):
    """An editor has opened a submission: the unread state is per editor."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "user"], name="unique_submission_read")]


class Comment(ChoiceDisplay, models.Model):
    """A note on a submission: internal to the receiving office, or a message the sending unit sees too."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments", verbose_name=_("submission"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    author_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    audience = models.CharField(_("visible to"), max_length=10, choices=CommentAudience.choices)
    body = models.TextField(_("text"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("mentioned"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["submission", "audience"])]

    def __str__(self) -> str:
        return self.body[:40]


class SavedFilter(models.Model):
    """An editor's named inbox filter (queue and query string), shown as a shortcut."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(_("name"), max_length=40)
    query = models.CharField(_("filter"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_filter_name")]

    def __str__(self) -> str:
        return self.name
