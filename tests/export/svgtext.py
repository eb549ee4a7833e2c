"""Reading the text of a figure's SVG: every label and value with where it is drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


def labels(svg: bytes) -> list[Label]:
    """Every ``<text>`` element of the SVG, in document order."""
    root = ET.fromstring(svg)
    return [
        Label("".join(el.itertext()), float(el.get("x", "0")), float(el.get("y", "0")))
        for el in root.iter(f"{SVG}text")
    ]


def nearest(items: list[Label], value: float, *, axis: str) -> Label:
    """The label whose x (or y) is closest to ``value``."""
    return min(items, key=lambda lab: abs(getattr(lab, axis) - value))
