from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..exceptions import clock
from ..models import LockTarget

register = template.Library()


@register.filter
def lock_clock(value) -> str:
    """09:42 today, 2024-03-01 09:42 on another day (local time)."""
    return clock(value) if value else ""


@register.simple_tag
def lock_attrs(target) -> str:
    """The data attributes locks.js looks for, for the edit form of ``target``:
    ``<form method="post" {% lock_attrs report %}>``."""
    key = LockTarget.of(target)
    return format_html(
        'data-lock-type="{}" data-lock-id="{}" data-lock-heartbeat-url="{}" data-lock-release-url="{}" '
        'data-lock-lost-message="{}"',
        key.object_type,
        key.object_id,
        reverse("locks:heartbeat"),
        reverse("locks:release"),
        _(
            "You no longer hold the edit lock: someone else has taken over this text. Saving may be refused — "
            "copy your changes somewhere safe, then reload the page."
        ),
    )
