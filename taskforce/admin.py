"""Admin for the cross-cutting models, and the base admin of every compartmented model.

System administrators manage configuration; they get no bypass of compartments. The admin of a
compartmented model shows only what the access layer gives the signed-in user.
"""

from django.contrib import admin

from taskforce import access
from taskforce.models import AuditEvent

admin.site.site_header = "Task force administration"


class CompartmentedAdmin(admin.ModelAdmin):
    """Lists and opens compartmented records only through ``taskforce.access``.

    Writes belong to services, so the admin is read-only for these models.
    """

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request), "view")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "at",
        "action",
        "outcome",
        "user_id",
        "acting_agency_id",
        "object_type",
        "object_id",
        "source_ip",
    )
    list_filter = ("action", "outcome", "object_type")
    search_fields = ("=user_id", "=object_id", "=acting_agency_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
