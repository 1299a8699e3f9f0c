from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.urls import reverse_lazy
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govbrief.core.web import paginate, run_service

from . import selectors, services
from .choices import RegistrationState, UnitKind, UnitLevel
from .forms import LockoutAwareAuthenticationForm, OpinionForm, RegistrationForm
from .sessions import forget_idle_marker, was_logged_out_idle
from .models import Unit
from .permissions import may_decide_registration


DIRECTORY_PAGE_SIZE = 60


@login_required
def unit_directory(request):
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    level = request.GET.get("level", "")
    if q or kind or level:
        rows = [(u, 0) for u in selectors.units_directory(query=q, kind=kind, level=level)]
    else:
        rows = selectors.unit_tree()
    # A province is some six hundred units: the tree is shown a page at a time (issue 14: the whole
    # directory on one page cost about 100 ms to render).
    return render(request, "orgs/directory.html", {
        "page": paginate(request, rows, DIRECTORY_PAGE_SIZE), "q": q, "kind": kind, "level": level,
        "kinds": UnitKind.choices, "levels": UnitLevel.choices,
    })


@login_required
def unit_detail(request, pk):
    try:
        unit = selectors.unit_get(pk=pk)
    except Unit.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "orgs/unit_detail.html", {
        "unit": unit,
        "members": selectors.unit_members(viewer=request.user, unit=unit),
        "targets": selectors.report_targets_for(unit=unit),
        "children": unit.children.filter(is_active=True),
        "history": unit.direct_point_history.select_related("changed_by")[:20],
    })


@login_required
def registration_list(request):
    return render(request, "orgs/registration_list.html", {
        "registrations": selectors.registrations_for(user=request.user)[:100],
    })


@login_required
def registration_new(request):
    if request.user.unit_id is None:
        raise Http404
    unit = request.user.unit
    form = RegistrationForm(request.POST or None, initial={"address": unit.address, "office_phone": unit.phone, "fax": unit.fax})
    if request.method == "POST" and form.is_valid():
        reg = run_service(request, services.registration_file, form=form, filed_by=request.user,
                          **{f: form.cleaned_data[f] for f in RegistrationForm.Meta.fields},
                          success=_("The registration was filed; it now awaits your unit head's approval."))
        if reg:
            return redirect("orgs:registration", pk=reg.pk)
    return render(request, "orgs/registration_form.html", {"form": form, "unit": unit})


@login_required
def registration_detail(request, pk):
    reg = selectors.registrations_for(user=request.user).filter(pk=pk).first()
    if reg is None:
        raise Http404
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        opinion, decision = form.cleaned_data["opinion"], request.POST.get("decision")
        if decision == "reject":
            run_service(request, services.registration_reject, registration=reg, user=request.user, opinion=opinion,
                        success=_("The registration was rejected."))
        elif reg.state == RegistrationState.SUBMITTED:
            run_service(request, services.registration_unit_approve, registration=reg, user=request.user, opinion=opinion,
                        success=_("Approved; it now goes to the office above."))
        else:
            done = run_service(request, services.registration_office_approve, registration=reg, user=request.user, opinion=opinion)
            if done:
                for username, password in done.initial_passwords.items():
                    messages.success(request, _("Account %(u)s created with initial password %(p)s — hand it over; it must be changed at first login.")
                                     % {"u": username, "p": password})
        return redirect("orgs:registration", pk=reg.pk)
    may_decide = may_decide_registration(request.user, reg)
    return render(request, "orgs/registration_detail.html", {"reg": reg, "form": form, "may_decide": may_decide,
                                                             "sections": RegistrationForm(instance=reg).sections()})


# ---------------------------------------------------------------- accounts (SPEC §2, §9)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = LockoutAwareAuthenticationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # SPEC §9 idle timeout: say why the person is here again (orgs.sessions sets the marker).
        if was_logged_out_idle(self.request):
            context["idle_minutes"] = settings.SESSION_COOKIE_AGE // 60
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("idle_minutes"):
            forget_idle_marker(response)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        with transaction.atomic():  # the new password and its audit entry, or neither
            response = super().form_valid(form)
            services.account_password_changed(user=form.user, by=form.user)
        messages.success(self.request, _("Your password was changed."))
        return response
