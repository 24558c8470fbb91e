"""A metaclass for the LOV_MODEL_BASE test: Django's ModelBase that records each model class it builds."""

from typing import Any

from django.db.models.base import ModelBase

BUILT: list[str] = []


class RecordingModelBase(ModelBase):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> type:
        BUILT.append(name)
        return super().__new__(mcs, name, bases, attrs, **kwargs)
