from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .registry import desk_cards


@login_required
def dashboard(request):
    """My to-do desk: what waits for me, by role. The cards come from the apps (core.registry)."""
    columns: dict[str, list[str]] = {"actions": [], "stats": [], "main": [], "side": []}
    for card in desk_cards():
        context = card.context(request) if card.context is not None else {}
        if context is None:
            continue
        columns.setdefault(card.column, []).append(render_to_string(card.template, context, request=request))
    return render(request, "core/dashboard.html", {"columns": columns})


# Error pages (issue 13): in the layout and in Chinese for people, core.api's JSON body for API
# clients, so an integration never has to parse an HTML page.

TITLES = {
    400: gettext_lazy("The request could not be understood"),
    403: gettext_lazy("You may not open this page"),
    404: gettext_lazy("Page not found"),
    413: gettext_lazy("The request is too large"),
    500: gettext_lazy("Something went wrong on the server"),
}
CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 413: "too_large", 500: "server_error"}


def _default_message(status: int) -> str:
    return {
        400: _("Some of what was sent is not valid. Go back, check the input and try again."),
        403: _("Your role or unit does not allow this. Ask your office if you think you should have access."),
        404: _("The page or item does not exist, or it is not visible to you."),
        413: _("The request is larger than the server accepts."),
        500: _("The error has been logged. Try again in a moment; if it happens again, tell your system administrator."),
    }[status]


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.META.get("HTTP_ACCEPT", "")


def error_response(request, status: int, message: str | None = None, *, field: str = "", code: str | None = None):
    message = message or _default_message(status)
    code = code or CODES.get(status, "error")
    if wants_json(request):
        return JsonResponse(
            {"detail": message, "errors": [{"field": field, "message": message, "code": code}]}, status=status
        )
    context = {"status": status, "title": TITLES.get(status, TITLES[400]), "message": message}
    try:
        body = loader.render_to_string("core/error.html", context, request=request)
    except Exception:  # noqa: BLE001 - the error page must not fail in turn (a broken context processor, a lost DB)
        body = loader.render_to_string("core/error_plain.html", context)
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    return error_response(request, 400)


def permission_denied(request, exception=None):
    message = str(getattr(exception, "message", "") or "") if exception is not None else ""
    return error_response(request, 403, message or None)


def page_not_found(request, exception=None):
    return error_response(request, 404)


def csrf_failure(request, reason=""):
    """A form sent without (or with an expired) CSRF token: usually a page left open past the idle
    timeout, or cookies blocked."""
    return error_response(request, 403, _("The form has expired or was not sent from this site. Reload the page "
                                          "and try again; if it keeps happening, allow cookies for this site."),
                          code="csrf_failed")


def server_error(request):
    return error_response(request, 500)
