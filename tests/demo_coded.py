"""The demo project (bundled corpus and codebook) coded by two coders with keyword rules.

The rules are crude on purpose: they give the findings commands real testimony with codes that
meet, differ between coders and vary by attribute, deterministically.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from sqlalchemy import select

from qcode.project.service import create_demo
from qcode.store.engine import transaction
from qcode.store.migrate import open_store
from qcode.store.models import Code, Coder, Coding, Segment

RULES = {
    "bribery": r"brib|under the table|paid off|gift",
    "wages": r"wage|salar|paid|dollar|income|earn",
    "remittance": r"send (money|it)|sent (money|home)|remit|to (my|our) famil",
    "surveillance": r"watch|monitor|guard|spy|inform|secur",
    "ideology": r"party|loyal|leader|kim|ideolog",
    "movement": r"outside|not allowed|go out|freely",
    "hours": r"hours|day off|night|overtime",
    "housing": r"dormitor|room|housing|sleep",
    "health": r"sick|injur|hospital|doctor|died",
    "defection": r"defect|escape|flee|fled|ran away|south korea",
    "family-guarantee": r"hostage|wife|children",
}


def coded_demo(folder: Path) -> str:
    """Create the coded demo project in ``folder``; returns its database path."""
    path = folder / "qcode.db"
    store = open_store(f"sqlite:///{path}", create=True)
    try:
        with transaction(store.sessions) as session:
            create_demo(session)
            alice, bob = Coder(name="alice"), Coder(name="bob")
            session.add_all([alice, bob])
            session.flush()
            codes = dict(session.execute(select(Code.key, Code.id)).all())
            for seg_id, text in session.execute(select(Segment.id, Segment.text)).all():
                for key, rule in RULES.items():
                    if re.search(rule, text, re.I):
                        session.add(Coding(coder_id=alice.id, segment_id=seg_id, code_id=codes[key]))
                        if zlib.crc32(f"{seg_id}{key}".encode()) % 5:
                            session.add(Coding(coder_id=bob.id, segment_id=seg_id, code_id=codes[key]))
    finally:
        store.close()
    return str(path)
