"""One canonical form for learner text, applied before anything else looks at it.

Typed text arrives in whatever form a keyboard, a paste or an attacker chose: a word with a
soft hyphen in it reached the final JSON split in two (``"recep tionist"``), and a text of
zero-width spaces alone counted as a turn and used up a follow-up question. Format
characters (Unicode category Cf: soft hyphen, zero-width space and joiners, byte-order mark,
direction marks) are dropped, then NFKC folds compatibility forms (full-width Latin, ligatures,
non-breaking spaces) into the plain characters the extractor and the model expect. Hangul
survives NFKC unchanged (composed syllables stay composed).
"""

from __future__ import annotations

import unicodedata


def canonical_text(text: str) -> str:
    """``text`` without format characters, in NFKC (plain ASCII is already canonical)."""
    if text.isascii():
        return text
    kept = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return unicodedata.normalize("NFKC", kept)
