"""The documented crops example of lists of values, as a test-only app (installed by portal.settings.test).

It is written as the lists-of-values document shows it, adapted only to django-tenants: the value and
selection models are shared (public schema, app `lov_example`), the members' records are per tenant
(`tests.lov_example_records`, `UserCrop`), and the tenant is `request.tenant`.
"""
