"""Domain errors raised by services; views and the API turn them into messages and JSON."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ActionNotAllowed", "TransitionError", "ValidationError", "PermissionDenied"]


class ActionNotAllowed(PermissionDenied):
    """The user's role or unit does not permit this action on this object."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionError(ValidationError):
    """The object is not in a state from which this transition is allowed."""
