"""Template context every page needs: the task force's name and who is acting for whom."""

from django.conf import settings


def taskforce(request):
    return {"TASKFORCE_NAME": settings.TASKFORCE_NAME}
