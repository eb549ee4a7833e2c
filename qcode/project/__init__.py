"""Project-wide operations: initialisation and status."""
