"""Rows into a table in bulk for building the benchmark: one prepared INSERT per batch
(executemany) on SQLite, COPY on PostgreSQL.

Django's bulk_create builds each row through the model and the SQL compiler: right for the app,
too slow for the millions of rows of a city. Here values go straight to the database driver,
adapted once per field by the backend's own adapters; fields a row does not give take their
model default, so a column added later with a default needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models

FLUSH_AT = 20_000
BATCH = 5_000


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    ops = connection.ops
    kind = field.get_internal_type()
    adapt: Callable[[Any], Any]
    if kind == "DateField":
        adapt = ops.adapt_datefield_value
    elif kind == "DateTimeField":
        adapt = ops.adapt_datetimefield_value
    elif kind == "DecimalField":
        digits, places = field.max_digits, field.decimal_places  # type: ignore[attr-defined]
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    elif kind in ("JSONField", "FileField", "UUIDField"):
        return lambda value: field.get_db_prep_save(value, connection)
    else:
        return None
    # A city's dates and moments repeat (due days, the hour a report comes in): adapt each once.
    seen: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        if value not in seen:
            seen[value] = adapt(value)
        return seen[value]

    return cached


class Table:
    """Rows for `model`, given by field name (a foreign key by its id); flushed in batches."""

    def __init__(self, model: type[models.Model], names: Iterable[str], counts: dict[str, int]) -> None:
        self.model = model
        self.counts = counts
        given = list(names)
        fields = {f.name: f for f in model._meta.concrete_fields}
        fields |= {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [fields[name] for name in given]
        self.adapters = [_adapter(f) for f in self.fields]
        rest = [f for f in model._meta.concrete_fields if f not in self.fields and not f.primary_key]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        columns = [f.column for f in self.fields] + [f.column for f in rest]
        quote = connection.ops.quote_name
        # Names from the model's own meta, quoted by the backend; values are parameters.
        table, names_sql = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {table} ({names_sql}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({names_sql}) FROM STDIN"
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> None:
        self.rows.append(
            tuple(v if a is None or v is None else a(v) for v, a in zip(values, self.adapters, strict=True))
            + self.defaults
        )
        if len(self.rows) >= FLUSH_AT:
            self.flush()

    def add_instance(self, obj: models.Model) -> None:
        self.add(*(getattr(obj, f.attname) for f in self.fields))

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: one stream instead of a statement per row. The driver adapts the values.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                for start in range(0, len(self.rows), BATCH):
                    cursor.executemany(self.sql, self.rows[start : start + BATCH])
        label = self.model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(self.rows)
        self.rows = []


def fields_of(model: type[models.Model]) -> list[str]:
    """Every concrete field's attribute name (the primary key included), for add_instance."""
    return [f.attname for f in model._meta.concrete_fields]
