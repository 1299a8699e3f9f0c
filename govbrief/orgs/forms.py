from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from govbrief.core import limits

from .choices import Gender
from .lockout import locked_message

from .models import InformantRegistration


class RegistrationForm(forms.ModelForm):
    """分管政务信息领导及信息员登记表 (seed 004), field for field."""

    class Meta:
        model = InformantRegistration
        fields = [
            "address", "office_phone", "fax",
            "leader_name", "leader_post", "leader_duties", "leader_office_phone", "leader_mobile",
            "leader_home_phone", "leader_govnet", "leader_email",
            "informant_name", "informant_gender", "informant_post", "informant_birth_month", "informant_native_place",
            "informant_party_member", "informant_office_phone", "informant_mobile", "informant_home_phone",
            "informant_govnet", "informant_qq", "informant_email", "informant_resume",
        ]
        widgets = {"informant_birth_month": forms.DateInput(attrs={"type": "month"}, format="%Y-%m")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["informant_birth_month"].input_formats = ["%Y-%m", "%Y-%m-%d"]
        # The seed form's 简历 box is a page at most (issue 13: 100,000 characters were stored).
        resume = self.fields["informant_resume"]
        resume.max_length = limits.REASON_MAX_CHARS * 2
        resume.validators.append(MaxLengthValidator(resume.max_length))
        resume.help_text = _("At most %(n)s characters.") % {"n": f"{resume.max_length:,}"}
        self.fields["informant_gender"].choices = [("", _("Choose…")), *Gender.choices]

    def clean_informant_birth_month(self):
        value = self.cleaned_data["informant_birth_month"]
        if value is not None and not 1900 <= value.year <= timezone.localdate().year:
            raise forms.ValidationError(_("Give a birth month between 1900 and this year."), code="invalid")
        return value

    UNIT_FIELDS = ["address", "office_phone", "fax"]
    LEADER_FIELDS = [f for f in Meta.fields if f.startswith("leader_")]
    INFORMANT_FIELDS = [f for f in Meta.fields if f.startswith("informant_")]

    def sections(self):
        return [
            (_("Unit"), [self[f] for f in self.UNIT_FIELDS]),
            (_("Supervising leader"), [self[f] for f in self.LEADER_FIELDS]),
            (_("Informant"), [self[f] for f in self.INFORMANT_FIELDS]),
        ]


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Opinion"), max_length=300, required=False)


class LockoutAware:
    """Tells a locked-out person why the right password does not work, and until when (the login
    page and the admin's login alike; the API token endpoint has its serializer)."""

    def clean(self):
        message = locked_message(self.cleaned_data.get("username"))
        if message:
            raise forms.ValidationError(message, code="locked")
        return super().clean()


class LockoutAwareAuthenticationForm(LockoutAware, AuthenticationForm):
    pass


class LockoutAwareAdminAuthenticationForm(LockoutAware, AdminAuthenticationForm):
    pass
