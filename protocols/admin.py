"""Admin: the protocol topics lookup is editable; governance records are read-only here (their
writes, with their rules and audit, belong to ``protocols.services``)."""

from django.contrib import admin

from protocols import models


@admin.register(models.ProtocolTopic)
class ProtocolTopicAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "active")
    list_filter = ("active",)
    search_fields = ("name", "code")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Mou)
class MouAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "version", "effective_date", "end_date")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(models.Protocol)
class ProtocolAdmin(ReadOnlyAdmin):
    list_display = ("title", "topic", "status", "review_date")
    list_filter = ("status", "topic")
    search_fields = ("title",)


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("decided_on", "question", "method", "superseded_by")
    list_filter = ("method",)
    search_fields = ("question",)


@admin.register(models.LeadershipTerm)
class LeadershipTermAdmin(ReadOnlyAdmin):
    list_display = ("role", "user", "agency", "trafficking_type", "minor", "foreign_national",
                    "starts", "ends")  # fmt: skip
    list_filter = ("role",)


for model in (
    models.Charter,
    models.Goal,
    models.Objective,
    models.ProgressEntry,
    models.MouSignatory,
    models.MouVersion,
    models.MouSignature,
    models.ProtocolVersion,
    models.DecisionVote,
    models.Committee,
    models.CommitteeMember,
    models.Meeting,
    models.MeetingAttendance,
):
    admin.site.register(model, ReadOnlyAdmin)
