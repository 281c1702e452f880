"""Admin for agencies, memberships and the lookup tables. Writes go through the services."""

from django.contrib import admin

from agencies import services
from agencies.models import (
    Agency,
    Language,
    Membership,
    OutreachEvent,
    Population,
    ServiceType,
    Training,
    TrainingAttendance,
    TrainingTopic,
    TrendBulletin,
)


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "voca_category", "active")
    list_filter = ("voca_category", "active")
    search_fields = ("name", "code")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "dimension")
    list_filter = ("dimension",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "discipline", "jurisdiction_level", "active")
    list_filter = ("discipline", "jurisdiction_level", "active")
    search_fields = ("name", "acronym", "city")
    exclude = ("group",)
    filter_horizontal = ("services_offered", "populations_served", "languages")

    def has_delete_permission(self, request, obj=None):
        return False  # agencies are deactivated, never deleted

    def save_model(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        if change:
            services.update_agency(agency=obj, by=request.user, **data)
        else:
            created = services.create_agency(by=request.user, **data)
            obj.pk, obj.group_id = created.pk, created.group_id
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # capabilities were saved by the service


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role", "is_coordinator", "starts", "ends")
    list_filter = ("role", "is_coordinator", "agency")
    search_fields = ("user__username", "agency__name")
    autocomplete_fields = ("user", "agency")
    readonly_fields = ("is_service_account",)

    def has_delete_permission(self, request, obj=None):
        return False  # memberships are ended, never deleted

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("user", "agency")}
        if change:
            services.update_membership(membership=obj, by=request.user, **data)
        else:
            created = services.add_membership(
                by=request.user,
                user=form.cleaned_data["user"],
                agency=form.cleaned_data["agency"],
                **data,
            )
            obj.pk = created.pk
            obj._state.adding = False


# --- Training, outreach, trend bulletins (governance records; writes through the services) ---


@admin.register(TrainingTopic)
class TrainingTopicAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "active")
    list_filter = ("active",)
    search_fields = ("name", "code")


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    fields = ("attendee", "external_name", "agency", "hours_credited")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # attendance is recorded through the training page or the API


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "held_on", "hours")
    list_filter = ("topic",)
    search_fields = ("title", "trainers")
    date_hierarchy = "held_on"
    inlines = [TrainingAttendanceInline]
    exclude = ("created_by",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.TRAINING_FIELDS}
        if change:
            services.update_training(training=obj, by=request.user, **data)
        else:
            created = services.create_training(by=request.user, **data)
            obj.pk = created.pk
            obj._state.adding = False


@admin.register(OutreachEvent)
class OutreachEventAdmin(admin.ModelAdmin):
    list_display = ("title", "audience", "held_on", "lead_agency", "estimated_reach")
    list_filter = ("audience",)
    search_fields = ("title", "location")
    date_hierarchy = "held_on"
    filter_horizontal = ("languages", "agencies")
    exclude = ("created_by",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        if change:
            services.update_outreach_event(event=obj, by=request.user, **data)
        else:
            created = services.create_outreach_event(by=request.user, **data)
            obj.pk = created.pk
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # languages and agencies were saved by the service


@admin.register(TrendBulletin)
class TrendBulletinAdmin(admin.ModelAdmin):
    """Read-only here: members share through the site, coordinators archive there."""

    list_display = ("title", "kind", "status", "author_agency", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("title", "body")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
