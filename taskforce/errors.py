"""Domain errors raised by services; the API maps them to status codes (409 here)."""


class InvalidTransition(Exception):
    """A workflow step that is not allowed from the record's current state (HTTP 409)."""
