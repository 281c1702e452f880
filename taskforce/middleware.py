"""Request-scoped context for the audit trail."""

from taskforce.audit import current_request, flush_pending


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            # Outside the view's transaction: refusals stay on record even when it rolled back.
            flush_pending(request)
            return response
        finally:
            current_request.reset(token)
