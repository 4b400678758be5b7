"""The JSON Schemas of gk, shipped as package data (see gk/schemas.py)."""
