"""The demo domain app: tasks with a status and members' job titles, both from lists of values; the demo data.

Public surface:
- `apps.projects.models`: `Task` (`status`), `MemberJobTitle` (`job_title`), in each tenant's schema
- `apps.projects.lists.models`: the shared lists `TaskStatus`, `JobTitle` and their selection models
- `apps.projects.services`: `task_create`, `task_update`, `member_job_title_set`
- `apps.projects.demo.projects_demo_load(tenant=…)` (also `manage.py load_projects_demo`)
- `manage.py load_demo_data`: the whole demo (superadmin, tenants, people, groups, defaults, this app's content),
  safe to run again; the one app that may use every other, since it demonstrates them all
- pages `/projects/` and `/profile/`
"""
