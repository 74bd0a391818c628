"""Text messages to residents' phones through an SMS gateway.

The request has the shape of the common Chinese SMS providers' APIs: a JSON body naming
the phone, the signature (签名), the template id approved by the carrier and the template's
parameters, signed with HMAC-SHA256 over the method, path, timestamp, nonce and the body's
digest (`signature`). Settings: `SMS_GATEWAY_URL`, `SMS_ACCESS_KEY_ID`,
`SMS_ACCESS_KEY_SECRET`, `SMS_SIGN_NAME`, and `SMS_TEMPLATES` (our message kind → the
provider's template id, JSON). Without a gateway, messages are kept in the outbox only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import secrets
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

TIMEOUT_SECONDS = 10


class GatewayRefused(Exception):
    """The gateway answered, but did not accept the message."""


@dataclass(frozen=True)
class Text:
    phone: str
    kind: str  # our name for the message, mapped to the provider's template id
    params: dict[str, str]


def signature(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """Base64 of HMAC-SHA256 over the request's parts, one per line; the gateway computes
    the same to know the request is ours and unaltered."""
    digest = hashlib.sha256(body).hexdigest()
    signed = "\n".join((method, path, timestamp, nonce, digest)).encode()
    return base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()


def gateway_configured() -> bool:
    return bool(current_app.config.get("SMS_GATEWAY_URL"))


def send_text(text: Text, *, timestamp: str) -> None:
    """Send one message; raises `OSError` (network), `ValueError` (an answer that is not
    JSON) or `GatewayRefused` (its answer, or one that is not HTTP)."""
    config = current_app.config
    url = config["SMS_GATEWAY_URL"]
    templates = config.get("SMS_TEMPLATES") or {}
    body = json.dumps(
        {
            "PhoneNumbers": text.phone,
            "SignName": config.get("SMS_SIGN_NAME") or "",
            "TemplateCode": templates.get(text.kind, text.kind),
            "TemplateParam": json.dumps(text.params, ensure_ascii=False),
        },
        ensure_ascii=False,
    ).encode()
    nonce = secrets.token_hex(16)
    path = urlsplit(url).path or "/"
    request = urllib.request.Request(  # noqa: S310 - the office's configured https gateway
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Sms-Access-Key": config.get("SMS_ACCESS_KEY_ID") or "",
            "X-Sms-Timestamp": timestamp,
            "X-Sms-Nonce": nonce,
            "X-Sms-Signature": signature(
                config.get("SMS_ACCESS_KEY_SECRET") or "", "POST", path, timestamp, nonce, body
            ),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except http.client.HTTPException as error:  # not HTTP at all: neither OSError nor JSON
        raise GatewayRefused(f"{type(error).__name__}: {error}"[:100]) from error
    if answer.get("Code") != "OK":
        raise GatewayRefused(str(answer.get("Code") or "no code")[:100])
