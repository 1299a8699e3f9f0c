"""Form widgets for the pages every editor opens many times a day."""

from __future__ import annotations

import html

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class PlainSelect(forms.Select):
    """A ``<select>`` written out in Python.

    Django renders every ``<option>`` through a template include; the inbox's unit filter of a
    provincial office lists a few hundred units, and rendering them cost more than the rest of the
    page (issue 14). The markup is Django's own: the same attributes, the selected option marked,
    labels escaped, option groups kept."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        selected = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                options.append(format_html('<optgroup label="{}">{}</optgroup>', str(option_value),
                                           self._options(option_label, selected)))
            else:
                options.append(self._options([(option_value, option_label)], selected))
        return format_html('<select name="{}"{}>{}</select>', name, self._attrs(final_attrs), mark_safe("".join(options)))

    @staticmethod
    def _attrs(attrs: dict) -> SafeString:
        # As django/forms/widgets/attrs.html writes them: in order, True as a bare name, False left out.
        return mark_safe("".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items() if value is not False and value is not None))

    @staticmethod
    def _options(choices, selected: set[str]) -> SafeString:
        # html.escape once per value and label (what django.utils.html.escape does), not format_html's
        # round of conditional_escape per argument: a few hundred options are written on every view.
        parts = []
        for value, label in choices:
            text = "" if value is None else str(value)
            parts.append(f'<option value="{html.escape(text)}"{" selected" if text in selected else ""}>'
                         f"{label if isinstance(label, SafeString) else html.escape(str(label))}</option>")
        return mark_safe("".join(parts))
