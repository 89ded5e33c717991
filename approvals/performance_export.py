"""Open data of the public performance report: ``/approvals/performance.json`` and ``.csv``, one row per unit and
month with the fields of ``FIELDS`` (documented in docs/approvals.md). Rates are fractions from 0 to 1, or null
(empty in CSV) where the minimum-volume rule withholds them."""

import csv
import io

from approvals.performance import Report

FIELDS = {
    "month": "YYYY-MM",
    "unit": '"city" for the whole city, else the department code',
    "unit_name": "the unit's name",
    "items": "published approval items",
    "applications_handled": "applications completed in the month",
    "on_time": "of those, completed by the promised time",
    "on_time_rate": "on_time / applications_handled (null under the minimum volume)",
    "time_used_ratio": "average (completed - accepted) / (promised - accepted) (null under the minimum volume)",
    "promised_days_average": "average promised limit of those applications, in working days",
    "ratings": "ratings (好差评) given in the month",
    "rating_average": "average stars, 1 to 5 (null under the minimum volume)",
    "bad_rating_share": "share of 1- and 2-star ratings (null under the minimum volume)",
    "bad_ratings": "1- and 2-star ratings given in the month",
    "bad_ratings_answered_on_time": "of those, answered (checked, put right, applicant called back) by their due time",
    "complaints_received": "complaints received naming the unit",
    "complaints_substantiated": "complaints concluded substantiated or partly substantiated in the month",
    "below_minimum_volume": "true when applications_handled is under minimum_volume",
}


def _round(value, digits=4):
    return round(value, digits) if value is not None else None


def rows(report: Report) -> list[dict]:
    found = []
    for month in report.months:
        for unit in [report.city, *report.departments]:
            f = unit.by_month.get(month)
            if f is None:
                continue
            found.append(
                {
                    "month": f"{month:%Y-%m}",
                    "unit": unit.code,
                    "unit_name": unit.name,
                    "items": f.items,
                    "applications_handled": f.handled,
                    "on_time": f.on_time,
                    "on_time_rate": _round(f.on_time_rate),
                    "time_used_ratio": _round(f.time_used),
                    "promised_days_average": _round(f.promised_days, 2),
                    "ratings": f.ratings,
                    "rating_average": _round(f.average_stars, 2),
                    "bad_rating_share": _round(f.bad_share),
                    "bad_ratings": f.bad_ratings,
                    "bad_ratings_answered_on_time": f.bad_answered_on_time,
                    "complaints_received": f.complaints_received,
                    "complaints_substantiated": f.complaints_substantiated,
                    "below_minimum_volume": f.below_minimum,
                }
            )
    return found


def as_json(report: Report) -> dict:
    return {
        "title": "Qingfeng online approval: public performance by unit and month",
        "computed_at": report.computed_at.isoformat() if report.computed_at else None,
        "minimum_volume": report.minimum,
        "fields": FIELDS,
        "rows": rows(report),
    }


def as_csv(report: Report) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with the BOM
    writer = csv.DictWriter(out, fieldnames=list(FIELDS))
    writer.writeheader()
    for row in rows(report):
        writer.writerow(
            {k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v) for k, v in row.items()}
        )
    return out.getvalue()
