"""Logging of routine beat tasks: quiet while they have nothing new to say.

The outbox relay runs every five seconds (``ALIBABA_OUTBOX_RELAY_INTERVAL_S``) and nearly always finds nothing, as do
the other sweeps and relays; the demo's steps repeat their state every five seconds. Celery logs three lines a run
(beat sending it, the worker receiving it, its success): most of a ``make run`` log. These tasks log what they move
themselves (``outbox relay: re-sent …``); this filter drops Celery's routine lines about them, keeping a success whose
return says something new (a count, another state than the last run's). A failure or a retry is always logged.
"""

import logging
from collections.abc import Iterable

# Celery's loggers of the three routine lines, and the returns (their repr) of a run that did nothing.
LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace")
NOTHING_DONE = frozenset({"None", "0", "''", "[]", "{}"})


class QuietRoutineTasks(logging.Filter):
    """Drops Celery's "sending" and "received" lines about ``tasks`` (task names), and their "succeeded" line when it
    returned nothing or the same as the task's last run in this process."""

    def __init__(self, tasks: Iterable[str] = ()) -> None:
        super().__init__()
        self.tasks = frozenset(tasks)
        self.last_return: dict[str, str] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        message = str(record.msg)
        if isinstance(
            args, dict
        ):  # the worker: "Task %(name)s[%(id)s] received" / "… succeeded in …: %(return_value)s"
            name = args.get("name")
            if name not in self.tasks:
                return True
            if message.endswith("received"):
                return False
            if "succeeded" in message:
                returned = str(args.get("return_value"))
                last, self.last_return[name] = self.last_return.get(name), returned
                return returned not in NOTHING_DONE and returned != last
            return True
        if isinstance(args, tuple) and message.startswith("Scheduler: Sending due task"):  # beat
            return not any(arg in self.tasks for arg in args)
        return True
