"""Changes to bodies, meetings, agendas and live updates.

Each operation takes the acting user, flushes, writes the audit log and leaves the commit
to the caller. A draft meeting and its agenda change directly; once the meeting is
announced, public changes are proposed as `MeetingChange`s and applied on approval.
The rules several operations share are in `rules`, each in one function.
"""

from meetings.operations.agenda import (
    add_agenda_item,
    attach_document,
    attach_item_document,
    delete_draft_agenda_item,
    move_agenda_item,
    put_item_on_agenda,
    update_agenda_item,
)
from meetings.operations.bodies import create_body, save_body, update_body
from meetings.operations.live import (
    LIVE_UPDATES_OPEN_BEFORE,
    correct_live_update,
    post_live_update,
    withdraw_live_update,
)
from meetings.operations.meetings import (
    create_meeting,
    propose_change,
    update_meeting,
    withdraw_proposal,
)

__all__ = [
    "LIVE_UPDATES_OPEN_BEFORE",
    "add_agenda_item",
    "attach_document",
    "attach_item_document",
    "correct_live_update",
    "create_body",
    "create_meeting",
    "delete_draft_agenda_item",
    "move_agenda_item",
    "post_live_update",
    "propose_change",
    "put_item_on_agenda",
    "save_body",
    "update_agenda_item",
    "update_body",
    "update_meeting",
    "withdraw_live_update",
    "withdraw_proposal",
]
