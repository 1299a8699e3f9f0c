from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govbrief.core import limits
from govbrief.core.forms import BoundedModelMultipleChoiceField
from govbrief.orgs.models import Unit, User

from .models import Issue, Publication


def reader_querysets(office) -> tuple:
    """Whom an office's bulletins may go to: people and units of its own tree and the offices above."""
    ids = [office.pk, *(u.pk for u in office.ancestors())]
    units = Unit.objects.filter(is_active=True).filter(
        pk__in=[*ids, *Unit.objects.filter(parent_id__in=ids).values_list("pk", flat=True)]).order_by("sort_order", "id")
    people = User.objects.filter(is_active=True, unit_id__in=ids).select_related("unit").order_by("unit_id", "username")
    return people, units


class DistributionForm(forms.ModelForm):
    """A form with the distribution's readers (people and units), offered from the office's reach."""

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        people, units = reader_querysets(office)
        self.fields["readers"].queryset = people
        self.fields["reader_units"].queryset = units


# The readers' fields as the models label them, ticked in lists, and a clear error for ids out of range.
DISTRIBUTION_FIELD_CLASSES = {"readers": BoundedModelMultipleChoiceField,
                              "reader_units": BoundedModelMultipleChoiceField}
DISTRIBUTION_WIDGETS = {"readers": forms.CheckboxSelectMultiple, "reader_units": forms.CheckboxSelectMultiple}


class IssueForm(DistributionForm):
    class Meta:
        model = Issue
        fields = ["editor_note", "classification", "line_bao", "line_song", "line_fa", "readers", "reader_units"]
        field_classes = DISTRIBUTION_FIELD_CLASSES
        widgets = {**DISTRIBUTION_WIDGETS, "editor_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, office=office, **kwargs)
        self.fields["editor_note"].max_length = limits.REASON_MAX_CHARS


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE_MAX_CHARS)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 16, "class": "body"}),
                           max_length=limits.BODY_MAX_CHARS)
    note = forms.CharField(label=_("Editor's note (编者按)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=limits.REASON_MAX_CHARS)


class PublicationForm(DistributionForm):
    class Meta:
        model = Publication
        fields = ["name", "code", "masthead", "frequency", "tier", "classification", "line_bao", "line_song",
                  "line_fa", "printed_by", "total_offset", "sort_order", "is_active", "readers", "reader_units"]
        field_classes = DISTRIBUTION_FIELD_CLASSES
        widgets = DISTRIBUTION_WIDGETS

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, office=office, **kwargs)
        self.instance.office = office

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("readers", "reader_units")}
