"""Request-scoped context for the audit trail."""

from taskforce.audit import current_request, flush_pending


class AuditContextMiddleware:
    """Makes the request known to ``taskforce.audit.record`` and writes the refusals it queued.

    Innermost in ``MIDDLEWARE``, so it runs outside the view's transaction (``ATOMIC_REQUESTS``):
    a refusal stays on record although the view rolled back. If writing them fails, the error
    propagates and Django answers 500: the caller never gets the view's response unaudited.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            flush_pending(request)
            return response
        finally:
            current_request.reset(token)
