"""The demo's clock: the demo tells a year of an office's work, loaded in one moment.

Operations stamp the real time (`utcnow`) on what they write and on their audit rows, so a
demo loaded through them would say that everything was announced, moderated and concluded
the second `flask demo` ran. `DemoClock.at(moment)` runs operations as they are and then
moves every time they stamped, on the rows they wrote or changed and on their audit rows,
to the moment the story gives that step. The application's own clock is never moved: the
operations still check their rules against the real time, which is why the demo only
replays through them steps that were allowed then and are still allowed now.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from core.clock import UTCDateTime, from_office_time, to_office_time, utcnow
from extensions import db


@cache
def _time_columns(model: type) -> tuple[str, ...]:
    """The attributes of a model stored as times (`UTCDateTime` columns)."""
    return tuple(
        attribute.key
        for attribute in inspect(model).column_attrs
        if isinstance(attribute.columns[0].type, UTCDateTime)
    )


class DemoClock:
    """The story's times, counted from the moment the demo is loaded (`now`)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or utcnow()
        self.today: date = to_office_time(self.now).date()

    def office_day(self, days: int, hour: int, minute: int = 0) -> datetime:
        """`days` from today at `hour:minute` on the office's wall clock."""
        return self.on(self.today + timedelta(days=days), hour, minute)

    @staticmethod
    def on(day: date, hour: int, minute: int = 0) -> datetime:
        return from_office_time(datetime.combine(day, time(hour, minute)))

    @staticmethod
    def day_of(moment: datetime) -> date:
        """The office's calendar day of a moment."""
        return to_office_time(moment).date()

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """Run the operations inside as if at `moment`: every time they stamp on what they
        write or change, and their audit rows' time, reads `moment` afterwards."""
        if moment >= self.now:
            raise ValueError(f"The demo's story happens before it is loaded, not at {moment}.")
        session: Session = db.session()
        touched: dict[int, object] = {}

        def collect(session: Session, _context: object, _instances: object) -> None:
            for obj in (*session.new, *session.dirty):
                touched[id(obj)] = obj

        started = utcnow()
        event.listen(session, "before_flush", collect)
        try:
            yield
            session.flush()
        finally:
            event.remove(session, "before_flush", collect)
        finished = utcnow()
        # A time stamped inside the block lies between its start and end on the real clock.
        # The story's own times are before `now` (what happened) or days after it (what is
        # scheduled), so none of them is taken for a stamp.
        for obj in touched.values():
            for key in _time_columns(type(obj)):
                value = getattr(obj, key)
                if value is not None and started <= value <= finished:
                    setattr(obj, key, moment)
        session.flush()
