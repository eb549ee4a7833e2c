"""Mutations of real files for bounded fuzzing: hypothesis picks the edits, so failures shrink.

Each edit is one of: flip a byte, delete a stretch, duplicate a stretch, cut the file short, or
insert a token that has broken parsers before (a NUL, a byte-order mark, a stray front-matter
fence, a very long integer, a YAML anchor and alias, deep nesting, a lone surrogate's bytes...).
"""

from __future__ import annotations

from hypothesis import strategies as st

#: Tokens that have broken parsers (each a finding of issue 15 §6 or of its neighbours).
NASTY: tuple[bytes, ...] = (
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xed\xa0\x80",  # a lone surrogate, UTF-8 encoded (not valid UTF-8)
    b"\r",
    b"\r\n",
    b"\n---\n",
    b"\n## Passage 0\n",
    b"\n- lines: 9-1\n",
    b"9" * 4400,
    b": &a [*a, *a, *a]\n",
    b"[" * 200,
    b"{" * 200,
    b"!!python/object/apply:os.system ['true']",
    b"\xe2\x80\xa8",  # LINE SEPARATOR
    "“”‘’«»".encode(),
    b"\t=HYPERLINK(\"x\")",
    b"\\u0000",
)


@st.composite
def edits(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one to four random edits."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(0, len(out) - 1)))
        kind = draw(st.sampled_from(["flip", "delete", "duplicate", "truncate", "insert", "insert"]))
        if kind == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif kind == "duplicate":
            out[at:at] = out[at : at + draw(st.integers(1, 256))]
        elif kind == "truncate":
            del out[at:]
        else:
            out[at:at] = draw(st.sampled_from(NASTY))
    return bytes(out)
