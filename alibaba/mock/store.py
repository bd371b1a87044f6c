"""The gateway's state in SQLite: one connection behind one lock (every call is a short transaction), WAL when the
database is a file. Times are epoch seconds of the gateway's clock."""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS suppliers (
    supplier_id INTEGER PRIMARY KEY,
    seller_ref TEXT NOT NULL UNIQUE,
    company_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_codes (
    code TEXT PRIMARY KEY,
    supplier_id INTEGER NOT NULL,
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    supplier_id INTEGER NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS photos (
    url TEXT PRIMARY KEY,
    supplier_id INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    product_id INTEGER PRIMARY KEY,
    supplier_id INTEGER NOT NULL,
    custom_code TEXT,
    category_id INTEGER NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'approved', 'tbd')),
    display TEXT NOT NULL CHECK (display IN ('Y', 'N')),
    display_held INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    version INTEGER NOT NULL,
    review_due_at REAL,
    gmt_create REAL NOT NULL,
    gmt_modified REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS products_supplier ON products (supplier_id, product_id);
CREATE INDEX IF NOT EXISTS products_custom_code ON products (custom_code);
CREATE INDEX IF NOT EXISTS products_review_due ON products (review_due_at) WHERE review_due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS inquiries (
    inquiry_id INTEGER PRIMARY KEY,
    supplier_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    seq INTEGER NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    content TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    quantity_unit TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_company TEXT NOT NULL,
    buyer_country TEXT NOT NULL,
    gmt_create REAL NOT NULL,
    gmt_modified REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS inquiries_supplier ON inquiries (supplier_id, seq);
CREATE TABLE IF NOT EXISTS messages (
    message_id INTEGER PRIMARY KEY,
    inquiry_id INTEGER NOT NULL,
    sender TEXT NOT NULL CHECK (sender IN ('buyer', 'supplier')),
    content TEXT NOT NULL,
    quotation TEXT,
    gmt_create REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_inquiry ON messages (inquiry_id, message_id);
CREATE TABLE IF NOT EXISTS attachments (
    attachment_id INTEGER PRIMARY KEY,
    inquiry_id INTEGER NOT NULL,
    message_id INTEGER,
    supplier_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    recipe TEXT NOT NULL,
    gmt_create REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_inquiry ON attachments (inquiry_id, attachment_id);
CREATE TABLE IF NOT EXISTS certificate_files (
    url TEXT PRIMARY KEY,
    supplier_id INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS company_profiles (
    supplier_id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'approved', 'tbd')),
    reason TEXT,
    version INTEGER NOT NULL,
    review_due_at REAL,
    gmt_create REAL NOT NULL,
    gmt_modified REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS pushes (
    event_id TEXT PRIMARY KEY,
    message_type TEXT NOT NULL,
    body BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    created_at REAL NOT NULL,
    delivered_at REAL
);
CREATE INDEX IF NOT EXISTS pushes_due ON pushes (status, next_attempt_at);
"""
TABLES = (
    "suppliers", "auth_codes", "tokens", "photos", "products", "inquiries", "messages", "attachments",
    "certificate_files", "company_profiles", "pushes",
)  # fmt: skip

# Ids look like the platform's (long numbers), not 1, 2, 3.
ID_BASES = {
    ("suppliers", "supplier_id"): 220_000_000,
    ("products", "product_id"): 1_600_000_000_000,
    ("inquiries", "inquiry_id"): 91_000_000_000,
    ("messages", "message_id"): 92_000_000_000,
    ("attachments", "attachment_id"): 93_000_000_000,
    ("inquiries", "seq"): 0,
}


class Store:
    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def reset(self) -> None:
        with self.transaction() as conn:
            for table in TABLES:
                conn.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def next_id(conn: sqlite3.Connection, table: str, column: str) -> int:
    """The next id of ``column``; callers hold the store's transaction, so no two callers get the same one."""
    (largest,) = conn.execute(f"SELECT MAX({column}) FROM {table}").fetchone()
    return (largest or ID_BASES[(table, column)]) + 1
