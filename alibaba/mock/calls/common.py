"""What a call handler gets, and the readers of its plain parameters."""

import sqlite3
from dataclasses import dataclass
from typing import Any, Literal, overload

from ..errors import invalid, missing

# What a stored file is, by its first bytes: (magic, content type, extension).
FileKind = tuple[bytes, str, str]
PDF: FileKind = (b"%PDF-", "application/pdf", "pdf")
JPEG: FileKind = (b"\xff\xd8\xff", "image/jpeg", "jpg")
PNG: FileKind = (b"\x89PNG\r\n\x1a\n", "image/png", "png")


@dataclass(frozen=True)
class Call:
    """One call inside its transaction. ``supplier_id`` is the access token's supplier (``None`` on app calls);
    ``base_url`` is the gateway's address as the caller reached it (for the links it hands out)."""

    gateway: Any
    conn: sqlite3.Connection
    params: dict[str, str]
    files: dict[str, bytes]
    supplier_id: int | None
    now: float
    base_url: str = ""

    @property
    def config(self) -> dict[str, Any]:
        return self.gateway.config

    @overload
    def text(self, key: str, *, max_length: int = ..., required: Literal[True] = ...) -> str: ...

    @overload
    def text(self, key: str, *, max_length: int = ..., required: bool, default: str | None = ...) -> str | None: ...

    def text(self, key: str, *, max_length: int = 512, required: bool = True, default: str | None = None) -> str | None:
        value = self.params.get(key, "").strip()
        if not value:
            if required:
                raise missing(key)
            return default
        if len(value) > max_length:
            raise invalid(key, f"must be at most {max_length} characters (it has {len(value)})")
        return value

    def integer(self, key: str, *, minimum: int = 0, maximum: int = 10**15, default: int | None = None) -> int:
        value = self.params.get(key, "").strip()
        if not value:
            if default is None:
                raise missing(key)
            return default
        if not value.isdigit():
            raise invalid(key, f"must be a whole number (it is {value!r})")
        number = int(value)
        if not minimum <= number <= maximum:
            raise invalid(key, f"must be between {minimum} and {maximum} (it is {number})")
        return number

    def file(self, key: str, *, max_bytes: int, kinds: tuple[FileKind, ...], what: str) -> tuple[bytes, FileKind]:
        """The multipart part ``key``: present, not empty, at most ``max_bytes`` (whole megabytes), and one of
        ``kinds`` by its content (``what`` names them in the refusal). Returns the content and its kind."""
        content = self.files.get(key)
        if content is None:
            raise missing(key, f"is required (a multipart file part named {key})")
        if not content:
            raise invalid(key, "is empty")
        if len(content) > max_bytes:
            raise invalid(key, f"must be at most {max_bytes // (1024 * 1024)} MB (it has {len(content)} bytes)")
        kind = next((kind for kind in kinds if content.startswith(kind[0])), None)
        if kind is None:
            raise invalid(key, f"must be {what} (judged by its content)")
        return content, kind
