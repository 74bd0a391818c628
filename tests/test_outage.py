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


class CuttableProxy:
    """A TCP proxy between the app and its database. `cut()` drops every connection and
    refuses new ones, as a database server that restarts does; `restore()` accepts again
    on the same port."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.lock = threading.Lock()
        self.open_sockets: set[socket.socket] = set()
        self.closed = False
        self.listener: socket.socket | None = None
        self.restore()
        threading.Thread(target=self._accept, daemon=True).start()

    def restore(self) -> None:
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

    def cut(self) -> None:
        with self.lock:
            listener, self.listener = self.listener, None
            if listener is not None:
                listener.close()
            for open_socket in self.open_sockets:
                with contextlib.suppress(OSError):
                    open_socket.shutdown(socket.SHUT_RDWR)
                open_socket.close()
            self.open_sockets.clear()

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
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            with self.lock:
                self.open_sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

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


def test_database_restart_answers_503_and_loses_nothing(
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
    proxy.cut()
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
