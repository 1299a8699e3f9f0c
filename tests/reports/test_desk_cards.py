"""The desk's cards (issue 13, "What a new user met"): a card shows only what the person's roles
act on, a count is the length of the list it stands for, and a capped list says how many more
there are and where to find them. Also the filter selects' empty choices and the form labels."""

import re

import lxml.html
from django.urls import reverse
from django.utils.translation import gettext as _

from govbrief.core.registry import forget_navigation
from govbrief.reports import services
from govbrief.reports.filters import InboxFilterSet, ReportFilter, SubmissionFilter
from govbrief.reports.models import Submission

from ..factories import draft_report, submitted_report


def desk(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, key: str) -> str:
    """The HTML of one desk card, by its data-card key ("" when the card is not on the page)."""
    found = lxml.html.fromstring(html).xpath(f"//div[@data-card='{key}']")
    return lxml.html.tostring(found[0], encoding="unicode") if found else ""


def return_reports(world, n):
    subs = []
    for i in range(n):
        _report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], title=f"乙县第{i + 1}条信息")
        subs.append(services.submission_return(submission=sub, editor=world.city_editor, reason=f"请补充数据{i + 1}"))
    return subs


def test_an_editor_who_does_not_draft_has_no_my_drafts_card(client, world):
    html = desk(client, world.city_editor)
    assert 'data-card="inbox_new"' in html
    assert 'data-card="my_drafts"' not in html
    assert 'data-card="returned"' not in html
    # …nor the drafting figures in the stats row: only the one that is hers.
    assert lxml.html.fromstring(html).xpath("//*[@data-stat]/@data-stat") == ["inbox_new"]


def test_a_drafter_without_drafts_gets_an_empty_state_that_leads_to_a_new_report(client, world):
    html = card(desk(client, world.county_informant), "my_drafts")
    assert 'class="empty' in html and reverse("reports:new") in html


def test_my_drafts_lists_the_persons_own_drafts(client, world):
    draft_report(world.county_informant, title="我写的草稿")
    draft_report(world.county_signer, title="别人写的草稿")
    html = card(desk(client, world.county_informant), "my_drafts")
    assert "我写的草稿" in html and "别人写的草稿" not in html


def test_the_returned_count_is_the_length_of_the_list_it_links_to(client, world):
    return_reports(world, 7)
    returned = Submission.objects.filter(from_unit=world.county, state="returned").count()
    html = desk(client, world.county_informant)
    stat = re.search(r'data-stat="returned".*?<div class="num">(\d+)</div>', html, re.S)
    assert int(stat.group(1)) == returned == 7
    returned_card = card(html, "returned")
    assert returned_card.count('class="title"') == 6  # capped…
    more = re.search(r'<a class="more" href="([^"]+)"[^>]*data-total="(\d+)"', returned_card)
    assert more is not None, "a capped list links to the whole list"  # …and says so
    assert int(more.group(2)) == returned
    # The page it links to lists exactly as many.
    response = client.get(more.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.context["page"].paginator.count == returned


def test_the_new_arrivals_card_links_to_as_many_as_it_counts(client, world):
    for i in range(9):
        submitted_report(world.county_informant, world.county_signer, [world.city], title=f"乙县第{i + 1}条信息")
    html = desk(client, world.city_editor)
    new_card = card(html, "inbox_new")
    assert new_card.count('class="title"') == 8
    more = re.search(r'<a class="more" href="([^"]+)"[^>]*data-total="(\d+)"', new_card)
    assert more is not None and int(more.group(2)) == 9
    assert client.get(more.group(1).replace("&amp;", "&")).context["page"].paginator.count == 9


def test_nothing_to_sign_is_a_zero_figure_and_no_card(client, world):
    html = desk(client, world.county_signer)
    assert 'data-stat="pending_signoff"' in html and 'data-card="to_sign"' not in html
    signed = draft_report(world.county_informant)
    services.report_request_signoff(report=signed, user=world.county_informant)
    assert signed.current_version.title in card(desk(client, world.county_signer), "to_sign")


def test_a_list_shown_whole_has_no_more_link(client, world):
    return_reports(world, 2)
    returned_card = card(desk(client, world.county_informant), "returned")
    assert returned_card.count('class="title"') == 2 and 'class="more"' not in returned_card


def test_a_resubmitted_report_is_no_longer_returned_on_the_desk(client, world):
    (sub,) = return_reports(world, 1)
    assert card(desk(client, world.county_informant), "returned")
    Submission.objects.filter(pk=sub.pk).update(state="submitted")
    # A change made around the services records no event: drop the unit's kept figures as an event would.
    forget_navigation(unit_ids=[world.county.pk])
    assert not card(desk(client, world.county_informant), "returned")


def test_every_filter_select_has_an_explicit_empty_label(world):
    """Not Django's "---------" nor a bare dash: the empty choice says what it means (全部单位)."""
    submitted_report(world.county_informant, world.county_signer, [world.city])
    forms = [InboxFilterSet(user=world.city_editor).form, ReportFilter().form, SubmissionFilter().form]
    seen = 0
    for form in forms:
        for name, field in form.fields.items():
            choices = list(getattr(field.widget, "choices", []) or [])
            if not choices or field.widget.is_hidden:
                continue
            value, label = choices[0]
            if value in ("", None):
                seen += 1
                assert str(label).strip("-— ") and str(label) != "---------", (type(form).__name__, name, label)
    assert seen >= 6
    unit_choices = list(InboxFilterSet(user=world.city_editor).form.fields["unit"].widget.choices)
    assert unit_choices[0] == ("", _("All units")) and len(unit_choices) == 2


def test_form_labels_carry_no_colon(client, world):
    """One label style everywhere: no trailing ":" or "：" (the CSS sets labels apart)."""
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    pages = [(world.county_informant, reverse("reports:new")), (world.county_informant, reverse("reports:import")),
             (world.city_editor, reverse("reports:inbox")), (world.city_editor, reverse("reports:forward", args=[sub.pk])),
             (world.city_editor, sub.get_absolute_url())]
    for user, url in pages:
        client.force_login(user)
        html = client.get(url).content.decode()
        labels = re.findall(r"<(label|legend)\b[^>]*>(.*?)</\1>", html, re.S)
        assert labels, url
        for _tag, text in labels:
            text = re.sub(r"<[^>]+>", "", text).strip()
            assert not text.endswith((":", "：")), (url, text)


def test_a_checkbox_list_shows_each_box_before_its_label_under_the_group_label(client, world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    client.force_login(world.city_editor)
    html = client.get(reverse("reports:forward", args=[sub.pk])).content.decode()
    group = re.search(r"<fieldset[^>]*>\s*<legend>(.*?)</legend>(.*?)</fieldset>", html, re.S)
    assert group is not None and group.group(1).strip() == _("Forward to")
    # Each box is inside its own label, before the unit's name.
    assert re.search(rf'<label[^>]*>\s*<input type="checkbox" name="targets" value="{world.province.pk}"[^>]*>\s*{world.province.name}',
                     group.group(2))
