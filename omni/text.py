"""Text as people type it into a search box: the one normalisation every search compares.

``searchable("  Françoise GUÉRIN ")`` is ``"francoise guerin"``: accents removed
(Unicode NFKD, combining marks dropped), case folded, the ligatures French writes (œ, æ)
spelt out, typographic apostrophes and dashes made plain, white space collapsed. A
column holding ``searchable(name)`` is compared with ``searchable(query)`` by a plain
``LIKE '%…%'``: the same on SQLite and PostgreSQL, and on PostgreSQL served by a
trigram index because nothing (no ``UPPER``, no ``unaccent``) wraps the column.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose, as a French or European keyboard user types them.
SPELT_OUT = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
    }
)
WHITESPACE = re.compile(r"\s+")


def searchable(text: str | None) -> str:
    """``text`` lower-cased, without accents, with plain apostrophes and dashes, and single spaces."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", str(text).casefold().translate(SPELT_OUT))
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return WHITESPACE.sub(" ", plain).strip()
