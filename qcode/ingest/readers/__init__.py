"""Transcript readers, one module per kind of file; each depends only on the shared types
(:mod:`qcode.ingest.types`), the paragraph parsers (:mod:`.blocks`) and safe byte reading
(:mod:`qcode.ingest.textfile`). :mod:`qcode.ingest.formats` picks the reader for a file."""
