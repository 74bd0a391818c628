"""gunicorn's settings for Sunshine; gunicorn reads this file from the working directory.

The access log goes through `core.logs.GunicornLogger`, which keeps private tokens (a
resident's comment-status link) out of every line. Several workers without Redis are
warned about at start: each would keep its own rate-limit counts and page cache.
"""

import os

logger_class = "core.logs.GunicornLogger"


def when_ready(server) -> None:
    workers = server.cfg.workers
    if workers > 1 and not os.environ.get("REDIS_URL", "").strip():
        server.log.warning(
            "REDIS_URL is not set: each of the %d workers keeps its own rate-limit counts "
            "(so up to %d times each limit gets through) and its own page cache. Set REDIS_URL "
            "to share them.",
            workers,
            workers,
        )
