"""Admin: victims has no lookups of its own (service types, populations and languages belong to
agencies); every record here is compartmented, so the admin lists and opens them only through
the access layer, read-only (writes belong to the services, which validate and audit them)."""

from django.contrib import admin

from taskforce.admin import CompartmentedAdmin
from victims import models


@admin.register(models.VictimWitness)
class VictimWitnessAdmin(CompartmentedAdmin):
    list_display = ("__str__", "owner_agency", "identified_on", "trafficking_type", "is_minor")
    list_filter = ("trafficking_type", "is_minor")


@admin.register(models.Client)
class ClientAdmin(CompartmentedAdmin):
    list_display = ("__str__", "owner_agency", "status", "enrolled_on", "is_minor")
    list_filter = ("status", "is_minor")


@admin.register(models.Referral)
class ReferralAdmin(CompartmentedAdmin):
    list_display = ("__str__", "owner_agency", "provider", "status", "urgency", "respond_by")
    list_filter = ("status", "urgency")


@admin.register(models.Consent)
class ConsentAdmin(CompartmentedAdmin):
    list_display = ("__str__", "owner_agency", "recipient", "starts_on", "expires_on", "revoked_at")


@admin.register(models.ImmigrationRelief)
class ImmigrationReliefAdmin(CompartmentedAdmin):
    list_display = ("__str__", "owner_agency", "kind", "status", "requested_on")
    list_filter = ("kind", "status")


for model in (
    models.ServiceRecord,
    models.NeedsAssessment,
    models.ServicePlan,
    models.ClientNote,
    models.VictimNotification,
):
    admin.site.register(model, CompartmentedAdmin)
