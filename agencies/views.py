"""Browser pages of the agency directory."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def directory(request):
    return render(request, "agencies/directory.html")
