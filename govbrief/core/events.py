"""Event kinds of the official calendar: who entered or corrected which holiday is security-relevant,
since every deadline and overdue flag counts working days on it (SPEC §6)."""

from django.utils.translation import pgettext_lazy

from govbrief import events

events.declare("calendar_day_created", pgettext_lazy("event", "Calendar day added"))
events.declare("calendar_day_changed", pgettext_lazy("event", "Calendar day changed"), required=("fields",))
events.declare("calendar_day_deleted", pgettext_lazy("event", "Calendar day removed"))
