"""Enforces the sign-in steps and the session clocks on every request."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from taskforce import mfa, signin

ENDED = {
    "idle": "You were signed out after 30 minutes without activity. Sign in again.",
    "absolute": "Your session reached its 12-hour limit. Sign in again.",
}


class SignInMiddleware:
    """After ``AuthenticationMiddleware``.

    - A session past its idle or absolute limit is ended; the page asks to sign in again and
      the API answers as to an anonymous caller.
    - A session that has passed the password but not the second factor reaches only the
      sign-in pages: any other page sends it there, and the API sees no user at all.
    - Every change made in the system administration (a POST under /admin/) needs a fresh
      password and code, as the privileged actions of the pages do.
    Bearer-token API calls carry no session and are not touched here.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")
        self.open_paths = (
            reverse("two-factor"),
            reverse("recovery-codes"),
            reverse("logout"),
            reverse("login"),
            settings.STATIC_URL,
            # Not pages: the health probe, and the OAuth2 endpoints of partner systems, which
            # authenticate by client secret and never by a browser session.
            reverse("healthz"),
            "/oauth/",
        )

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            ended = signin.expired(request)
            if ended is not None:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, ENDED[ended])
                    return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
            elif not signin.is_verified(request) and not mfa.exempt(user):
                if request.path.startswith("/api/"):
                    request.user = AnonymousUser()
                elif not request.path.startswith(self.open_paths):
                    url = f"{reverse('two-factor')}?{urlencode({'next': request.path})}"
                    return redirect(url)
            elif (
                request.method == "POST"
                and request.path.startswith(self.admin_prefix)
                and not signin.recently_authenticated(request)
            ):
                url = f"{reverse('reauthenticate')}?{urlencode({'next': request.path})}"
                return redirect(url)
        return self.get_response(request)
