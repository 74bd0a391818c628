"""Decisions' search index written in bulk for the ten busy years: each decision pointed
at its text in force and that text indexed with the app's own `search_rows`, as
`DecisionVersion.on_published` does, built by worker processes and written with COPY
(PostgreSQL) or one executemany (SQLite) into the tables with their indexes dropped."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.schema import AddConstraint, DropConstraint

from extensions import db
from meetings.decisions.models import Decision, DecisionVersion
from meetings.decisions.search_index import DecisionTerm, DecisionText, search_rows

# Decisions indexed per task of the worker process and per COPY or INSERT (about 200,000
# terms), and at most how many worker processes build their rows.
ROWS_BATCH = 500
MAX_WORKERS = 2
TERM_COLUMNS = ("gram", "decision_id", "title_hits", "text_hits")


def publish_and_index(in_force: dict[int, int]) -> tuple[int, int]:
    """What `DecisionVersion.on_published` does to the decision once its versions are
    written: point it at its text in force, and index that text as `Decision.reindex` does,
    with the app's own `search_rows` (so search reads exactly what the app would have
    built), written in bulk into the still empty tables. A worker process builds the rows
    of the next decisions while this one writes. Returns the texts and terms written."""
    db.session.execute(
        update(Decision.__table__)
        .where(Decision.id == bindparam("decision"))
        .values(current_version_id=bindparam("version")),
        [{"decision": d, "version": v} for d, v in in_force.items()],
    )
    ids = sorted(in_force)
    written = [0, 0]
    pending: deque[Future[tuple[list[Any], list[Any]]]] = deque()

    def write_next() -> None:
        texts, terms = pending.popleft().result()
        _bulk_write(DecisionText.__tablename__, ("decision_id", "text"), texts)
        _bulk_write(DecisionTerm.__tablename__, TERM_COLUMNS, terms)
        written[0] += len(texts)
        written[1] += len(terms)

    # Forked: the workers start at once with the modules loaded, and only build rows from
    # the tuples they are sent (never touching this process's database connections).
    workers = max(1, min(MAX_WORKERS, (os.cpu_count() or 1) - 1))
    with (
        ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool,
        _loaded_without_indexes(DecisionTerm),
    ):
        for start in range(0, len(ids), ROWS_BATCH):
            batch = ids[start : start + ROWS_BATCH]
            versions = db.session.execute(
                select(
                    DecisionVersion.decision_id,
                    DecisionVersion.title,
                    DecisionVersion.text,
                    DecisionVersion.interpretation,
                )
                .where(DecisionVersion.id.in_([in_force[i] for i in batch]))
                .order_by(DecisionVersion.decision_id)
            )
            pending.append(pool.submit(_search_rows, [tuple(row) for row in versions]))
            if len(pending) > workers + 1:  # the workers busy while this process writes
                write_next()
        while pending:
            write_next()
    return written[0], written[1]


class _Text(NamedTuple):
    """What `search_rows` reads of a version."""

    title: str
    text: str
    interpretation: str


def _search_rows(
    versions: list[tuple[int, str, str, str]],
) -> tuple[list[tuple[int, str]], list[tuple[str, int, int, int]]]:
    """In a worker: `search_rows` of each decision's version in force, as rows to write."""
    texts, terms, values = [], [], itemgetter(*TERM_COLUMNS)
    for decision_id, *fields in versions:
        text, rows = search_rows(decision_id, _Text(*fields))  # type: ignore[arg-type]
        texts.append((decision_id, text))
        terms.extend(map(values, rows))
    return texts, terms


def _bulk_write(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Rows into a table, in the step's transaction: PostgreSQL's COPY, else one
    `executemany` of a plain INSERT."""
    if not rows:
        return
    connection = db.session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,  # our own names
        ):
            for row in rows:
                copy.write_row(row)
        return
    cursor = connection.connection.cursor()
    try:
        marks = ", ".join("?" * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
    finally:
        cursor.close()


@contextmanager
def _loaded_without_indexes(model: Any) -> Iterator[None]:
    """The table's indexes dropped for the load and built again after it, as the model
    (and so the migration) defines them: one sorted build each instead of an insert per
    row. On PostgreSQL its primary key and foreign keys too (checked again by one query
    each when added back); SQLite keeps them (they are part of its table)."""
    connection = db.session.connection()
    table = model.__table__
    indexes = sorted(table.indexes, key=lambda index: index.name)
    constraints: list[Any] = []
    if connection.dialect.name == "postgresql":
        foreign_keys = sorted(table.foreign_key_constraints, key=lambda key: key.name)
        constraints = [*foreign_keys, table.primary_key]
    for index in indexes:
        index.drop(connection)
    for constraint in constraints:
        connection.execute(DropConstraint(constraint))
    yield
    for constraint in reversed(constraints):
        connection.execute(AddConstraint(constraint))
    for index in indexes:
        index.create(connection)
