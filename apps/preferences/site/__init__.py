"""Storage of the site scope in the public schema (a separate app so its tables exist only there)."""
