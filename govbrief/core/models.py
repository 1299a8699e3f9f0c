from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

# Field -> {code: label} for ChoiceDisplay; the labels stay lazy, so the active language still decides.
_choice_labels: dict[models.Field, dict] = {}


class ChoiceDisplay:
    """``get_<field>_display`` without Django's cost: it rebuilds a dict of the field's choices on
    every call, hashing each lazy label, and so translating every label of the field to show one
    (issue 14: a third of an inbox row's rendering). Here the codes map to the lazy labels once per
    field, and only the label shown is translated."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        labels = _choice_labels.get(field)
        if labels is None:
            labels = _choice_labels[field] = {code: label for code, label in field.flatchoices}
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: Django's own lookup knows what to do with it
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule in the official calendar (SPEC §6): a public
    holiday on a weekday, or a make-up working day (调休) on a weekend. The State Council publishes
    each year's calendar around November; an administrator enters or corrects it here."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class BackgroundTask(DBTaskResult):
    """A background task as the system admin sees it (core.admin): django-tasks-db's record of one
    run, named in the admin's language."""

    class Meta:
        proxy = True
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")


class Reminder(models.Model):
    """One reminder of a deadline, sent by a task queued for ``remind_at`` (core.reminders)."""

    purpose = models.CharField(_("kind of deadline"), max_length=60)
    stage = models.CharField(_("stage"), max_length=20)
    target_type = models.CharField(_("object type"), max_length=100)
    target_id = models.CharField(_("object id"), max_length=64)
    deadline = models.DateTimeField(_("deadline"))
    remind_at = models.DateTimeField(_("reminder time"))
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, blank=True)  # sent, or skipped (no longer due)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["target_type", "target_id", "purpose"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.target_type}#{self.target_id} {self.stage}"
