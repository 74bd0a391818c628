"""Ten busy years of data, written with bulk inserts after the demo data.

Each feature adds its share as one step, a function taking the `Generation` (the list is
`bench.generate.STEPS`). A step buffers rows with `add` and audit rows with `audit`, and
calls `checkpoint` whenever every row it buffered has its parents buffered too; the
buffers are then written in the order of the foreign keys, with explicit ids (`new_id`)
so rows can refer to each other before they are written. Values
follow the models and the rules the operations keep: aware UTC times, review states,
`published_at` on everything public, receipt numbers from row ids, tokens from `secrets`.
Everything but the tokens comes from one seeded `random.Random`, so a run is repeatable.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text

from core.accounts.models import User
from core.audit import AuditEntry
from extensions import db

BATCH = 5000
SYSTEM_ACTOR_NAME = "system"


@dataclass
class Staff:
    """The demo's staff, who author and review the generated history."""

    id: int
    name: str


@dataclass
class Generation:
    """What the steps share: the random source, the scale, the moment of generation, the
    staff, and the buffers of rows waiting to be written."""

    rng: random.Random
    scale: float
    now: datetime
    staff: dict[str, Staff]
    buffers: dict[Any, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    next_ids: dict[Any, int] = field(default_factory=dict)
    first_ids: dict[Any, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Rows a later step needs to find (e.g. "bench_meeting": its id).
    marks: dict[str, int] = field(default_factory=dict)

    @classmethod
    def start(cls, *, scale: float, seed: int, now: datetime) -> Generation:
        staff = {
            user.username: Staff(user.id, user.display_name)
            for user in db.session.scalars(select(User))
        }
        return cls(rng=random.Random(seed), scale=scale, now=now, staff=staff)  # noqa: S311

    def count(self, full_size: int, minimum: int = 1) -> int:
        """How many of something at this scale (`full_size` at scale 1)."""
        return max(minimum, round(full_size * self.scale))

    def new_id(self, model: Any) -> int:
        """The next id of `model`'s table, counting rows still in the buffer."""
        if model not in self.next_ids:
            self.next_ids[model] = (db.session.scalar(select(func.max(model.id))) or 0) + 1
            self.first_ids[model] = self.next_ids[model]
        self.next_ids[model] += 1
        return self.next_ids[model] - 1

    def first_id(self, model: Any) -> int:
        """The first id this generation gave `model` (rows below it came from the demo)."""
        return self.first_ids.get(model, self.next_ids.get(model, 1))

    def add(self, model: Any, **row: Any) -> int:
        """Buffer one row (given an id when it has none); returns the id."""
        row.setdefault("id", self.new_id(model))
        self.buffers[model].append(row)
        return row["id"]

    def checkpoint(self) -> None:
        """Write the buffers once they hold a batch; call it only where no buffered row
        waits for a parent still to be added."""
        if sum(len(rows) for rows in self.buffers.values()) >= BATCH:
            self.flush()

    def audit(
        self,
        action: str,
        subject_type: str,
        subject_id: int,
        *,
        at: datetime,
        actor: str | None,
        summary: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """An audit row as `record_change` would write it, at the moment it happened."""
        who = self.staff[actor] if actor else None
        self.add(
            AuditEntry,
            at=at,
            actor_id=who.id if who else None,
            actor_name=who.name if who else SYSTEM_ACTOR_NAME,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            summary=summary[:300],
            before=before,
            after=after,
        )

    def flush(self) -> None:
        """Write every buffer, parents before children (the foreign keys are checked)."""
        for table in db.metadata.sorted_tables:
            for model in [model for model in self.buffers if model.__table__ is table]:
                rows = self.buffers.pop(model)
                # Core's executemany: one statement for the batch, so every row names
                # every column (the ORM's bulk insert would leave out NULLs row by row).
                columns = {column for row in rows for column in row}
                for row in rows:
                    for column in columns - row.keys():
                        row[column] = None
                for start in range(0, len(rows), BATCH):
                    db.session.execute(insert(table), rows[start : start + BATCH])
                self.written[table.name] += len(rows)

    def finish(self) -> None:
        """Write what is left; on PostgreSQL move each id sequence past the explicit ids."""
        self.flush()
        if db.engine.dialect.name != "postgresql":
            return
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                    )
                )


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment drawn evenly between two others, to the second. One draw whatever the span
    (`randrange` draws more often for some spans), so runs at different moments draw the
    same sequence and make the same history, shifted in time."""
    return start + timedelta(seconds=int(rng.random() * (end - start).total_seconds()))
