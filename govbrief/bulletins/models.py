"""Bulletins (刊物, SPEC §4): an office's publications, their numbered issues, the items in an issue
and the adoptions each item credits, and who read what."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govbrief.core.models import ChoiceDisplay
from govbrief.core.visibility import RestrictedQuerySet
from govbrief.events.models import TimelineEntry

from .choices import Frequency, IssueAction, IssueState, Tier


class Publication(ChoiceDisplay, models.Model):
    """A bulletin an office edits (《政务信息》《专报》…). ``code`` names it in the API and in forms
    (``"special"``), unique within the office; ``total_offset`` carries the running number of a
    bulletin that was published before govbrief, so its first issue here is 总第 offset+1 期."""

    office = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="publications", verbose_name=_("office"))
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60, help_text=_("Without the book-title marks, e.g. 政务信息."))
    masthead = models.CharField(_("masthead text"), max_length=60, blank=True,
                                help_text=_("The red title printed at the top; the name when empty."))
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.IRREGULAR)
    tier = models.CharField(_("counts for scoring as"), max_length=12, choices=Tier.choices, default=Tier.GENERAL)
    classification = models.CharField(_("classification mark"), max_length=40, blank=True,
                                      help_text=_("Printed top left of the first page, e.g. 内部资料 注意保存."))
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                     verbose_name=_("default readers (people)"))
    reader_units = models.ManyToManyField("orgs.Unit", blank=True, related_name="+",
                                          verbose_name=_("default readers (units)"))
    line_bao = models.CharField(_("报 line"), max_length=300, blank=True)
    line_song = models.CharField(_("送 line"), max_length=300, blank=True)
    line_fa = models.CharField(_("发 line"), max_length=300, blank=True)
    printed_by = models.CharField(_("issued by (印发)"), max_length=100, blank=True,
                                  help_text=_("The office's name when empty."))
    total_offset = models.PositiveIntegerField(_("issues before govbrief"), default=0,
                                               validators=[MaxValueValidator(999_999)])
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["office", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="unique_publication_code",
                                    violation_error_message=_("This office already has a publication with this code.")),
            models.UniqueConstraint(fields=["office", "name"], name="unique_publication_name",
                                    violation_error_message=_("This office already has a publication of this name.")),
        ]

    def __str__(self) -> str:
        return f"《{self.name}》"

    @property
    def masthead_text(self) -> str:
        return self.masthead or self.name

    @property
    def issuer(self) -> str:
        return self.printed_by or self.office.name

    def get_absolute_url(self) -> str:
        return reverse("bulletins:publication", args=[self.pk])


def issue_file_path(instance: Issue, filename: str) -> str:
    return f"bulletins/{instance.publication.office_id}/{instance.publication.code}/{filename}"


class Issue(ChoiceDisplay, models.Model):
    """One issue of a publication. Its numbers (第X期 per year, 总第Y期 in all) are given when it is
    published, under a lock on the publication, so they have no gaps and no duplicates; a withdrawn
    issue keeps its numbers (the printed copies exist)."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="issues",
                                    verbose_name=_("publication"))
    state = models.CharField(_("state"), max_length=10, choices=IssueState.choices, default=IssueState.DRAFT)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    total_number = models.PositiveIntegerField(_("total number"), null=True, blank=True)
    editor_note = models.TextField(_("editor's note (编者按)"), blank=True)
    classification = models.CharField(_("classification mark"), max_length=40, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="bulletin_issues",
                                     verbose_name=_("readers (people)"))
    reader_units = models.ManyToManyField("orgs.Unit", blank=True, related_name="bulletin_issues",
                                          verbose_name=_("readers (units)"))
    line_bao = models.CharField(_("报 line"), max_length=300, blank=True)
    line_song = models.CharField(_("送 line"), max_length=300, blank=True)
    line_fa = models.CharField(_("发 line"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("sent for approval by"))
    sent_at = models.DateTimeField(_("sent for approval"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The files rendered when the issue is published (bulletins.rendering), so downloads are instant.
    docx_file = models.FileField(_("Word file"), upload_to=issue_file_path, max_length=255, blank=True)
    pdf_file = models.FileField(_("PDF file"), upload_to=issue_file_path, max_length=255, blank=True)
    pdf_pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("files rendered"), null=True, blank=True)
    render_error = models.CharField(_("rendering error"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "year", "number"], name="unique_issue_number"),
            models.UniqueConstraint(fields=["publication", "total_number"], name="unique_issue_total_number"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "pending", "approved"]) | Q(number__isnull=False,
                                                                             total_number__isnull=False),
                name="published_issue_is_numbered"),
        ]
        indexes = [models.Index(fields=["publication", "state", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.publication} {self.number_label}"

    @property
    def number_label(self) -> str:
        # The official designation (简报 practice: 2026年第49期（总第312期）), in every interface language.
        if self.number is None:
            return str(_("(not yet numbered)"))
        return f"{self.year}年第{self.number}期（总第{self.total_number}期）"

    @property
    def is_published(self) -> bool:
        return self.state == IssueState.PUBLISHED

    def get_absolute_url(self) -> str:
        return reverse("bulletins:issue", args=[self.pk])


class Item(models.Model):
    """An article of an issue. Its printed text is kept here; ``version`` is the report text it came
    from (the version the office received, or the office's own edit of it, which is a new version in
    the report's lineage: the unit's signed text never changes). A composite (集零为整) has no single
    version: its text is the editor's, and its sources credit every unit it drew on."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items", verbose_name=_("issue"))
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    note = models.TextField(_("editor's note (编者按)"), blank=True)
    version = models.ForeignKey("reports.ReportVersion", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="bulletin_items", verbose_name=_("text of"))
    is_composite = models.BooleanField(_("composite (merged)"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("added by"))
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["issue", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n") if p.strip()]

    @property
    def credit_line(self) -> str:
        """甲市人民政府办公室、乙县人民政府办公室供稿: every credited unit, in the order the item credits
        them, as the print and the reading page both show it (read ``sources`` prefetched with their units)."""
        names = list(dict.fromkeys(source.unit.name for source in self.sources.all()))
        if not names:
            return ""
        if len(names) > 3:  # a composite of many units names the first three (简报 practice)
            return "、".join(names[:3]) + "等供稿"
        return "、".join(names) + "供稿"


class ItemSource(models.Model):
    """An adoption an item credits: one for an item printed from one report, several for a composite.
    Items hang off adoptions many-to-one: one adoption may be printed in several publications of its
    office (《政务信息》 and 《专报》), and scoring counts each (or the highest, by its rule set)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="sources", verbose_name=_("item"))
    adoption = models.ForeignKey("reports.Adoption", on_delete=models.PROTECT, related_name="bulletin_sources",
                                 verbose_name=_("adoption"))
    # The credited unit (the report's own unit) and the report, copied from the adoption's submission
    # (which never changes) so that "where was this report published", asked by every report page, is
    # one indexed read of this table instead of a join through adoptions and submissions (issue 14).
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("credited unit"))
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+", editable=False,
                               verbose_name=_("report"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("item source")
        verbose_name_plural = _("item sources")
        ordering = ["item", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "adoption"], name="unique_item_source")]
        indexes = [models.Index(fields=["unit", "item"]), models.Index(fields=["report", "item"])]

    def save(self, *args, **kwargs):
        if self.report_id is None and self.adoption_id is not None:
            self.report_id = self.adoption.submission.report_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.item_id} ← {self.adoption_id}"


class ReadReceipt(models.Model):
    """阅读回执: who opened which published issue, first and last."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("issue"))
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("reader"))
    first_read_at = models.DateTimeField(_("first read"), default=timezone.now)
    last_read_at = models.DateTimeField(_("last read"), default=timezone.now)
    times = models.PositiveIntegerField(_("times read"), default=1)

    class Meta:
        verbose_name = _("reading receipt")
        verbose_name_plural = _("reading receipts")
        ordering = ["first_read_at", "id"]
        constraints = [models.UniqueConstraint(fields=["issue", "reader"], name="unique_read_receipt")]

    def __str__(self) -> str:
        return f"{self.reader_id} · {self.issue_id}"


class Attention(models.Model):
    """A leader's mark on an item (圈阅/关注), with an optional remark; instructions (批示) are
    the next step and their own app."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attentions", verbose_name=_("item"))
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("reader"))
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)

    class Meta:
        verbose_name = _("attention mark")
        verbose_name_plural = _("attention marks")
        ordering = ["-marked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "reader"], name="unique_attention")]

    def __str__(self) -> str:
        return f"{self.reader_id} · {self.item_id}"


class IssueEvent(ChoiceDisplay, TimelineEntry):
    """One line of an issue's timeline, written only by the event layer (bulletins/events.py)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events", verbose_name=_("issue"))
    action = models.CharField(_("action"), max_length=20, choices=IssueAction.choices)

    class Meta:
        verbose_name = _("issue event")
        verbose_name_plural = _("issue events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.action}"
