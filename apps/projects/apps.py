from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from apps.core.navigation import Audience, NavItem, PageItem, nav_register, page_register

        nav_register(NavItem("Tasks", "projects:task-list", Audience.MEMBER, order=30))
        nav_register(NavItem("Profile", "projects:profile", Audience.MEMBER, order=35))
        page_register(PageItem("Edit task", "projects:task-edit", parent="projects:task-list"))
        page_register(PageItem("Delete task", "projects:task-delete", parent="projects:task-list"))
        page_register(
            PageItem("Confirm your email address", "projects:profile-email-confirm", parent="projects:profile")
        )
        page_register(PageItem("Tasks this week", "projects:task-week", parent="projects:task-list"))
