"""Checks on XML bytes before they reach the parser. Pure.

An XML declaration may name any encoding; the parser looks it up and a name no codec knows
(``encoding="UTF-9"``) would end in a ``LookupError`` deep inside it. REFI-QDA files are UTF-8.
"""

from __future__ import annotations

import codecs
import re

_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*([\"'])(.*?)\1", re.DOTALL)


def declared_encoding_problem(data: bytes) -> str | None:
    """Why the encoding named in ``data``'s XML declaration cannot be read, or ``None`` if it can."""
    match = _DECLARATION.match(data[:512])
    if match is None:
        return None
    name = match.group(2).decode("ascii", "replace").strip()
    try:
        codecs.lookup(name)
    except LookupError:
        return f"the XML declaration names an unknown encoding {name!r}; REFI-QDA files are UTF-8"
    return None
