"""Event kinds of the network and its people. They are audit-only (no timeline): security-relevant
changes — accounts, roles, passwords, units, registrations — must all reach the tamper-evident log
(SPEC §9, 等保 2.0: 安全审计), and notifications subscribe to the registration ones."""

from django.utils.translation import pgettext_lazy

from govbrief import events

ORG_EVENTS = {
    "account_created": (("unit", "roles"), ()),
    "account_changed": (("fields",), ()),
    "account_deleted": ((), ()),
    "account_roles_changed": (("before", "after"), ()),
    "account_locked": (("until",), ()),
    "password_changed": (("by_admin",), ()),
    "unit_created": ((), ()),
    "unit_changed": (("fields",), ()),
    "unit_deleted": ((), ()),
    "direct_point_changed": (("is_direct_point", "reason"), ()),
    "registration_filed": ((), ()),
    "registration_unit_approved": ((), ()),
    "registration_approved": (("leader_account", "informant_account"), ()),
    "registration_rejected": ((), ()),
}
LABELS = {
    "account_created": pgettext_lazy("event", "Account created"),
    "account_changed": pgettext_lazy("event", "Account changed"),
    "account_deleted": pgettext_lazy("event", "Account deleted"),
    "account_roles_changed": pgettext_lazy("event", "Roles changed"),
    "account_locked": pgettext_lazy("event", "Account locked"),
    "password_changed": pgettext_lazy("event", "Password changed"),
    "unit_created": pgettext_lazy("event", "Unit created"),
    "unit_changed": pgettext_lazy("event", "Unit changed"),
    "unit_deleted": pgettext_lazy("event", "Unit deleted"),
    "direct_point_changed": pgettext_lazy("event", "Direct reporting point status changed"),
    "registration_filed": pgettext_lazy("event", "Registration filed"),
    "registration_unit_approved": pgettext_lazy("event", "Registration approved by the unit head"),
    "registration_approved": pgettext_lazy("event", "Registration approved by the office above"),
    "registration_rejected": pgettext_lazy("event", "Registration rejected"),
}
for _name, (_required, _optional) in ORG_EVENTS.items():
    events.declare(_name, LABELS[_name], required=_required, optional=_optional)
