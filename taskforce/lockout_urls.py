"""Locked accounts (included under accounts/)."""

from django.urls import path

from taskforce import lockout_views

urlpatterns = [
    path("locked/", lockout_views.locked_list, name="account-locks"),
    path("locked/<int:pk>/unlock/", lockout_views.unlock_account, name="account-unlock"),
]
