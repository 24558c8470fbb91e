from django.apps import AppConfig


class LOVExampleRecordsConfig(AppConfig):
    name = "tests.lov_example_records"
    label = "lov_example_records"
    verbose_name = "Crops of members (lists-of-values example)"
