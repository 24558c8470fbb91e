"""What an import would do: the changes (old → new, new, removed) and the entries it refuses, by JSON Pointer."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CHANGED, NEW, REMOVED = "changed", "new", "removed"


def pointer(*parts: Any) -> str:
    """Return the JSON Pointer (RFC 6901) of an entry, e.g. pointer("preferences", "general__title")."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def call(function: Callable[..., Any], /, **kwargs: Any) -> Callable[[Any], Any]:
    """Return a step's write: `function(**kwargs)`, for services that record no actor."""
    return lambda actor: function(**kwargs)


def call_as(function: Callable[..., Any], /, **kwargs: Any) -> Callable[[Any], Any]:
    """Return a step's write: `function(actor=<the importer>, **kwargs)`."""
    return lambda actor: function(actor=actor, **kwargs)


@dataclass(frozen=True)
class Change:
    """One entry the import changes: `old` is what applies now (None: nothing stored), `new` what it would be."""

    path: str
    kind: str  # CHANGED | NEW | REMOVED
    old: Any = None
    new: Any = None

    @property
    def old_display(self) -> str:
        return _display(self.old)

    @property
    def new_display(self) -> str:
        return _display(self.new)

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


def _display(value: Any) -> str:
    """Return a value as the bundle spells it (JSON), or a dash for "nothing stored"."""
    return "—" if value is None else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Step:
    """One write of an import, named by the entry it comes from (so a refusal at apply time names it too)."""

    path: str
    run: Callable[[Any], Any]  # called with the actor


@dataclass
class BundlePlan:
    """The diff of an import and the writes that carry it out; `refused` maps entries' paths to messages."""

    changes: list[Change] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.refused

    def change(self, path: str, kind: str, old: Any = None, new: Any = None) -> None:
        self.changes.append(Change(path, kind, old, new))

    def refuse(self, path: str, *messages: str) -> None:
        self.refused.setdefault(path, []).extend(messages)

    def step(self, path: str, run: Callable[[Any], Any]) -> None:
        self.steps.append(Step(path, run))

    def as_dict(self) -> dict[str, Any]:
        """Return the diff as JSON: {"valid", "changes": [{path, kind, old, new}], "refused": {path: [messages]}}."""
        return {
            "valid": self.valid,
            "changes": [change.as_dict() for change in self.changes],
            "refused": self.refused,
        }


class BundleRefused(Exception):
    """The bundle was refused as a whole: nothing was written. `plan.refused` names every refused entry."""

    def __init__(self, plan: BundlePlan) -> None:
        first = next(iter(plan.refused.items()), ("", [""]))
        super().__init__(f"Bundle refused, nothing was written: {first[0]}: {' '.join(first[1])}")
        self.plan = plan
