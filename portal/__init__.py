"""The Django project package: settings, root urlconfs, the Celery app, WSGI/ASGI entry points."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
