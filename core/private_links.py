"""Private links: an address only its holder knows (`/r/<token>`, `/rsvp/<token>`, a private
calendar feed). The token is an HMAC under the app's secret key of a 128-bit seed from
`secrets`, so every later message can carry the same link while the database holds
neither the token nor a way to make it; a link is looked up by its SHA-256 alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app


def new_link_seed() -> str:
    """128 bits from the operating system, as 32 hexadecimal characters."""
    return secrets.token_hex(16)


def link_token(purpose: str, seed: str) -> str:
    """The link's token for `purpose` (192 bits shown): the same seed gives another token
    for another purpose, so one link never opens another's page."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{purpose}:{seed}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def token_hash(token: str) -> str:
    """How a private link is looked up: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()
