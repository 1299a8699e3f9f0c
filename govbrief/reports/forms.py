from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from govbrief.core import limits
from govbrief.core.forms import BoundedModelMultipleChoiceField
from govbrief.orgs.models import Unit

from .choices import DRAFTABLE_KINDS, AdoptionMode, CommentAudience, Distribution, ReportKind, Urgency
from .uploads import check_import_size, check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several attachments at once, each checked (type, content, size) before anything is saved."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(d, initial) for d in files if d]
        errors = []
        for uploaded in cleaned:
            try:
                check_upload(uploaded)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE_MAX_CHARS)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"class": "body"}), max_length=limits.BODY_MAX_CHARS)
    kind = forms.ChoiceField(label=_("Kind"), choices=DRAFTABLE_KINDS)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    distribution = forms.ChoiceField(label=_("Distribution scope"), choices=Distribution.choices, initial=Distribution.INTERNAL)
    keywords = forms.CharField(label=_("Keywords"), max_length=200, required=False, help_text=_("Separate with spaces or commas."))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    revision = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("kind") == ReportKind.EMERGENCY:
            # An emergency report stays one, extra urgent (its incident record says so, SPEC §5).
            self.fields["kind"].choices = [c for c in ReportKind.choices if c[0] == ReportKind.EMERGENCY]
            self.fields["urgency"].choices = [c for c in Urgency.choices if c[0] == Urgency.EXTRA_URGENT]
        # No maxlength on the text area: a browser would cut a long paste silently; the server
        # refuses it with the limit and keeps what was typed. The limit is said in the help text.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        self.fields["body"].help_text = " ".join((
            gettext("Paste from Word or WPS freely: styles, images and layout spacing are removed, one paragraph per line."),
            gettext("At most %(chars)s characters and %(paragraphs)s paragraphs.")
            % {"chars": f"{limits.BODY_MAX_CHARS:,}", "paragraphs": f"{limits.BODY_MAX_PARAGRAPHS:,}"},
        ))


class DocxImportForm(forms.Form):
    file = forms.FileField(label=_("Word document (.docx)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DRAFTABLE_KINDS)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("Choose a .docx file (in WPS: save as Word 2007 format)."))
        check_import_size(f)
        return f


def publication_choices(publications) -> list[tuple[str, str]]:
    """The office's publications by code, the value the service and the API take."""
    return [(p.code, str(p)) for p in publications]


class AdoptForm(forms.Form):
    publication = forms.ChoiceField(label=_("Publication"))
    mode = forms.ChoiceField(label=_("How adopted"), choices=AdoptionMode.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, publications=(), **kwargs):
        """``publications``: the office's, as (code, name) choices (views.office_publication_choices)."""
        super().__init__(*args, **kwargs)
        self.fields["publication"].choices = list(publications)


UnitsField = BoundedModelMultipleChoiceField


class ForwardForm(forms.Form):
    targets = UnitsField(label=_("Forward to"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"class": "body"}))
    keywords = forms.CharField(label=_("Keywords"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = Unit.objects.filter(pk__in=[t.pk for t in targets])


class BulkForm(forms.Form):
    """The shared parameters of a bulk action: only the ones the action needs are shown."""

    publication = forms.ChoiceField(label=_("Publication"), required=False)
    mode = forms.ChoiceField(label=_("How adopted"), choices=AdoptionMode.choices, required=False)
    reason = forms.CharField(label=_("Reason (every unit will see it)"), widget=forms.Textarea, required=False)
    assignee = forms.TypedChoiceField(label=_("Assign to"), required=False, coerce=int)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    FIELDS = {"adopt": ("publication", "mode", "note"), "archive": ("note",), "return": ("reason",), "assign": ("assignee",)}

    def __init__(self, *args, editors=(), action="adopt", publications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publication"].choices = list(publications)
        self.editors = {e.pk: e for e in editors}
        self.fields["assignee"].choices = [("", _("Assign to…"))] + [(e.pk, str(e)) for e in editors]
        for name in list(self.fields):
            if name not in self.FIELDS[action]:
                del self.fields[name]
        if action == "return":
            self.fields["reason"].required = True
        if action == "assign":
            self.fields["assignee"].required = True

    def clean_assignee(self):
        pk = self.cleaned_data.get("assignee")
        return self.editors.get(pk) if pk else None


class CommentForm(forms.Form):
    audience = forms.ChoiceField(label=_("Visible to"), choices=CommentAudience.choices)
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Mention a colleague with @ and their name to notify them."))

    def __init__(self, *args, actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actions is not None and not actions.get("note"):
            self.fields["audience"].choices = [c for c in CommentAudience.choices if c[0] == CommentAudience.UNIT]
