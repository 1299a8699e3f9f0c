"""How an audit entry reads on the pages: labels for codes, a one-line summary, the data in full."""

import json

from django import template

from .. import selectors

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    return selectors.action_label(action)


@register.filter
def audit_object_type(object_type: str) -> str:
    return selectors.object_type_label(object_type)


@register.filter
def audit_summary(data) -> str:
    return selectors.data_summary(data)


@register.filter
def audit_json(data) -> str:
    """Indented, keys sorted, Chinese as characters (not \\u escapes); autoescaped by the template."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str)
