"""The interface every delivery backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import transaction
from django.template.backends.django import Template
from django.template.loader import select_template

if TYPE_CHECKING:
    from apps.notifications.models import Delivery

# What a backend made of one delivery: the payload it handed over, or the exception that stopped it.
Result = dict[str, object] | Exception


class Templates:
    """The templates of one batch, selected once per list of names (a batch shares one or a few notifications)."""

    def __init__(self) -> None:
        self._selected: dict[tuple[str, ...], Template] = {}

    def get(self, *names: str) -> Template:
        if names not in self._selected:
            self._selected[names] = select_template(list(names))
        return self._selected[names]


class DeliverySkipped(Exception):
    """Raised by `send` when the delivery cannot be made for a known reason (no phone number, …)."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class BaseBackend:
    """A way to deliver a notification. Subclasses set `name` and `display_name` and implement `send`.

    `transactional` says the backend only writes to the database: a batch of it is sent inside the transaction
    that records its outcomes, so a worker killed mid-batch leaves nothing and the batch is exactly-once. A
    backend that hands messages to the outside (SMTP) is not: its batch claims rows under a lease instead.
    """

    name: ClassVar[str]
    display_name: ClassVar[str]
    transactional: ClassVar[bool] = False

    def send(self, delivery: Delivery) -> dict[str, object]:
        """Deliver `delivery`; return a JSON-able copy of what was handed over. Raise to fail, retriably."""
        raise NotImplementedError

    def send_batch(self, deliveries: Sequence[Delivery], connection: Any = None) -> list[Result]:
        """Deliver each of `deliveries`; return one result per delivery, in order. One failure fails only its row.

        `connection` is what `connection_open` returned, shared by the groups of one batch. The default calls
        `send` for each in a savepoint, so what a failing send wrote is undone. Backends override it to write
        or connect once per batch.
        """
        results: list[Result] = []
        for delivery in deliveries:
            try:
                with transaction.atomic():
                    results.append(self.send(delivery))
            except Exception as exc:
                results.append(exc)
        return results

    def connection_open(self) -> Any:
        """Open what a whole batch sends on (an SMTP session); None when the backend needs nothing."""
        return None

    def connection_close(self, connection: Any) -> None:
        """Close what `connection_open` returned."""

    def __str__(self) -> str:
        return self.name
