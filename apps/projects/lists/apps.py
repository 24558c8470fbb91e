from django.apps import AppConfig


class ProjectsListsConfig(AppConfig):
    name = "apps.projects.lists"
    label = "projects_lists"
    verbose_name = "Projects: lists of values"

    def ready(self) -> None:
        from apps.projects.lists import admin  # noqa: F401  (registers the admin on import)
