"""Command-line front end (Typer). Imports nothing heavy at start-up."""
