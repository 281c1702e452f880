"""Browser pages of the shell: role home pages and the audit log."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "taskforce/home.html")


@login_required
def audit_log(request):
    return render(request, "taskforce/audit_log.html")
