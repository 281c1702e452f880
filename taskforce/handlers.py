"""Error pages: API paths answer JSON like the rest of the API, browser paths the HTML pages."""

from django.http import JsonResponse
from django.views.defaults import page_not_found, server_error


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return server_error(request)
