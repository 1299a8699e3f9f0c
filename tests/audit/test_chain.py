"""The audit log cannot be edited (SPEC §9, 等保 2.0): every way of tampering with the hash chain is found,
named at the right entry, and makes ``govbrief audit verify`` exit with status 1."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.utils import timezone, translation

from govbrief.audit import services
from govbrief.audit.models import AuditChainHead, AuditEntry
from govbrief.audit.services import Reason, audit_chain_verify, audit_record
from govbrief.orgs.models import User

ROW_FIELDS = ["created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "data", "prev_hash", "hash"]


@pytest.fixture
def entries(db) -> list[AuditEntry]:
    """Four entries recorded the normal way, oldest first."""
    user = User.objects.create(username="auditee")
    return [audit_record(actor=user, action=f"test.step{n}", target=user, data={"n": n}) for n in range(1, 5)]


def assert_broken_at(reason: Reason, entry: AuditEntry) -> None:
    report = audit_chain_verify()
    assert not report.ok and report.first_broken is not None
    assert (report.first_broken.reason, report.first_broken.entry_id) == (reason, entry.pk)
    assert (report.first_broken.created_at, report.first_broken.action) == (entry.created_at, entry.action)
    assert report.first_broken.message


def swap_rows(a: AuditEntry, b: AuditEntry) -> None:
    """Exchange two rows' whole contents (hashes included), as if their order had been changed."""
    row_a, row_b = (AuditEntry.objects.filter(pk=e.pk).values(*ROW_FIELDS).get() for e in (a, b))
    AuditEntry.objects.filter(pk=a.pk).update(hash="x" * 64)  # the hash is unique: free it first
    AuditEntry.objects.filter(pk=b.pk).update(**row_a)
    AuditEntry.objects.filter(pk=a.pk).update(**row_b)


def run_verify() -> tuple[str, int]:
    """``govbrief audit verify`` as the console sees it: its output and its exit status
    (``run_from_argv`` turns a CommandError into ``sys.exit(returncode)``)."""
    out = StringIO()
    with translation.override("en"):
        try:
            call_command("audit", "verify", stdout=out)
        except CommandError as error:
            return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_an_intact_chain_passes(entries):
    assert audit_chain_verify() == services.ChainReport(ok=True, checked=4, first_broken=None)


def test_an_empty_log_passes(db):
    assert audit_chain_verify() == services.ChainReport(ok=True, checked=0, first_broken=None)


def test_verifying_takes_the_same_two_queries_however_long_the_chain(entries, django_assert_num_queries):
    with django_assert_num_queries(2):  # the streamed walk and the head: no per-entry look-up
        assert audit_chain_verify().ok


def test_the_walk_streams_the_log_instead_of_loading_it_whole(entries, monkeypatch):
    """Constant memory at millions of rows: entries are read in chunks, never as one list."""
    fetch_all = QuerySet._fetch_all

    def refuse_whole_log(queryset: QuerySet) -> None:
        assert not (queryset.model is AuditEntry and not queryset.query.is_sliced), "the whole log was loaded"
        fetch_all(queryset)

    monkeypatch.setattr(QuerySet, "_fetch_all", refuse_whole_log)
    assert audit_chain_verify().checked == 4


@pytest.mark.parametrize("change", [{"actor_name": "someone else"}, {"data": {"n": 99}}], ids=["actor_name", "data"])
def test_an_edited_entry_is_named(entries, change):
    AuditEntry.objects.filter(pk=entries[1].pk).update(**change)
    assert_broken_at(Reason.EDITED, entries[1])


def test_an_entry_edited_and_rehashed_is_named_not_the_next_one(entries):
    edited = entries[1]
    edited.actor_name = "someone else"
    new_hash = services._digest(edited.prev_hash, services._payload(edited))
    AuditEntry.objects.filter(pk=edited.pk).update(actor_name=edited.actor_name, hash=new_hash)
    assert_broken_at(Reason.REHASHED, edited)


def test_a_deleted_middle_entry_is_found_at_the_entry_after_it(entries):
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert_broken_at(Reason.MISSING, entries[2])


def test_a_deleted_first_entry_is_found(entries):
    AuditEntry.objects.filter(pk=entries[0].pk).delete()
    assert_broken_at(Reason.MISSING, entries[1])


def test_swapped_entries_are_found_out_of_order(entries):
    swap_rows(entries[1], entries[2])
    with translation.override("en"):
        report = audit_chain_verify()
    assert report.first_broken is not None
    # Row #2 now holds the third entry, which links to the second entry, now in row #3.
    assert (report.first_broken.reason, report.first_broken.entry_id) == (Reason.REORDERED, entries[1].pk)
    assert report.first_broken.action == entries[2].action
    assert f"#{entries[2].pk}" in report.first_broken.message


def test_a_truncated_tail_is_found_through_the_head(entries):
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    assert_broken_at(Reason.TRUNCATED, entries[-2])


def test_a_head_pointing_to_an_older_entry_is_found(entries):
    AuditChainHead.objects.filter(pk=1).update(last_hash=entries[1].hash)
    assert_broken_at(Reason.HEAD_BEHIND, entries[-1])


@pytest.mark.parametrize("lose_head", ["delete", "reset"])
def test_entries_without_a_head_are_found(entries, lose_head):
    heads = AuditChainHead.objects.filter(pk=1)
    heads.delete() if lose_head == "delete" else heads.update(last_hash=services.GENESIS)
    assert_broken_at(Reason.HEAD_MISSING, entries[-1])


def test_a_chain_restarted_after_the_head_was_deleted_is_found(entries):
    AuditChainHead.objects.all().delete()
    restarted = audit_record(actor=None, action="test.after", target=User.objects.get())
    assert_broken_at(Reason.RESTARTED, restarted)


def test_a_head_with_every_entry_deleted_is_found(entries):
    AuditEntry.objects.all().delete()
    report = audit_chain_verify()
    assert not report.ok and report.first_broken is not None
    assert (report.first_broken.reason, report.first_broken.entry_id) == (Reason.EMPTIED, None)


@pytest.mark.parametrize("recorded", [0, 2])
def test_an_entry_appended_while_verifying_is_not_taken_for_tampering(db, monkeypatch, recorded):
    user = User.objects.create(username="auditee")
    for n in range(recorded):
        audit_record(actor=user, action="test.before", target=user)
    read_head = services._head_hash

    def append_then_read_head() -> str | None:  # someone works between the walk and the head read
        audit_record(actor=user, action="test.meanwhile", target=user)
        return read_head()

    monkeypatch.setattr(services, "_head_hash", append_then_read_head)
    assert audit_chain_verify() == services.ChainReport(ok=True, checked=recorded, first_broken=None)


def test_the_command_exits_0_and_says_the_chain_is_intact(entries):
    out, status = run_verify()
    assert status == 0
    assert out.splitlines() == ["Audit entries checked: 4", "The audit chain is intact."]


def test_the_command_exits_1_and_names_the_broken_entry(entries):
    AuditEntry.objects.filter(pk=entries[1].pk).update(actor_name="someone else")
    out, status = run_verify()
    assert status == 1
    time = f"{timezone.localtime(entries[1].created_at):%Y-%m-%d %H:%M:%S}"
    assert out.splitlines() == [
        "Audit entries checked: 2",
        f"The audit chain is broken at entry #{entries[1].pk} ({time}, test.step2): its content was changed "
        "after it was recorded: the stored hash no longer matches it.",
    ]


def test_the_command_exits_1_when_every_entry_was_deleted(entries):
    AuditEntry.objects.all().delete()
    out, status = run_verify()
    assert status == 1
    assert "The audit chain is broken: all entries were deleted" in out
