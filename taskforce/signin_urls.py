"""/accounts/: the sign-in steps."""

from django.contrib.auth import views as auth_views
from django.urls import path

from taskforce import signin_views

urlpatterns = [
    path("login/", signin_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", signin_views.two_factor, name="two-factor"),
    path("two-factor/recovery-codes/", signin_views.recovery_codes, name="recovery-codes"),
    path("reauthenticate/", signin_views.reauthenticate, name="reauthenticate"),
    path("security/", signin_views.account_security, name="account-security"),
    path(
        "security/recovery-codes/",
        signin_views.new_recovery_codes,
        name="account-recovery-codes-new",
    ),
]
