"""The database server restarting mid-burst costs residents a clear "try again" page,
never a server error, and nothing they were told was received.

Sunshine runs under gunicorn (two workers) and reaches PostgreSQL through a TCP proxy
that can do what a restarting database server does: drop every connection and refuse
new ones for a few seconds, then accept again. Residents comment and register all the
while. During the outage every answer that needed the database is 503 with `Retry-After`
and the retry page in the resident's language (Chinese by default, English for those who
chose it), none is 500; afterwards forms are acknowledged again by the same gunicorn,
never restarted; every acknowledged comment and registration is stored exactly once, and
the open day's places add up."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from extensions import db
from tests.conftest import config_for_tests, requires_postgres
from tests.server_support import Burst, Gunicorn, free_port, make_server, migrated_database
from tests.test_crash import assert_database_consistent, assert_nothing_acknowledged_lost, prepare

__all__ = ["make_server", "migrated_database"]  # fixtures, used by name

pytestmark = requires_postgres

OUTAGE_SECONDS = 3
RETRY_PAGE = {"zh": "服务暂时不可用", "en": "The service is unavailable for a moment"}
NOT_SAVED = {"zh": "您提交的内容可能没有保存", "en": "What you sent may not have been saved"}


def server_error(sqlstate: str, message: str) -> bytes:
    """A PostgreSQL ErrorResponse message, FATAL, as the server writes it."""
    fields = b"".join(
        code + value.encode() + b"\0"
        for code, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message))
    )
    body = fields + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


# What a restarting PostgreSQL says: to each open session as it shuts down, and to each
# new connection until it is up again.
SHUTTING_DOWN = server_error("57P01", "terminating connection due to administrator command")
STARTING_UP = server_error("57P03", "the database system is starting up")
# The first packets a client may send before its startup message: GSSAPI and SSL requests.
NEGOTIATIONS = {80877104, 80877103}


class CuttableProxy:
    """A TCP proxy between the app and its database. `cut()` drops every connection, as a
    network cut or a crashed server does, and refuses new ones; with `restart=True` it
    speaks as a restarting server instead: each open session is told it is being
    terminated (57P01) and each new one that the server is starting up (57P03).
    `restore()` accepts again on the same port."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.lock = threading.Lock()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.closed = False
        self.restarting = False
        self.listener: socket.socket | None = None
        self.restore()
        threading.Thread(target=self._accept, daemon=True).start()

    def restore(self) -> None:
        self.restarting = False
        if self.listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for _attempt in range(50):  # until an accept() still waiting on the old one returns
            try:
                listener.bind(("127.0.0.1", self.port))
                break
            except OSError:
                time.sleep(0.05)
        listener.listen(64)
        listener.settimeout(0.1)
        self.listener = listener

    def cut(self, *, restart: bool = False) -> None:
        with self.lock:
            self.restarting = restart
            if not restart:
                listener, self.listener = self.listener, None
                if listener is not None:
                    listener.close()
            for client, upstream in self.pairs:
                if restart:
                    with contextlib.suppress(OSError):
                        client.sendall(SHUTTING_DOWN)
                for end in (client, upstream):
                    with contextlib.suppress(OSError):
                        end.shutdown(socket.SHUT_RDWR)
                    end.close()
            self.pairs.clear()

    def close(self) -> None:
        self.closed = True
        self.cut()

    def _accept(self) -> None:
        while not self.closed:
            listener = self.listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _address = listener.accept()
            except (TimeoutError, OSError):
                continue
            client.settimeout(None)
            if self.restarting:
                threading.Thread(target=self._starting_up, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _starting_up(self, client: socket.socket) -> None:
        """Answer a new connection as a server still starting: decline encryption, then
        refuse the startup message with 57P03."""
        try:
            with client:
                while True:
                    (length,) = struct.unpack("!I", self._read(client, 4))
                    packet = self._read(client, length - 4)
                    if struct.unpack("!I", packet[:4])[0] in NEGOTIATIONS:
                        client.sendall(b"N")
                        continue
                    client.sendall(STARTING_UP)
                    return
        except OSError:
            return

    @staticmethod
    def _read(client: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = client.recv(size - len(data))
            if not chunk:
                raise ConnectionError("the client went away")
            data += chunk
        return data

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxied(migrated_database: str):
    """The test's database, reached through a proxy that can be cut."""
    url = make_url(migrated_database)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.close()


@pytest.mark.parametrize("restart", [False, True], ids=["network cut", "server restart"])
def test_database_restart_answers_503_and_loses_nothing(
    restart: bool,
    app,
    proxied,
    make_server: Callable[[str], Gunicorn],
    open_consultation,
    make_open_day,
) -> None:
    proxy, through_proxy = proxied
    consultation_id, open_day_id = prepare(open_consultation, make_open_day)
    server = make_server(through_proxy)
    master = server.process.pid
    burst = Burst(server.port, consultation_id, open_day_id, forms_each=40).start()
    burst.wait_for(10)
    proxy.cut(restart=restart)
    cut_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    restored_at = time.monotonic()
    proxy.restore()
    burst.wait_for(burst.acknowledged() + 16)
    burst.stop.set()
    burst.finish()

    answers = burst.answers()
    assert not [a for a in answers if a.status >= 500 and a.status != 503], "a server error"
    unavailable = [a for a in answers if a.status == 503]
    assert unavailable, "the outage was never seen"
    assert all(cut_at <= a.at for a in unavailable)
    for resident in burst.people:
        for answer in resident.answers:
            if answer.status == 503:
                assert answer.retry_after is not None
                assert RETRY_PAGE[resident.language] in answer.text
                if answer.method == "POST":
                    assert NOT_SAVED[resident.language] in answer.text
    assert {resident.language for resident in burst.people} == {"zh", "en"}
    after = [a for a in burst.comments + burst.registrations if a.acknowledged_at > restored_at]
    assert len(after) >= 16, "forms were not acknowledged again after the database came back"
    assert server.alive() and server.process.pid == master and server.starts == 1
    assert not burst.failures
    assert not burst.unacknowledged
    assert_nothing_acknowledged_lost(burst, consultation_id, open_day_id)
    assert_database_consistent()


def test_connection_lost_after_the_answer_is_no_error(proxied, tmp_path) -> None:
    """The database goes away between a request's work and its end (its session's
    ROLLBACK cannot reach the server): the request still ends without an error."""
    proxy, through_proxy = proxied
    app = create_app(config_for_tests(through_proxy, MAIL_FOLDER=str(tmp_path / "mail")))
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1  # a transaction is open
        proxy.cut()
    proxy.restore()
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1  # a new connection
        db.engine.dispose()
