"""Logging of routine beat tasks: quiet while they have nothing to do.

The outbox relay runs every few seconds (``ALIBABA_OUTBOX_RELAY_INTERVAL_S``) and nearly always finds nothing; Celery
would log three lines a run (beat sending it, the worker receiving it, its success), a sixth of a ``make run`` log.
The task logs itself when it moves something (``outbox relay: re-sent …``); this filter drops Celery's routine lines
about it. A failure, a retry or a success that returned something is still logged.
"""

import logging
from collections.abc import Iterable

# Celery's loggers of the three routine lines, and the returns (their repr) of a run that did nothing.
LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace")
NOTHING_DONE = frozenset({"None", "0", "''", "[]", "{}"})


class QuietRoutineTasks(logging.Filter):
    """Drops Celery's "sending", "received" and empty "succeeded" lines about ``tasks`` (task names)."""

    def __init__(self, tasks: Iterable[str] = ()) -> None:
        super().__init__()
        self.tasks = frozenset(tasks)

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(
            args, dict
        ):  # the worker: "Task %(name)s[%(id)s] received" / "… succeeded in …: %(return_value)s"
            if args.get("name") not in self.tasks:
                return True
            message = str(record.msg)
            if "received" in message:
                return False
            return not ("succeeded" in message and args.get("return_value") in NOTHING_DONE)
        if isinstance(args, tuple) and str(record.msg).startswith("Scheduler: Sending due task"):  # beat
            return not any(arg in self.tasks for arg in args)
        return True
