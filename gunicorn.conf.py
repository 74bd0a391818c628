"""gunicorn's settings for Sunshine; gunicorn reads this file from the working directory.

The access log goes through `core.logs.GunicornLogger`, which keeps private tokens (a
resident's comment-status link) out of every line.
"""

logger_class = "core.logs.GunicornLogger"
