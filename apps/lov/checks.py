"""System checks: each concrete list is wired consistently and declares valid defaults."""

from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error, register

from apps.lov.models import AbstractLOVSelection, AbstractLOVValue
from apps.lov.types import DEFAULT_VALUE_TYPES


@register()
def lov_models_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report a selection model that does not point back at its value model, and malformed defaults."""
    errors: list[CheckMessage] = []
    for model in apps.get_models():
        if not issubclass(model, AbstractLOVValue):
            continue
        selection = model.lov_selection_model()
        if not (isinstance(selection, type) and issubclass(selection, AbstractLOVSelection)):
            errors.append(
                Error(
                    f"{model._meta.label}.lov_selections_model must subclass AbstractLOVSelection.",
                    obj=model,
                    id="lov.E001",
                )
            )
        elif selection.lov_value_field().related_model is not model:
            errors.append(
                Error(
                    f"{selection._meta.label}.lov_value_model must be {model._meta.label}.",
                    obj=selection,
                    id="lov.E002",
                )
            )
        for name, spec in model.lov_defaults.items():
            if not isinstance(spec, dict) or spec.get("value_type") not in DEFAULT_VALUE_TYPES:
                errors.append(
                    Error(
                        f"{model._meta.label}.lov_defaults[{name!r}] needs a value_type of MANDATORY or OPTIONAL.",
                        obj=model,
                        id="lov.E003",
                    )
                )
            elif not _valid_renamed_from(spec.get("renamed_from")):
                errors.append(
                    Error(
                        f"{model._meta.label}.lov_defaults[{name!r}]['renamed_from'] must be a name or a list of "
                        "names.",
                        obj=model,
                        id="lov.E004",
                    )
                )
    return errors


def _valid_renamed_from(value: Any) -> bool:
    if value is None or isinstance(value, str):
        return True
    return isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
