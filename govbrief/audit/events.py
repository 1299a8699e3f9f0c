"""The audit app's own event kind: an export of the audit log.

Reading the log in bulk is itself a security-relevant act (等保 2.0 安全审计: the audit records must
be protected from unauthorised access, so who took a copy of them, and of what, is recorded). Paging
through the log on screen is not recorded: every page view would add an entry and drown the log."""

from django.utils.translation import pgettext_lazy

from govbrief import events

EXPORTED = "audit.exported"

# format: csv or xlsx; rows: how many entries the file holds; truncated: the result had more than
# the export cap; filters: the page's conditions as text (audit.filters.AuditEntryFilterSet.applied).
events.declare(EXPORTED, pgettext_lazy("event", "Audit log exported"),
               required=("format", "rows", "truncated", "filters"))
