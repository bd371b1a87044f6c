"""How the gateway writes and reads times: epoch seconds inside, ISO 8601 UTC with milliseconds in answers."""

from datetime import UTC, date, datetime


def iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_date(epoch_s: float) -> date:
    return datetime.fromtimestamp(epoch_s, tz=UTC).date()


def parse_instant(text: str) -> float | None:
    """Epoch milliseconds (digits) or an ISO 8601 time with a timezone → epoch seconds; ``None`` if neither."""
    text = text.strip()
    if text.isdigit():
        return int(text) / 1000
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.timestamp()


def seconds_to_utc_midnight(epoch_s: float) -> float:
    return 86400 - epoch_s % 86400
