"""The columns of a cadre list: their headers in Chinese and English, and the words accepted in their cells.

The Chinese headers are part of the file format, so they are not translated; the labels and help texts are.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy, pgettext_lazy

from directory.models import Rank


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Chinese header of the template; part of the file format, so not translated
    english: str  # the English header, also accepted
    aliases: tuple[str, ...]  # other spellings seen in HR files
    required: bool
    label: str
    help_text: str


COLUMNS = (
    Column(
        "name",
        "姓名",
        "name",
        (),
        True,
        pgettext_lazy("person", "Name"),
        gettext_lazy("At most 50 characters. Spaces padding a Chinese name are removed."),
    ),
    Column(
        "phone",
        "手机号",
        "phone",
        ("手机号码", "手机", "mobile"),
        True,
        gettext_lazy("Mobile phone"),
        gettext_lazy("A mainland mobile number; it identifies the cadre, so a known number updates that cadre."),
    ),
    Column(
        "department_code",
        "部门编码",
        "department_code",
        (),
        True,
        gettext_lazy("Department code"),
        gettext_lazy("The code of an existing, active department, as listed under Departments."),
    ),
    Column("post", "职务", "post", (), False, gettext_lazy("Post"), gettext_lazy("At most 100 characters.")),
    Column(
        "rank",
        "职级",
        "rank",
        (),
        False,
        gettext_lazy("Rank"),
        gettext_lazy("科员, 副科级, 正科级, 副处级, 正处级, 副厅级 or 正厅级. New cadres default to 科员."),
    ),
    Column(
        "is_party_member",
        "是否党员",
        "party_member",
        (),
        False,
        gettext_lazy("Party member"),
        gettext_lazy("是 or 否 (also Y/N, 1/0, true/false). New cadres default to 是."),
    ),
)
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_FIELDS = [column.field for column in COLUMNS if column.required]


def normalise_header(value: str) -> str:
    return re.sub(r"[\s*＊_\-]", "", value).lower()


HEADER_ALIASES = {
    normalise_header(alias): column.field
    for column in COLUMNS
    for alias in (column.header, column.english, *column.aliases)
}

RANK_ALIASES = {
    "科员": Rank.STAFF,
    "副科": Rank.DEPUTY_SECTION,
    "副科级": Rank.DEPUTY_SECTION,
    "正科": Rank.SECTION,
    "正科级": Rank.SECTION,
    "副处": Rank.DEPUTY_DIVISION,
    "副处级": Rank.DEPUTY_DIVISION,
    "正处": Rank.DIVISION,
    "正处级": Rank.DIVISION,
    "副厅": Rank.DEPUTY_BUREAU,
    "副厅级": Rank.DEPUTY_BUREAU,
    "副局级": Rank.DEPUTY_BUREAU,
    "正厅": Rank.BUREAU,
    "正厅级": Rank.BUREAU,
    "正局级": Rank.BUREAU,
}
TRUE_VALUES = {"是", "y", "yes", "1", "true", "t", "党员", "中共党员"}
FALSE_VALUES = {"否", "n", "no", "0", "false", "f", "非党员", "群众"}
