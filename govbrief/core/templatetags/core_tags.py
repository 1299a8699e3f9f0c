"""Template filters shared by every app's pages."""

from django import template

from govbrief.core.registry import NAV_COUNT_CAP

register = template.Library()


@register.filter
def count_badge(value) -> str:
    """A navigation or desk figure: counted up to NAV_COUNT_CAP (core.registry.nav_counts), so a
    larger one says "999+" rather than a number that is not the count."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return f"{NAV_COUNT_CAP}+" if number > NAV_COUNT_CAP else str(number)


@register.simple_tag
def rows(template_name: str, items, **options):
    """``{% rows "app/_row.html" items compact=True %}``: a list's rows through the row cache
    (core.fragments.render_rows)."""
    from govbrief.core.fragments import render_rows

    return render_rows(template_name, items or (), **options)


@register.simple_tag(takes_context=True)
def panels(context, page: str, obj):
    """``{% panels "reports.report" report %}``: the boxes other apps add to this page
    (core.registry.register_panel), each rendered with its own context, or nothing."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from govbrief.core.registry import panels as registered

    request = context.get("request")
    out = []
    for panel in registered(page):
        extra = panel.context(request, obj) if panel.context is not None else {}
        if extra is not None:
            out.append(render_to_string(panel.template, extra, request=request))
    return mark_safe("".join(out))
