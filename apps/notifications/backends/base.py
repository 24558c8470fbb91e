"""The interface every delivery backend implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from apps.notifications.models import Delivery


class DeliverySkipped(Exception):
    """Raised by `send` when the delivery cannot be made for a known reason (no phone number, …)."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class BaseBackend:
    """A way to deliver a notification. Subclasses set `name` and `display_name` and implement `send`."""

    name: ClassVar[str]
    display_name: ClassVar[str]

    def send(self, delivery: Delivery) -> dict[str, object]:
        """Deliver `delivery`; return a JSON-able copy of what was handed over. Raise to fail, retriably."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.name
