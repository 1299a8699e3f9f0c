"""Form fields every app's pages share."""

from __future__ import annotations

from django import forms


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices by id that answer a clear error, not a crash, for ids out of the database's range (an
    id past 2^63 overflows the query on SQLite; text that is no number fails to convert)."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": "…"}) from exc
