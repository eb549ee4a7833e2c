"""Words of the testimony: frequent and distinctive words of a selection, and keyword in context."""
