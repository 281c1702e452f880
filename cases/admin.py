"""Admin: lookups are editable; compartmented records are listed only through the access layer
(read-only: writes belong to the services)."""

from django.contrib import admin

from cases import models
from taskforce.admin import CompartmentedAdmin


@admin.register(models.Venue, models.RecruitmentMethod)
class CodeNameAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(models.NibrsOffense)
class NibrsOffenseAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(models.Statute)
class StatuteAdmin(admin.ModelAdmin):
    list_display = ("citation", "title", "jurisdiction_level", "default_nibrs")
    list_filter = ("jurisdiction_level",)
    search_fields = ("citation", "title")


@admin.register(models.Case)
class CaseAdmin(CompartmentedAdmin):
    list_display = ("number", "title", "status", "trafficking_type", "origin", "opened_on")
    list_filter = ("status", "trafficking_type", "origin")
    search_fields = ("number", "title")


for model in (
    models.Subject,
    models.Identifier,
    models.CaseNote,
    models.Operation,
    models.PreOperationNotice,
    models.DeconflictionHit,
    models.ProsecutionReferral,
    models.Prosecution,
    models.Charge,
    models.CourtEvent,
    models.ProsecutorNote,
):
    admin.site.register(model, CompartmentedAdmin)
