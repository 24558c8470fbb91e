"""Helpers the tests share: other processes (Celery worker, runserver), concurrent writers, a stalled Redis, a clock.

Fixtures built on them live in tests/conftest.py; these modules hold the plain functions and classes.
"""
