"""Which crops a member grows: a record in the tenant's schema using the shared crops list.

The tenant and the crops live in the public schema, so their keys have no database constraint (as the
product's own records do): a flush of the public tables must not be blocked by a tenant's rows.
"""

from django.conf import settings
from django.db import models

from tests.lov_example.models import TenantCropLOVValue


class UserCrop(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="crops")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    crops = models.ManyToManyField(TenantCropLOVValue, db_constraint=False, blank=True, related_name="user_crops")

    def __str__(self) -> str:
        return f"{self.user}'s crops"
