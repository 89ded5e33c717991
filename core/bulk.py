"""Writing many rows' columns at once: one ``UPDATE ... FROM (VALUES ...)`` per batch.

Django's ``bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression per row and column, which costs
seconds of Python per thousand rows; this writes the same values in one statement (PostgreSQL, and SQLite from 3.33).
"""

from django.db import connection


def update_rows(model, objs, fields: list[str], batch_size: int = 1000) -> int:
    """Write `fields` (attribute names) of model instances `objs`, matched by pk; returns the rows written."""
    objs = list(objs)
    if not objs:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    concrete = [model._meta.get_field(name) for name in fields]
    columns = [field.column for field in concrete]
    postgres = connection.vendor == "postgresql"
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
    inner, inner_params = queryset.values("pk").query.sql_with_params()
    sql = (
        f"UPDATE {table} SET {column} = {moved} FROM ({' UNION ALL '.join(rows)}) AS m "
        f"WHERE {local_day} = m.day AND {table}.{pk} IN ({inner})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *day_params, *inner_params])
        return cursor.rowcount
