"""The kinds of value a list holds; importable before the app registry is ready."""

from django.db import models


class LOVValueType(models.TextChoices):
    """Who provides a value, and whether a tenant may leave it out."""

    MANDATORY = "mandatory", "Mandatory"  # provided in code; every tenant has it
    OPTIONAL = "optional", "Optional"  # provided in code; a tenant may select it
    CUSTOM = "custom", "Custom"  # created by one tenant, for that tenant only


DEFAULT_VALUE_TYPES = (LOVValueType.MANDATORY, LOVValueType.OPTIONAL)
