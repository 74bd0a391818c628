"""Every write about open days: preparing, postponing and cancelling them (`open_days`),
registering and cancelling (`registrations`), the lottery (`draw`), and the day itself:
check-in, no-shows, roles, feedback, reminders (`door`). Each records its audit row and
queues its messages; the caller commits (`core.runner`)."""

from engagement.open_days.operations.door import (
    assign_role,
    check_in,
    invite_feedback,
    mark_no_shows,
    remind_registrants,
    submit_feedback,
)
from engagement.open_days.operations.draw import fix_draw_seed, run_draw
from engagement.open_days.operations.open_days import (
    OPEN_DAY_FIELDS,
    cancel_open_day,
    create_open_day,
    postpone_open_day,
    purge_open_day_data,
    update_open_day,
)
from engagement.open_days.operations.registrations import (
    AlreadyRegistered,
    cancel_registration,
    lock_the_open_day,
    register,
    send_link_again,
)

__all__ = [
    "OPEN_DAY_FIELDS",
    "AlreadyRegistered",
    "assign_role",
    "cancel_open_day",
    "cancel_registration",
    "check_in",
    "create_open_day",
    "fix_draw_seed",
    "invite_feedback",
    "lock_the_open_day",
    "mark_no_shows",
    "postpone_open_day",
    "purge_open_day_data",
    "register",
    "remind_registrants",
    "run_draw",
    "send_link_again",
    "submit_feedback",
    "update_open_day",
]
