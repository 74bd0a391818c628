"""Sitting in's share of ten busy years, on every announced district executive meeting the
meetings step wrote (about 300; their calls are open to residents, six places each):
places per category set the day it was announced; two weeks ahead, three deputies, three
CPPCC members, usually an expert and the media, and now and then a resident
representative from the directory invited, answering within days (a member who declines
is replaced by another); residents applying in the public call until 48 hours before,
checked for eligibility, then all invited when they fit in the residents' places left or
drawn by lot with `core.draw`; everyone still holding a place reminded two days ahead;
attendance marked as the meeting ends. The audit rows are those the operations write.

The directory holds about 500 people over the years: deputies and members for their
five-year terms (some re-elected), experts, the media, resident representatives for a few
years each. The retention purge (`SIT_IN_RETENTION_DAYS`, run nightly) deletes the contact
details of everyone not needed for that long, and of applicants and those selected from
them; a purged person has no contact details to be invited by, so someone needed again
after a purge is added to the directory again (a new row; staff may instead give the old
entry its details back).

Upcoming meetings have their invitations out once two weeks away, some not yet answered
(the bench's `/rsvp/<token>`), and their calls take applications until they close. The
bench's meeting page (`bench_meeting`, held three days ago) lists who sat in, as the demo's
latest meeting does. Mail and text messages are not generated: no public page reads them.
"""

from bench.data.sitting_in.story import generate_sitting_in

__all__ = ["generate_sitting_in"]
