from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govbrief.core.web import paginate, parse_ids, run_service

from .kinds import notice_kinds
from .selectors import group_repeats, notifications_for
from .services import notifications_mark_read, preferences_for, preferences_save


@login_required
def notification_preferences(request):
    """Per kind of notice: e-mail and SMS besides the in-app list (urgent kinds fixed on)."""
    rows = preferences_for(user=request.user)
    if request.method == "POST":
        choices = [{"verb": row["verb"], "email": f"email:{row['verb']}" in request.POST,
                    "sms": f"sms:{row['verb']}" in request.POST} for row in rows if not row["urgent"]]
        if run_service(request, preferences_save, user=request.user, choices=choices,
                       success=_("Your notification settings were saved.")):
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "rows": rows, "has_email": bool(request.user.email), "has_mobile": bool(request.user.mobile)})


@login_required
def notification_list(request):
    """The person's notices, newest first, repeats of one kind grouped; filtered by kind and read state."""
    qs = notifications_for(user=request.user)
    unread_only = bool(request.GET.get("unread"))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    kinds = {kind.verb: kind for kind in notice_kinds()}
    kind = request.GET.get("kind", "")
    if kind in kinds:
        qs = qs.filter(verb=kind)
    page = paginate(request, qs, 30)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notifications/list.html", {
        "page": page, "groups": group_repeats(page.object_list), "unread_only": unread_only,
        "kind": kind if kind in kinds else "", "kinds": kinds.values(), "query": query.urlencode()})


@login_required
@require_POST
def notifications_read(request):
    ids = parse_ids(request.POST.getlist("ids")) or None
    notifications_mark_read(user=request.user, ids=ids)
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("notifications:list")


@login_required
def notification_open(request, pk):
    """Follow a notification's link and mark it read on the way."""
    n = notifications_for(user=request.user).filter(pk=pk).first()
    if n is None:
        return redirect("notifications:list")
    notifications_mark_read(user=request.user, ids=[n.pk])
    return redirect(n.url if n.url.startswith("/") and not n.url.startswith("//") else "notifications:list")
