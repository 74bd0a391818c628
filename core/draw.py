"""The public draw (抽签): one mechanism for every place given by lot (open days, sitting
in).

How it works, so anyone can check it:

1. Before the draw, staff fix the seed: 32 hexadecimal characters from `secrets`,
   published with the list of entries (each entry's public reference). After that neither
   can change.
2. Each entry's ticket is SHA-256 of `"<seed>:<reference>"` (UTF-8), read as hexadecimal.
3. Entries are ranked by ticket, smallest first (ties, which SHA-256 makes practically
   impossible, by reference). The first N ranks get the places; the rest wait in rank
   order.

Re-running it needs only the seed and the references: `python -m core.draw SEED REF...`
prints the ranking.
"""

from __future__ import annotations

import hashlib
import secrets
import sys
from collections.abc import Iterable


def new_seed() -> str:
    """A seed no one can guess or choose: 128 bits from the operating system."""
    return secrets.token_hex(16)


def ticket(seed: str, reference: str) -> str:
    return hashlib.sha256(f"{seed}:{reference}".encode()).hexdigest()


def draw(seed: str, references: Iterable[str]) -> list[str]:
    """The references in drawn order: the first ones get the places."""
    return sorted(references, key=lambda reference: (ticket(seed, reference), reference))


if __name__ == "__main__":  # pragma: no cover - the documented way to check a draw by hand
    for rank, reference in enumerate(draw(sys.argv[1], sys.argv[2:]), start=1):
        print(rank, reference)
