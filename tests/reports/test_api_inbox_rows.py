"""Issue 14: the API inbox builds each row directly (InboxItemSerializer.to_representation); the
answer is DRF's field-by-field representation, for every kind of row."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from govbrief.reports import selectors, services
from govbrief.reports.serializers.output import InboxItemSerializer

from ..factories import submitted_report


def test_the_direct_rows_are_drf_s_own(world):
    editor = world.city_editor
    _, (adopted,) = submitted_report(world.county_informant, world.county_signer, [world.city], title="已采用并转报")
    _, (returned,) = submitted_report(world.county2_informant, world.county2_signer, [world.city], title="已退回")
    _, (assigned,) = submitted_report(world.direct_point_informant, world.direct_point_signer, [world.city],
                                      title="分派给主编")
    submitted_report(world.county_informant, world.county_signer, [world.city], title="新到未读")
    services.submission_adopt(submission=adopted, editor=editor, note="采用说明")
    services.submission_forward(submission=adopted, editor=editor, targets=[world.province])
    services.submission_return(submission=returned, editor=editor, reason="请补充")
    services.submission_assign(submission=assigned, assignee=world.city_editor, by=world.city_chief)
    services.submission_mark_opened(submission=assigned, user=editor)

    request = APIRequestFactory().get("/api/submissions/inbox/")
    request.user = editor
    rows = list(selectors.inbox_for(user=editor).prefetch_related("to_unit", "adoption__adopted_by"))
    assert len(rows) == 4
    serializer = InboxItemSerializer(rows, many=True, context={"request": request})
    direct = serializer.data
    generic = [serializers.Serializer.to_representation(serializer.child, row) for row in rows]
    assert [dict(row) for row in direct] == [dict(row) for row in generic]
    assert set(direct[0]) == set(InboxItemSerializer.Meta.fields)
