"""Text messages reach phones (`core/sms.py`, `core.outbox.TextMessage`): after the commit
one signed request per message goes to the SMS gateway, here a real HTTP server on this
machine that checks the signature and keeps what it received. A refusal or an unreachable
gateway never loses the registration; the message waits in the outbox, counted, and
leaves when sent again. Without a gateway messages stay in the staff outbox."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from core.accounts.models import Role
from core.outbox import TextMessage, send_queued_texts
from core.runner import attempt
from core.sms import signature
from engagement.open_days import operations
from engagement.open_days.models import Registration, Status
from extensions import db

KEY_ID, SECRET = "LTAI-test-key", "gateway-secret-for-tests"
TEMPLATES = {
    "open_day_confirmed": "SMS_480001",
    "open_day_waitlisted": "SMS_480002",
    "open_day_promoted": "SMS_480003",
}
ID_NUMBER = "11010519491231002X"


class Gateway(ThreadingHTTPServer):
    """The provider's API: answers `answer` to a request whose signature is right."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.received: list[dict[str, object]] = []
        self.answer: dict[str, str] | str = {"Code": "OK", "Message": "OK"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms/send"


class GatewayHandler(BaseHTTPRequestHandler):
    server: Gateway

    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = signature(
            SECRET,
            "POST",
            urlsplit(self.path).path,
            self.headers["X-Sms-Timestamp"],
            self.headers["X-Sms-Nonce"],
            body,
        )
        signed = self.headers["X-Sms-Signature"] == expected
        self.server.received.append(
            {
                "path": self.path,
                "key": self.headers["X-Sms-Access-Key"],
                "signed": signed,
                "raw": body.decode(),
                "json": json.loads(body),
            }
        )
        if self.server.answer == "not http":
            self.wfile.write(b"SMS GATEWAY MAINTENANCE\r\n\r\n")
            return
        answer = self.server.answer if signed else {"Code": "SignatureDoesNotMatch"}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def gateway():
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(gateway) -> dict[str, object]:
    return {
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_ACCESS_KEY_ID": KEY_ID,
        "SMS_ACCESS_KEY_SECRET": SECRET,
        "SMS_SIGN_NAME": "阳光区政府",
        "SMS_TEMPLATES": TEMPLATES,
    }


def nobody_listens() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/sms/send"


def sign_up(open_day, number: int = 1, **overrides: object) -> Registration:
    fields = {
        "name": "陈晓明",
        "phone": f"1370000{number:04d}",
        "email": None,
        "id_number": ID_NUMBER,
        "consented": True,
        "locale": "zh",
    }
    return attempt(lambda: operations.register(open_day, **(fields | overrides)))


def test_a_registration_sends_one_signed_text_with_the_template_and_its_parameters(
    gateway, make_open_day
):
    day = make_open_day(id_required=True)
    registration = sign_up(day)
    assert len(gateway.received) == 1
    request = gateway.received[0]
    assert request["signed"] and request["key"] == KEY_ID and request["path"] == "/sms/send"
    sent = request["json"]
    assert sent["PhoneNumbers"] == "13700000001"
    assert sent["SignName"] == "阳光区政府"
    assert sent["TemplateCode"] == "SMS_480001"  # mapped from the kind "open_day_confirmed"
    params = json.loads(sent["TemplateParam"])
    assert params["title"] == day.title[:20]
    assert params["code"] == registration.confirmation_code
    assert params["link"].endswith(f"/r/{registration.token}")
    assert params["time"] and params["time"][0].isdigit()
    assert ID_NUMBER not in request["raw"] and ID_NUMBER[-4:] not in request["raw"]

    message = db.session.scalar(select(TextMessage))
    assert message.sent_at is not None and message.attempts == 1 and message.last_error is None
    assert ID_NUMBER not in message.body and ID_NUMBER not in message.params
    assert registration.confirmation_code in message.body
    db.session.refresh(registration)
    assert registration.id_number == ID_NUMBER  # kept for the door, never texted


def test_each_kind_goes_with_its_own_template(gateway, make_open_day):
    day = make_open_day(capacity=1)
    first = sign_up(day, 1)
    sign_up(day, 2)
    attempt(lambda: operations.cancel_registration(first))
    codes = [(r["json"]["PhoneNumbers"], r["json"]["TemplateCode"]) for r in gateway.received]
    assert codes == [
        ("13700000001", "SMS_480001"),
        ("13700000002", "SMS_480002"),
        ("13700000001", "open_day_cancelled_by_you"),  # no template mapped: the kind itself
        ("13700000002", "SMS_480003"),
    ]
    assert all(r["signed"] for r in gateway.received)


def test_a_refusing_or_unreachable_gateway_keeps_the_registration_and_the_message(
    app, gateway, make_open_day
):
    day = make_open_day()
    gateway.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}
    registration = sign_up(day)
    assert registration.status == Status.CONFIRMED
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    message = db.session.scalar(select(TextMessage))
    assert message.sent_at is None and message.attempts == 1
    assert "BUSINESS_LIMIT_CONTROL" in message.last_error

    app.config["SMS_GATEWAY_URL"] = nobody_listens()
    assert send_queued_texts() == 0
    db.session.refresh(message)
    assert message.sent_at is None and message.attempts == 2
    assert "refused" in message.last_error.lower()

    app.config["SMS_GATEWAY_URL"] = gateway.url
    gateway.answer = {"Code": "OK"}
    assert send_queued_texts() == 1
    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 3 and message.last_error is None
    assert len(gateway.received) == 2  # the refused one and the one accepted
    assert send_queued_texts() == 0  # nothing left to send


def test_an_answer_that_is_not_http_is_recorded_not_raised(gateway, make_open_day):
    """What a broken proxy in front of the gateway might say: the registration is made,
    the resident is answered, the text waits to be sent again."""
    gateway.answer = "not http"
    registration = sign_up(make_open_day())
    assert registration.status == Status.CONFIRMED
    message = db.session.scalar(select(TextMessage))
    assert message.sent_at is None and message.attempts == 1 and message.last_error


def test_a_wrong_secret_is_refused_by_the_gateway_and_recorded(app, gateway, make_open_day):
    app.config["SMS_ACCESS_KEY_SECRET"] = "not-the-secret"
    sign_up(make_open_day())
    assert gateway.received and not gateway.received[0]["signed"]
    message = db.session.scalar(select(TextMessage))
    assert message.sent_at is None and "SignatureDoesNotMatch" in message.last_error


def test_without_a_gateway_texts_wait_in_the_staff_outbox(
    app, client, auth, gateway, make_open_day, make_user
):
    app.config["SMS_GATEWAY_URL"] = None
    sign_up(make_open_day())
    message = db.session.scalar(select(TextMessage))
    assert message.sent_at is None and message.attempts == 0 and not gateway.received
    assert send_queued_texts() == 0

    auth.login(make_user(Role.ADMIN))
    mail_page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "?kind=texts" in mail_page
    page = client.get("/admin/outbox/?kind=texts")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "137****0001" in html and "13700000001" not in html
    assert "未发送" in html and message.body.split(" ")[0] in html
    token = message.body.rsplit("/r/", 1)[1]
    assert token not in html and "/r/[secret]" in html  # staff never get a resident's link

    # The gateway is configured again: the outbox's button sends the waiting texts too.
    app.config["SMS_GATEWAY_URL"] = gateway.url
    assert client.post("/admin/outbox/retry").status_code == 303
    db.session.refresh(message)
    assert message.sent_at is not None and len(gateway.received) == 1
