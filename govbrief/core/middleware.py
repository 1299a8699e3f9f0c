from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """SPEC §2: an account handed down by the office above must change its initial password first."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            return redirect(reverse("password_change"))
        return self.get_response(request)
