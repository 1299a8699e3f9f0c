from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief.notifications.selectors import notifications_for
from govbrief.orgs.choices import SCREENING_ROLES, SIGNING_ROLES
from govbrief.reports.choices import ReportState, SubmissionState
from govbrief.reports.selectors import dashboard_counts, inbox_for, reports_of_unit, submissions_visible_to


class LockoutAwareAuthenticationForm(AuthenticationForm):
    """Tells a locked-out person why the right password does not work, and until when."""

    def clean(self):
        from govbrief.orgs.models import User

        username = self.cleaned_data.get("username")
        locked = User.objects.filter(username=username, locked_until__gt=timezone.now()).values_list(
            "locked_until", flat=True).first() if username else None
        if locked:
            raise forms.ValidationError(
                _("Too many failed logins: this account is locked until %(time)s. Ask your administrator if you "
                  "need it sooner.") % {"time": timezone.localtime(locked).strftime("%H:%M")}, code="locked")
        return super().clean()


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = LockoutAwareAuthenticationForm


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def dashboard(request):
    """My to-do desk: what waits for me, by role."""
    user = request.user
    ctx = {"counts": dashboard_counts(user=user)}
    if user.unit_id:
        ctx["my_drafts"] = reports_of_unit(user=user, state=ReportState.DRAFT).filter(author=user)[:6]
        if user.has_role(*SIGNING_ROLES):
            ctx["to_sign"] = reports_of_unit(user=user, state=ReportState.PENDING_SIGNOFF)[:8]
        ctx["returned"] = (
            submissions_visible_to(user=user)
            .filter(from_unit_id=user.unit_id, state=SubmissionState.RETURNED)
            .select_related("report", "version", "to_unit")[:6]
        )
        ctx["recent_adoptions"] = (
            submissions_visible_to(user=user)
            .filter(report__unit_id=user.unit_id, state__in=[SubmissionState.ADOPTED, SubmissionState.FORWARDED])
            .select_related("report", "version", "to_unit")
            .order_by("-decided_at")[:6]
        )
        if user.has_role(*SCREENING_ROLES):
            ctx["inbox_new"] = inbox_for(user=user).filter(state=SubmissionState.SUBMITTED)[:8]
    ctx["notifications"] = notifications_for(user=user)[:6]
    return render(request, "core/dashboard.html", ctx)
