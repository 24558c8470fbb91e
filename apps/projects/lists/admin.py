"""Admin for the demo lists, on the base classes of apps.lov.admin."""

from django.contrib import admin

from apps.lov.admin import LOVSelectionAdmin, LOVValueAdmin
from apps.projects.lists.models import JobTitle, JobTitleSelection, TaskStatus, TaskStatusSelection

admin.site.register(JobTitle, LOVValueAdmin)
admin.site.register(TaskStatus, LOVValueAdmin)
admin.site.register(JobTitleSelection, LOVSelectionAdmin)
admin.site.register(TaskStatusSelection, LOVSelectionAdmin)
