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


class LanguageMiddleware:
    """Simplified Chinese unless the user chose otherwise (SPEC: zh-hans is the default, English
    available). The browser's Accept-Language is deliberately ignored: civil servants share
    machines whose browsers are often set up in English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
