"""Plan an import: clean and validate each parsed row, then sort it into create, update, unchanged or rejected,
with the reasons and the changes the preview shows. Writes nothing."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import phonenumbers
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from phonenumber_field.phonenumber import PhoneNumber

from directory.error_codes import DirectoryErrorCode
from directory.importing.columns import FALSE_VALUES, RANK_ALIASES, REQUIRED_FIELDS, TRUE_VALUES, normalise_header
from directory.importing.parsing import ParsedFile, SourceRow
from directory.models import MOBILE_TYPES, Cadre, Department, Rank

# Values per IN (...) lookup: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
LOOKUP_CHUNK = 10_000
NAME_MAX_LENGTH = Cadre._meta.get_field("name").max_length
POST_MAX_LENGTH = Cadre._meta.get_field("post").max_length


@dataclass
class RowError:
    code: DirectoryErrorCode
    message: str


@dataclass
class PlannedRow:
    number: int
    values: dict[str, str]
    cadre: Cadre
    changed_fields: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new) for the preview


@dataclass
class RejectedRow:
    number: int
    values: dict[str, str]
    errors: list[RowError]

    @property
    def codes(self) -> list[DirectoryErrorCode]:
        return [error.code for error in self.errors]

    @property
    def reason(self) -> str:
        return _("; ").join(error.message for error in self.errors)


@dataclass
class ImportPlan:
    parsed: ParsedFile
    create: list[PlannedRow] = field(default_factory=list)
    update: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return self.parsed.warnings

    @property
    def has_changes(self) -> bool:
        return bool(self.create or self.update)

    def counts(self) -> dict[str, int]:
        return {
            "create": len(self.create),
            "update": len(self.update),
            "unchanged": len(self.unchanged),
            "rejected": len(self.rejected),
        }


@dataclass
class _CleanRow:
    source: SourceRow
    errors: list[RowError]
    name: str = ""
    phone: PhoneNumber | None = None
    department_code: str = ""
    post: str | None = None
    rank: str | None = None
    is_party_member: bool | None = None


def _rank_lookup() -> dict[str, str]:
    """Normalised cell text -> rank: the aliases, the codes, and the labels in both languages."""
    lookup = {normalise_header(alias): rank.value for alias, rank in RANK_ALIASES.items()}
    for rank in Rank:
        lookup[normalise_header(rank.value)] = rank.value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[normalise_header(str(rank.label))] = rank.value
    return lookup


def _clean_name(value: str) -> str:
    name = re.sub(r"\s+", " ", value).strip()
    if re.fullmatch(r"[\u3400-\u9fff· ]+", name):
        name = name.replace(" ", "")
    return name


class _CheckedPhoneNumber(PhoneNumber):
    """A number this import has already validated.

    The model field checks validity again each time the number is saved or looked up; skipping the repeats
    made a 10,000-row import about a third faster.
    """

    def is_valid(self) -> bool:
        return True


def _parse_phone(text: str) -> tuple[PhoneNumber | None, RowError | None]:
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        number = None
    # A number of a mobile type is a valid one; validity is checked apart only to word the error.
    if number is None or phonenumbers.number_type(number) not in MOBILE_TYPES:
        if number is not None and phonenumbers.is_valid_number(number):
            return None, RowError(
                DirectoryErrorCode.NOT_MOBILE,
                _("“%(value)s” is not a mobile number: SMS cannot reach a landline") % {"value": text},
            )
        return None, RowError(
            DirectoryErrorCode.BAD_PHONE, _("“%(value)s” is not a valid phone number") % {"value": text}
        )
    phone = _CheckedPhoneNumber()
    phone.merge_from(number)
    return phone, None


def _clean_row(source: SourceRow, headers: dict[str, str], ranks: dict[str, str]) -> _CleanRow:
    values = source.values
    row = _CleanRow(source=source, errors=[])
    for field_name in REQUIRED_FIELDS:
        if not values.get(field_name):
            row.errors.append(
                RowError(DirectoryErrorCode.MISSING_VALUE, _("“%(column)s” is empty") % {"column": headers[field_name]})
            )

    row.name = _clean_name(values.get("name", ""))
    if len(row.name) > NAME_MAX_LENGTH:
        row.errors.append(
            RowError(
                DirectoryErrorCode.TOO_LONG, _("the name is longer than %(max)s characters") % {"max": NAME_MAX_LENGTH}
            )
        )
    if values.get("phone"):
        row.phone, error = _parse_phone(values["phone"])
        if error:
            row.errors.append(error)
    row.department_code = values.get("department_code", "")

    if values.get("post"):
        row.post = re.sub(r"\s+", " ", values["post"])
        if len(row.post) > POST_MAX_LENGTH:
            row.errors.append(
                RowError(
                    DirectoryErrorCode.TOO_LONG,
                    _("the post is longer than %(max)s characters") % {"max": POST_MAX_LENGTH},
                )
            )
    if values.get("rank"):
        row.rank = ranks.get(normalise_header(values["rank"]))
        if row.rank is None:
            row.errors.append(
                RowError(
                    DirectoryErrorCode.BAD_RANK,
                    _("unknown rank “%(value)s” (use one of %(choices)s)")
                    % {"value": values["rank"], "choices": "、".join(_rank_choices())},
                )
            )
    if values.get("is_party_member"):
        answer = values["is_party_member"].strip().lower()
        if answer in TRUE_VALUES:
            row.is_party_member = True
        elif answer in FALSE_VALUES:
            row.is_party_member = False
        else:
            row.errors.append(
                RowError(
                    DirectoryErrorCode.BAD_PARTY_MEMBER,
                    _("“%(value)s” in “%(column)s” is not a yes or no (use 是 or 否)")
                    % {"value": values["is_party_member"], "column": headers["is_party_member"]},
                )
            )
    return row


def _rank_choices() -> list[str]:
    with translation.override("zh-hans"):
        return [str(rank.label) for rank in Rank]


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_import(parsed: ParsedFile) -> ImportPlan:
    """Sort every row into create, update, unchanged or rejected, with reasons; writes nothing.

    Queries: one for the departments named in the file, one for the cadres with its phone numbers (one more
    per 10,000 rows) and, when cadres move from a department the file does not name, one for those.
    """
    ranks = _rank_lookup()
    rows = [_clean_row(source, parsed.headers, ranks) for source in parsed.rows]

    by_phone: dict[str, list[_CleanRow]] = defaultdict(list)
    for row in rows:
        if row.phone is not None:
            by_phone[row.phone.as_e164].append(row)
    for same_phone in by_phone.values():
        if len(same_phone) > 1:
            for row in same_phone:
                others = [other.source.number for other in same_phone if other is not row]
                row.errors.append(
                    RowError(
                        DirectoryErrorCode.DUPLICATE_IN_FILE,
                        ngettext(
                            "duplicate in file: the same phone number is also on row %(rows)s",
                            "duplicate in file: the same phone number is also on rows %(rows)s",
                            len(others),
                        )
                        % {"rows": ", ".join(map(str, others))},
                    )
                )

    codes = sorted({row.department_code for row in rows if row.department_code})
    departments: dict[str, Department] = {}
    for chunk in chunks(codes, LOOKUP_CHUNK):
        departments.update((d.code, d) for d in Department.objects.filter(code__in=chunk))
    for row in rows:
        if not row.department_code:
            continue
        department = departments.get(row.department_code)
        if department is None:
            row.errors.append(
                RowError(
                    DirectoryErrorCode.UNKNOWN_DEPARTMENT,
                    _("unknown department code “%(code)s”") % {"code": row.department_code},
                )
            )
        elif not department.is_active:
            row.errors.append(
                RowError(
                    DirectoryErrorCode.INACTIVE_DEPARTMENT,
                    _("the department “%(name)s” (%(code)s) is no longer active")
                    % {"name": department.name, "code": department.code},
                )
            )

    plan = ImportPlan(parsed=parsed)
    valid = []
    for row in rows:
        if row.errors:
            plan.rejected.append(RejectedRow(row.source.number, row.source.values, row.errors))
        else:
            valid.append(row)

    existing: dict[str, Cadre] = {}
    phones = [row.phone for row in valid]
    for chunk in chunks(phones, LOOKUP_CHUNK):
        # The phone comes back as text: the field would re-parse every number on loading, which cost as
        # much as the rest of a re-import. The row's already parsed number is put back below.
        matches = Cadre.objects.filter(phone__in=chunk).defer("phone").annotate(e164=Cast("phone", CharField()))
        existing.update((cadre.e164, cadre) for cadre in matches)
    departments_by_id = {department.pk: department for department in departments.values()}
    elsewhere = {cadre.department_id for cadre in existing.values()} - departments_by_id.keys()
    if elsewhere:  # cadres moving from a department the file does not name: its name is shown in the preview
        departments_by_id.update(Department.objects.in_bulk(elsewhere))

    for row in valid:
        department = departments[row.department_code]
        cadre = existing.get(row.phone.as_e164)
        if cadre is None:
            new = Cadre(
                name=row.name,
                phone=row.phone,
                department=department,
                post=row.post or "",
                rank=row.rank or Rank.STAFF,
                is_party_member=True if row.is_party_member is None else row.is_party_member,
            )
            plan.create.append(PlannedRow(row.source.number, row.source.values, new))
            continue
        cadre.phone = row.phone
        planned = PlannedRow(row.source.number, row.source.values, cadre)
        _merge(planned, row, department, departments_by_id)
        (plan.update if planned.changed_fields else plan.unchanged).append(planned)
    return plan


def _merge(planned: PlannedRow, row: _CleanRow, department: Department, departments_by_id: dict) -> None:
    """Apply the row's values to the existing cadre, recording what changes; blank optional cells keep theirs."""
    cadre = planned.cadre
    yes, no = _("Yes"), _("No")

    def change(field_name, new, old_display, new_display):
        setattr(cadre, field_name, new)
        planned.changed_fields.append(field_name)
        planned.changes.append((str(Cadre._meta.get_field(field_name).verbose_name), old_display, new_display))

    if cadre.name != row.name:
        change("name", row.name, cadre.name, row.name)
    if cadre.department_id != department.pk:
        old = departments_by_id[cadre.department_id]
        change("department", department, f"{old.name}（{old.code}）", f"{department.name}（{department.code}）")
    if row.post is not None and cadre.post != row.post:
        change("post", row.post, cadre.post, row.post)
    if row.rank is not None and cadre.rank != row.rank:
        change("rank", row.rank, cadre.get_rank_display(), str(Rank(row.rank).label))
    if row.is_party_member is not None and cadre.is_party_member != row.is_party_member:
        change(
            "is_party_member",
            row.is_party_member,
            yes if cadre.is_party_member else no,
            yes if row.is_party_member else no,
        )
