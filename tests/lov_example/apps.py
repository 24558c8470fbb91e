from django.apps import AppConfig


class LOVExampleConfig(AppConfig):
    name = "tests.lov_example"
    label = "lov_example"
    verbose_name = "Crops (lists-of-values example)"
