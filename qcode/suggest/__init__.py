"""Code suggestions computed on the coder's machine, each with the reason it was made.

``features`` (words, stems, keyword matching) and ``model`` (the suggester) are pure and use the
standard library only: no model file, no download, no network. ``queries`` reads what a suggester
needs (the codebook, one coder's own codings, segments with their passage context) on a session or
a bare ``sqlite3`` connection, like :mod:`qcode.coding.queries`; ``service`` puts them together for
the command line and the coding screen. Blind coding holds: only the coder's own codings are read.
"""
