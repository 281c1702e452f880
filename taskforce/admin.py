"""Admin for the cross-cutting models, and the base admin of every compartmented model.

System administrators manage configuration; they get no bypass of compartments. The admin of a
compartmented model shows only what the access layer gives the signed-in user.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from taskforce import access, mfa, signin
from taskforce.models import AuditEvent

User = get_user_model()

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


# --- Accounts ---------------------------------------------------------------------------------
# Second-factor devices are not edited by hand: a reset goes through ``mfa.reset`` (audited, and
# it ends the person's sessions), and a disable through ``signin.disable_account``.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    actions = ["reset_second_factor"]

    @admin.action(description="Reset the second factor (the person enrols again)")
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            mfa.reset(user, by=request.user)
        self.message_user(request, f"Second factor reset for {queryset.count()} account(s).")

    def save_model(self, request, obj, form, change):
        disabling = change and "is_active" in form.changed_data and not obj.is_active
        if disabling:
            obj.is_active = True  # disable_account turns it off, ends sessions and audits
        super().save_model(request, obj, form, change)
        if disabling:
            signin.disable_account(obj, by=request.user, reason="disabled by an administrator")
