"""Aggregates the figures need that Django lacks: a percentile (median, 90th) computed in the database, on PostgreSQL
(``percentile_cont``) and on SQLite (a Python aggregate registered on each connection), so that a figure is one
aggregate query on both."""

from __future__ import annotations

import math
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, FloatField
from django.db.models.expressions import Combinable

SQLITE_FUNCTION = "DXPORTS_PERCENTILE"


class Percentile(Aggregate):
    """The ``fraction`` (0–1) percentile of ``expression``, interpolated between the values around it (as
    PostgreSQL's ``percentile_cont``); ``None`` over no rows."""

    name = "Percentile"
    output_field = FloatField()

    def __init__(self, expression: Combinable | str, fraction: float, **extra: Any) -> None:
        if not 0 <= float(fraction) <= 1:
            raise ValueError("a percentile's fraction is between 0 and 1")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=f"percentile_cont({self.fraction!r}) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=f"{SQLITE_FUNCTION}(%(expressions)s, {self.fraction!r})", **extra
        )


class _SqlitePercentile:
    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        if not self.values:
            return None
        values = sorted(self.values)
        position = self.fraction * (len(values) - 1)
        low, high = math.floor(position), math.ceil(position)
        return values[low] + (values[high] - values[low]) * (position - low)


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: SQLite connections learn ``DXPORTS_PERCENTILE``."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_FUNCTION, 2, _SqlitePercentile)
