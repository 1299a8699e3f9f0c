"""The duty boards, live (SPEC §5: the board updates without a reload, and being told at once is
what matters most here). After a change commits, every open page of the people of the units
concerned gets a ``refresh`` push (core.live). An office's duty desk all see one and the same board
(its visibility depends on the office alone), so the board is rendered once here and travels with
the push: twenty open boards show a report the moment the push arrives, instead of twenty pages
asking the server for the same fragment at once (issue 17's benchmark: the fetches, not the push,
were most of the time). Anyone else, and a page in another language, fetches its own."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from govbrief.core.live import Push, publish_many
from govbrief.orgs.choices import UnitKind
from govbrief.orgs.models import Unit, User
from govbrief.orgs.selectors import users_with_role

from .choices import IncidentState
from .permissions import DESK_ROLES

# A board larger than this goes by fetch, not inside the push (a push is a hint; keep it small).
MAX_PUSHED_HTML = 200_000
BOARD_REGION = "board:open"


def board_context(*, user, state: str = IncidentState.OPEN) -> dict:
    from . import permissions, selectors

    return {"rows": selectors.board(user=user, state=state), "state": state, "now": timezone.now(),
            "desk": permissions.is_desk(user)}


def refresh_boards(incident_id: int, unit_ids: Iterable[int | None]) -> None:
    """Once the caller's transaction commits, refresh the open boards of these units' people."""
    units = sorted({u for u in unit_ids if u is not None})
    transaction.on_commit(partial(push_boards, incident_id, units))


def push_boards(incident_id: int, unit_ids: list[int]) -> None:
    pushes: list[tuple[int, Push]] = []
    plain = {"scope": "emergencies", "incident": incident_id}
    for unit in Unit.objects.filter(pk__in=unit_ids):
        people = set(User.objects.filter(unit=unit, is_active=True).values_list("pk", flat=True))
        desk = sorted(users_with_role(unit=unit, roles=DESK_ROLES).values_list("pk", flat=True)) \
            if unit.kind == UnitKind.OFFICE else []
        if desk:
            with translation.override(settings.LANGUAGE_CODE):
                html = render_to_string("emergencies/_board.html",
                                        board_context(user=User.objects.get(pk=desk[0])))
            if len(html) <= MAX_PUSHED_HTML:
                push = Push("refresh", {**plain, "region": BOARD_REGION, "lang": settings.LANGUAGE_CODE,
                                        "html": html})
                pushes += [(pk, push) for pk in desk]
                people -= set(desk)
        pushes += [(pk, Push("refresh", plain)) for pk in sorted(people)]
    publish_many(pushes)
