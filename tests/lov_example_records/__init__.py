"""The example's records in each tenant's schema: which crops a member grows."""
