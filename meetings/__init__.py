"""The office deciding: organising bodies, meetings and what they decide.

It is also the lower layer of the product, so it holds what every part needs and
`engagement` may import: staff accounts (`meetings.staff`), the confidentiality
review every public thing passes (`meetings.review`), the audit log
(`meetings.audit`), office time (`meetings.clock`) and the shared web layer
(`meetings.web`).
"""
