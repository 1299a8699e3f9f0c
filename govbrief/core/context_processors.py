from .registry import nav_sections, per_request


def navigation(request):
    """The sidebar's sections, each with the context its app provides (counts, role flags). Worked
    out once per request: the desk renders each card with the request too (issue 14: the
    notifications were counted once per card)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def compute() -> dict:
        context: dict = {}
        sections = nav_sections()
        for section in sections:
            if section.context is not None:
                context.update(section.context(request) or {})
        context["nav_sections"] = sections
        return context

    return per_request(request, "core.navigation", compute)


def text_limits(request):
    """core.limits for templates, so a form states the same limits the services enforce."""
    from . import limits

    return {"limits": limits}
