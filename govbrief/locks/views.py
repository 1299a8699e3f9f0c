"""The browser's side of edit locks: a heartbeat while the user works and a release on leaving.

Both act only on the requesting user's own lock — neither can take a lock (that happens when the
edit page is rendered, behind its own policy). But they name the object, so they first apply its
own visibility rule (core.visibility): an id the person may not see is 404, as everywhere else, and
stepping through ids maps nothing (issue 13). Who holds a lock is told only to the holder's own
unit: an office sees nothing of a unit's work in progress.
"""

from __future__ import annotations

from functools import wraps

from django.apps import apps
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from govbrief.core.web import id_from_text

from .exceptions import LockHeld, LockLost
from .models import EditLock, LockTarget
from .services import lock_refresh, lock_release


def _json_login_required(view):
    """Like login_required, but answers a script with 401 JSON instead of a redirect to the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            message = _("Your session has ended. Log in again; your changes here were not saved.")
            return JsonResponse({"held": False, "message": message}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


def _describe(lock: EditLock) -> dict:
    return {
        "holder": str(lock.holder),
        "since": lock.acquired_at.isoformat(),
        "expires_at": lock.expires_at.isoformat(),
    }


def _target(request) -> LockTarget | None:
    try:
        return LockTarget.parse(request.POST.get("type", ""), request.POST.get("id", ""))
    except ValueError:
        return None


def _visible(target: LockTarget, user) -> bool:
    """Only objects under a visibility rule can be locked from a page, and only those the user sees."""
    model = apps.get_model(target.object_type)
    if model._meta.swapped:  # auth.user: no manager at all
        return False
    restrict = getattr(model.objects, "restrict", None)
    pk = id_from_text(target.object_id)
    if restrict is None or pk is None:
        return False
    return restrict(user).filter(pk=pk).exists()


def _not_found() -> JsonResponse:
    return JsonResponse({"held": False, "detail": _("Not found.")}, status=404)


def _bad_request() -> JsonResponse:
    return JsonResponse({"detail": _("Say which object: a model label as type and its id.")}, status=400)


@never_cache
@csrf_protect
@require_POST
@_json_login_required
def heartbeat(request):
    """Keep the user's lock alive; 409 with who holds it now if the user has lost it."""
    target = _target(request)
    if target is None:
        return _bad_request()
    if not _visible(target, request.user):
        return _not_found()
    try:
        lock = lock_refresh(target=target, user=request.user)
    except LockHeld as exc:
        if exc.lock.holder.unit_id == request.user.unit_id:
            return JsonResponse({"held": False, **_describe(exc.lock), "message": str(exc)}, status=409)
        # Someone of another unit (the unit whose report an office reads): answered exactly as if
        # nobody held it, so the office learns nothing of the unit's work in progress.
        return _lost(LockLost())
    except LockLost as exc:
        return _lost(exc)
    return JsonResponse({"held": True, **_describe(lock)})


def _lost(exc: LockLost) -> JsonResponse:
    return JsonResponse({"held": False, "holder": None, "since": None, "expires_at": None, "message": str(exc)},
                        status=409)


@never_cache
@csrf_protect
@require_POST
@_json_login_required
def release(request):
    """Give up the user's lock; sent with navigator.sendBeacon when the edit page is left."""
    target = _target(request)
    if target is None:
        return _bad_request()
    if not _visible(target, request.user):
        return _not_found()
    lock_release(target=target, user=request.user)
    return JsonResponse({"held": False})
