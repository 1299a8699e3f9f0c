from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string

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
