"""YAML loaders that never fail on a number Python will not convert.

Python refuses to turn a string of more than 4,300 digits into an ``int`` (a guard against slow
conversions), and PyYAML's safe constructor then raises ``ValueError`` from deep inside the
parser. A scalar that long is kept as the text it is (every digit), so an attribute or a
version holding one imports exactly as written instead of crashing.
"""

from __future__ import annotations

from typing import Any

import yaml

#: The tag PyYAML resolves plain integers to.
INT_TAG = "tag:yaml.org,2002:int"


def construct_int(loader: Any, node: yaml.ScalarNode) -> object:
    """PyYAML's integer constructor, except that an integer too long for Python stays text."""
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # more digits than int() takes: the text, unchanged
        return loader.construct_scalar(node)


def keeping_long_integers(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """A subclass of the loader ``base`` whose integers too long for Python stay text."""
    loader: type[yaml.SafeLoader] = type(f"LongIntegers{base.__name__}", (base,), {})
    loader.add_constructor(INT_TAG, construct_int)
    return loader


def parse_json_int(text: str) -> int | str:
    """``json.loads``'s ``parse_int``: an integer, or its text when too long for Python."""
    try:
        return int(text)
    except ValueError:
        return text
