"""The emergency pages' forms: they only shape input; the rules are the services' (errors come back on
the fields they name)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govbrief.core.forms import BoundedModelMultipleChoiceField
from govbrief.orgs.models import Unit, User

from .choices import MARKABLE_RECORD_KINDS, DispositionKind, IncidentKind, Stage
from .models import ELEMENTS, EmergencyReport

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def when_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, input_formats=DATETIME_FORMATS, widget=DateTimeInput())


def figure_fields() -> dict:
    return {
        "deaths": forms.IntegerField(label=_("deaths"), required=False, min_value=0, max_value=10**6),
        "injuries": forms.IntegerField(label=_("injured"), required=False, min_value=0, max_value=10**7),
        "missing": forms.IntegerField(label=_("missing"), required=False, min_value=0, max_value=10**6),
        "loss": forms.DecimalField(label=_("direct loss (10,000 yuan)"), required=False, min_value=0,
                                   max_digits=12, decimal_places=2),
    }


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    title = forms.CharField(label=_("Name"), max_length=100,
                            help_text=_("A short name people will recognise, e.g. 乙县某化工厂爆炸."))
    place = forms.CharField(label=_("Place"), max_length=200)
    occurred_at = when_field(_("Happened at"))
    learned_at = when_field(_("Learned of at"))
    description = forms.CharField(label=_("Short description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ModelChoiceField(label=_("Unit where it happened"), queryset=Unit.objects.none(), required=False,
                                  help_text=_("Your own unit when empty."))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(figure_fields())
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units


class EmergencyReportForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The seven elements, each required, labelled as the model labels them (SPEC §5).
        for name in ELEMENTS:
            field = EmergencyReport._meta.get_field(name)
            if name == "occurred_at":
                self.fields[name] = when_field(field.verbose_name)
            else:
                widget = forms.Textarea(attrs={"rows": 2}) if isinstance(field.max_length, int) and \
                    field.max_length > 300 else forms.TextInput()
                # Required by the service, which names a missing element: the form does not pre-empt it.
                self.fields[name] = forms.CharField(label=field.verbose_name.capitalize(), required=False,
                                                    max_length=field.max_length, widget=widget)
        self.fields.update(figure_fields())

    def elements(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ELEMENTS}

    def casualties(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("deaths", "injuries", "missing", "loss")}


class RequestForm(forms.Form):
    units = BoundedModelMultipleChoiceField(label=_("Units"), queryset=Unit.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(label=_("What is asked"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units


class PhoneReportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Calling unit"), queryset=Unit.objects.none())
    caller = forms.CharField(label=_("Caller"), max_length=50)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=40, required=False)
    called_at = when_field(_("Called at"))
    summary = forms.CharField(label=_("What was said"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MarkForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=MARKABLE_RECORD_KINDS)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class EscalationForm(forms.Form):
    to_state_council = forms.TypedChoiceField(
        label=_("Report to the State Council office?"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes, it must go on")), ("no", _("No"))], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DispositionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was done"), choices=DispositionKind.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    message = forms.CharField(label=_("What more is asked (约稿)"), max_length=2000, required=False)
    leaders = BoundedModelMultipleChoiceField(label=_("Leaders"), queryset=User.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leaders is not None:
            self.fields["leaders"].queryset = leaders


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class RulesForm(forms.Form):
    incident_minutes = forms.IntegerField(label=_("Minutes after the incident"), min_value=10, max_value=7 * 24 * 60)
    request_minutes = forms.IntegerField(label=_("Minutes after a request"), min_value=10, max_value=7 * 24 * 60)


