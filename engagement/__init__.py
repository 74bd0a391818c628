"""The public taking part: the home page of what is coming, and (as they arrive)
consultations and comments, invitations, open days and registrations.

It may import `meetings`; `meetings` never imports it.
"""
