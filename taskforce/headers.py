"""Security headers on every response (ASVS 14.4): a Content-Security-Policy that allows no
inline script or style, a Permissions-Policy that turns off the browser features the system never
uses, and a Cross-Origin-Opener-Policy that isolates its windows.

Every page loads its script and style from static files: data for a script travels in
``data-`` attributes or ``<script type="application/json">`` blocks (not executed). The API docs
page (drf-spectacular's Swagger UI) loads its start-up script from
``static/js/swagger-init.js`` through the template override in
``templates/drf_spectacular/swagger_ui.html``, so it needs no exception either.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    # drf-spectacular's Swagger view asks for "unsafe-none" to let an OAuth2 popup report back;
    # the API offers the client-credentials flow only (no popup), so same-origin holds there too.
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    """Set the headers above on every response, static files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        return response
