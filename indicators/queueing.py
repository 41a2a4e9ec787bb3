"""Queue Celery tasks after commit without ever failing the request that asked for them.

Work that must not be lost is also a row in the database (an edition waiting to be built, a
transition waiting to be e-mailed), so when the broker is down the row waits and a periodic sweep
(celery beat) queues it again. The request itself only logs the failure: the user's change is
already committed and the page must still answer.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

# Give up on a down broker within about a second rather than holding the request for minutes.
FAST_FAIL = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue(task: Any, *args: Any) -> bool:
    """Send ``task(*args)`` to the broker now; False (logged) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=FAST_FAIL)
    except (OperationalError, ConnectionError, OSError) as error:
        log.warning("Could not queue %s%r (%s); the periodic sweep will.", task.name, args, error)
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits (never if it rolls back)."""
    transaction.on_commit(lambda: enqueue(task, *args))
