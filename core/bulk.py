"""Writing many rows at once, without a model instance or a statement per row.

``update_rows``: Django's ``bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression per row and column,
which costs seconds of Python per thousand rows; this writes the same values in one ``UPDATE ... FROM (VALUES ...)``
per batch (PostgreSQL, and SQLite from 3.33), or on PostgreSQL, from COPY_FROM rows up, streams them with ``COPY``
into a temporary table and updates from it in one statement.

``insert_rows``: rows given as tuples of values. On PostgreSQL they are streamed with ``COPY`` into a temporary
table and inserted from it in one ``INSERT ... SELECT`` (which can skip conflicts and return columns); elsewhere
(SQLite) they go through ``bulk_create``, with the same result.
"""

import itertools

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction

# From this many rows, PostgreSQL writes go through COPY (below it, one VALUES statement costs less than a temp table).
COPY_FROM = 200
_temp_names = itertools.count(1)


def update_rows(model, objs, fields: list[str], batch_size: int = 1000) -> int:
    """Write `fields` (attribute names) of model instances `objs`, matched by pk; returns the rows written."""
    objs = list(objs)
    if not objs:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    concrete = [model._meta.get_field(name) for name in fields]
    columns = [field.column for field in concrete]
    postgres = connection.vendor == "postgresql"
    if postgres and len(objs) >= COPY_FROM:
        return _copy_update(model, objs, concrete)
    sets = ", ".join(
        f"{connection.ops.quote_name(column)} = v.{connection.ops.quote_name(column)}"
        + (f"::{field.db_type(connection)}" if postgres else "")
        for column, field in zip(columns, concrete, strict=True)
    )
    names = ", ".join(connection.ops.quote_name(c) for c in ["id", *columns])
    placeholders = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    written = 0
    for start in range(0, len(objs), batch_size):
        batch = objs[start : start + batch_size]
        params = []
        for obj in batch:
            params.append(obj.pk)
            for field in concrete:
                params.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
        pk_cast = "::bigint" if postgres else ""
        sql = (
            f"WITH v({names}) AS (VALUES {', '.join([placeholders] * len(batch))}) "
            f"UPDATE {table} SET {sets} FROM v WHERE {table}.{connection.ops.quote_name(model._meta.pk.column)} "
            f"= v.{connection.ops.quote_name('id')}{pk_cast}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written += cursor.rowcount
    return written


# Fields whose database value is the Python value itself when it is a plain int, str, bool or None.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "CharField",
    "TextField",
    "BooleanField",
}
_PLAIN_TYPES = (int, str, bool, type(None))


def _preparer(field):
    """A function giving the database value of `field` for a Python value, as ``get_db_prep_save`` does, without
    its cost where nothing changes (an int, a str, an aware datetime); another value is prepared once per value."""
    import datetime

    full = field.get_db_prep_save
    internal = (field.target_field if field.is_relation else field).get_internal_type()
    if internal in _PLAIN and type(field).__module__.startswith("django."):
        return lambda value: value if type(value) in _PLAIN_TYPES else full(value, connection)
    if internal == "DateTimeField" and type(field).__module__.startswith("django."):
        return lambda value: (
            value if type(value) is datetime.datetime and value.tzinfo is not None else full(value, connection)
        )
    seen = {}

    def prepare(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = found = full(value, connection)
            return found
        except TypeError:  # not hashable (a dict for a JSON field)
            return full(value, connection)

    return prepare


def _copy(cursor, table, columns, rows):
    """Stream `rows` (tuples of database values) into `table` with PostgreSQL's COPY (psycopg 3)."""
    qn = connection.ops.quote_name
    with cursor.cursor.copy(f"COPY {table} ({', '.join(qn(c) for c in columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _temp_table(cursor, table, columns):
    """A temporary table with the types of `table`'s `columns`, dropped at the end of the transaction."""
    qn = connection.ops.quote_name
    name = qn(f"qf_bulk_{next(_temp_names)}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS "
        f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(table)} WITH NO DATA"
    )
    return name


def _copy_update(model, objs, concrete):
    qn = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk
    columns = [pk.column, *(field.column for field in concrete)]
    sets = ", ".join(f"{qn(field.column)} = t.{qn(field.column)}" for field in concrete)
    preps = [(field, _preparer(field)) for field in concrete]
    with transaction.atomic(), connection.cursor() as cursor:
        temp = _temp_table(cursor, table, columns)
        _copy(
            cursor,
            temp,
            columns,
            ((obj.pk, *(prep(getattr(obj, field.attname)) for field, prep in preps)) for obj in objs),
        )
        cursor.execute(
            f"UPDATE {qn(table)} SET {sets} FROM {temp} t WHERE {qn(table)}.{qn(pk.column)} = t.{qn(pk.column)}"
        )
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {temp}")
    return written


def insert_rows(model, fields, rows, *, ignore_conflicts=False, returning=("pk",)):
    """Insert `rows` (tuples of values for `fields`, attribute names such as ``application_id``) of `model`; the
    model's other fields take their defaults (``auto_now_add`` its time), as ``bulk_create`` would give them.

    Returns the inserted rows' `returning` attributes (plain database values) as tuples, in no particular order, or
    None when ``bulk_create`` cannot say (`ignore_conflicts` on SQLite, or below COPY_FROM rows): the caller reads
    back what it needs. A row skipped as a conflict is not returned.
    """
    rows = list(rows)
    if not rows:
        return []
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        objs = model._base_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows],
            ignore_conflicts=ignore_conflicts,
            batch_size=1000,
        )
        if ignore_conflicts:
            return None
        return [tuple(getattr(obj, name) for name in returning) for obj in objs]
    # The fields left out take their value once, as a new instance would have it (defaults, auto_now_add's now).
    blank = model()
    others = [
        field for field in meta.concrete_fields if field not in given and not (field.primary_key and field.auto_created)
    ]
    constant = tuple(field.get_db_prep_save(field.pre_save(blank, True), connection) for field in others)
    columns = [field.column for field in given] + [field.column for field in others]
    qn = connection.ops.quote_name
    back = [meta.pk.column if name == "pk" else meta.get_field(name).column for name in returning]
    names = ", ".join(qn(c) for c in columns)
    preps = [_preparer(field) for field in given]
    with transaction.atomic(), connection.cursor() as cursor:
        temp = _temp_table(cursor, meta.db_table, columns)
        _copy(
            cursor,
            temp,
            columns,
            (tuple(prep(value) for prep, value in zip(preps, row, strict=True)) + constant for row in rows),
        )
        cursor.execute(
            f"INSERT INTO {qn(meta.db_table)} ({names}) SELECT {names} FROM {temp}"
            + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
            + (f" RETURNING {', '.join(qn(c) for c in back)}" if back else "")
        )
        found = cursor.fetchall() if back else []
        cursor.execute(f"DROP TABLE {temp}")
    return [tuple(row) for row in found]


def shift_by_day(queryset, field: str, shifts: dict) -> int:
    """Move a datetime column of the rows `queryset` selects by whole days, by its local date: a row whose `field`
    falls (in the current time zone) on a date of `shifts` ({date: days}) moves that many days, same time of day.

    One ``UPDATE ... FROM (SELECT date, shift UNION ALL ...)`` whatever the number of rows, on PostgreSQL and
    SQLite: the working-day index of a recomputation (a few dozen dates) instead of one value per row. Returns the
    rows moved.
    The time zone must have a fixed offset on those dates (Asia/Shanghai has no daylight saving).
    """
    import datetime

    from django.utils import timezone

    if not shifts:
        return 0
    model = queryset.model
    qn = connection.ops.quote_name
    table, column = qn(model._meta.db_table), qn(model._meta.get_field(field).column)
    pk = qn(model._meta.pk.column)
    postgres = connection.vendor == "postgresql"
    tzname = timezone.get_current_timezone_name()
    local_day, day_params = connection.ops.datetime_cast_date_sql(f"{table}.{column}", (), tzname)
    moved = connection.ops.combine_duration_expression("+", [f"{table}.{column}", "m.shift"])
    # A derived table rather than a WITH: the statement then starts with UPDATE, which SQLite needs to count rows.
    rows, params = [], []
    for day, days in sorted(shifts.items()):
        first = not rows
        if postgres:
            rows.append("SELECT %s::date AS day, %s::interval AS shift" if first else "SELECT %s::date, %s::interval")
        else:
            rows.append("SELECT %s AS day, %s AS shift" if first else "SELECT %s, %s")
        delta = datetime.timedelta(days=days)
        params += [day, delta] if postgres else [day.isoformat(), int(delta.total_seconds()) * 1_000_000]
    try:
        condition, condition_params = _own_where(queryset)
    except EmptyResultSet:
        return 0
    if condition is None:  # a filter through another table: the rows it selects, as a subquery
        inner, condition_params = queryset.order_by().values("pk").query.sql_with_params()
        condition = f"{table}.{pk} IN ({inner})"
    sql = (
        f"UPDATE {table} SET {column} = {moved} FROM ({' UNION ALL '.join(rows)}) AS m "
        f"WHERE {local_day} = m.day AND {condition}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *day_params, *condition_params])
        return cursor.rowcount


def _own_where(queryset):
    """The WHERE of a queryset that filters its own table only, as SQL naming that table (which the UPDATE names
    too), so the planner reads the rows by their indexes; (None, ()) when it joins another table.

    (PostgreSQL plans ``pk IN (subquery)`` in an UPDATE as a scan of the whole table: seconds per chunk at 100,000.)
    """
    query = queryset.query
    table = queryset.model._meta.db_table
    if query.is_sliced or query.combinator or any(alias != table for alias in query.alias_map):
        return None, ()
    try:
        return query.get_compiler(connection=connection).compile(query.where)
    except FullResultSet:
        return "1 = 1", ()
