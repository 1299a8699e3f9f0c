"""Domain errors raised by services; views and the API turn them into messages and JSON."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ActionNotAllowed", "Conflict", "TransitionError", "ValidationError", "PermissionDenied"]


class ActionNotAllowed(PermissionDenied):
    """The user's role or unit does not permit this action on this object."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Conflict(ValidationError):
    """A well-formed request that the object's current state refuses: the wrong state, someone
    else's edit lock, a stale copy. The API answers 409 (RFC 9110 §15.5.10), so a client can tell
    "fix the request" (400) from "reload and decide again" (409)."""


class TransitionError(Conflict):
    """The object is not in a state from which this transition is allowed."""
