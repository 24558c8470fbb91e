from django.apps import AppConfig


class LovConfig(AppConfig):
    name = "apps.lov"
    label = "lov"
    verbose_name = "Lists of values"
