from django.contrib import admin

from govbrief.core.admin import ReadOnlyAdmin

from .models import Adoption, Report, ReportEvent, ReportVersion, Submission


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "unit", "state", "updated_at"]
    list_filter = ["state", "current_version__kind", "current_version__urgency"]
    search_fields = ["current_version__title", "unit__name"]
    list_select_related = ["unit", "current_version"]


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ["report", "number", "unit", "signed_by", "signed_at", "content_hash"]
    list_select_related = ["report__current_version", "unit", "signed_by"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["id", "report", "from_unit", "to_unit", "state", "submitted_at"]
    list_filter = ["state"]
    list_select_related = ["report__current_version", "from_unit", "to_unit"]


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "publication", "mode", "adopted_at"]
    list_select_related = ["submission__to_unit", "publication"]


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "report", "action", "actor", "from_state", "to_state"]
    list_filter = ["action"]
