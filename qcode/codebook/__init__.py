"""Codebooks: the file format and its validation (``schema``), REFI-QDA exchange (``qdc``)."""
