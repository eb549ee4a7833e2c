"""Widgets: data comes in as attributes, events go out as messages; no database access here."""
