"""The recovery pages, one module per concept (routes.py mounts them)."""
