from django.contrib import admin

from apps.projects.models import MemberJobTitle, Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "created_by", "created"]
    search_fields = ["title"]
    list_select_related = ["status", "created_by"]
    raw_id_fields = ["status", "created_by"]


@admin.register(MemberJobTitle)
class MemberJobTitleAdmin(admin.ModelAdmin):
    list_display = ["user", "job_title", "modified"]
    list_select_related = ["user", "job_title"]
    raw_id_fields = ["user", "job_title"]
