"""Gift card codes: drawn, written for people, hashed, compared.

16 characters from an alphabet without 0/O, 1/I/L (read aloud at a till, typed from a
printed card): 31^16, about 2^79 codes, so guessing is hopeless and a plain SHA-256 is
enough to find a card without storing its code. People type codes with spaces and dashes
and in lower case: those are taken out before hashing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 16
GROUP = 4  # printed and shown as ABCD-EFGH-JKMN-PQRS


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalised(typed: str) -> str:
    """The code as stored, from what a person typed (spaces, dashes, lower case)."""
    return "".join(typed.split()).replace("-", "").upper()


def looks_like_a_code(typed: str) -> bool:
    code = normalised(typed)
    return len(code) == LENGTH and all(character in ALPHABET for character in code)


def code_hash(typed: str) -> str:
    return hashlib.sha256(normalised(typed).encode()).hexdigest()


def same_code(typed: str, stored_hash: str) -> bool:
    """Constant-time: how long the comparison takes says nothing about the code."""
    return hmac.compare_digest(code_hash(typed), stored_hash)


def printed(code: str) -> str:
    return "-".join(code[index : index + GROUP] for index in range(0, len(code), GROUP))
