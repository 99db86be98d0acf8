"""The database: engine and sessions, the declarative base, Alembic migrations shipped in the package."""
