"""Owners run their organisation's people: invitations, adding, roles, (de)activation, groups, imports.

The pages and API of this app build on apps.accounts (users, profiles, roles) and send through
apps.notifications (the outbox), so it sits in the top layer beside the product's declarations.
"""
