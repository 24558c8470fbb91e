"""The tracker of version tokens now lives in `apps.core.tracking` (one connection per process serves every app).

Kept so existing imports keep working.
"""

from apps.core.tracking import TokenTracker, connection_factory_for

__all__ = ["TokenTracker", "connection_factory_for"]
