from django.db import models
from django.utils.translation import gettext_lazy as _


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
