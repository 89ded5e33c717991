"""Demo: 40 approval items of 清河市 across 10 departments (some delegated to township centres), a township window
login, and applications in every state, made through the services so their events reach supervision.

The data (items, procedures, the applications and how far each goes, what people write) lives in demo_data.toml;
this module loads the catalogue and plays the applications.
"""

import collections
import contextlib
import datetime
import functools
import random
import tomllib
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import performance, services
from approvals.models import Application, ApprovalItem, ItemStep, Material, MaterialForm, State
from approvals.services import timing
from core.workdays import is_working_day
from directory.demo import SEED, WINDOW_POST, demo_step, generate_password
from directory.models import Cadre, Department, DepartmentKind
from directory.roles import role_group

DATA_FILE = Path(__file__).with_name("demo_data.toml")
OWN = "own"  # in a procedure: the item's own department
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@functools.cache
def load_data():
    """The demo's items, procedures, applications and texts, from demo_data.toml."""
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


@demo_step
def load_approvals(run):
    if not Department.objects.filter(code__in={row["department"] for row in load_data()["item"]}).exists():
        return
    created = _load_items()
    run.count(_("approval items"), created, ApprovalItem.objects.count())
    _township_window_user(run)
    made = _load_applications(run)
    run.count(_("demo applications"), made, Application.objects.count())
    performance.refresh(performance.recent_months())  # the public performance page (阳光政务) reads these


def _load_items():
    data = load_data()
    procedures = data["procedure"]
    codes = {row["department"] for row in data["item"]}
    codes |= {code for stages in procedures.values() for stage in stages for code in stage["departments"]} - {OWN}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    townships = list(
        Department.objects.filter(kind=DepartmentKind.SERVICE_CENTRE, parent__kind=DepartmentKind.TOWNSHIP)
    )
    existing = set(ApprovalItem.objects.values_list("code", flat=True))
    numbers = collections.Counter()
    created = forms_made = 0
    for row in data["item"]:
        code, name = row["department"], row["name"]
        numbers[code] += 1
        item_code = f"{code}-{numbers[code]:03d}"
        if item_code in existing:
            continue
        own = departments[code]
        item = ApprovalItem.objects.create(
            code=item_code,
            name=name,
            department=own,
            theme=row["theme"],
            summary=data["summary"].format(department=own.name, name=name),
            legal_basis=f"{row['legal_basis']}\n{data['basis']}",
            conditions=data["conditions"],
            statutory_days=row["statutory_days"],
            promised_days=row["promised_days"],
            fee=Decimal(row["fee"]),
            fee_basis=data["fee_basis"] if row["fee"] else "",
        )
        if row["delegated"]:
            item.township_centres.add(*townships)
        for order, material in enumerate(row["materials"], 1):
            row_material = Material(
                item=item,
                name=material,
                form=MaterialForm.ORIGINAL if order == 1 else MaterialForm.COPY,
                sort_order=order,
            )
            if material.endswith(FORM_SUFFIXES) and forms_made < DEMO_FORMS:
                forms_made += 1
                blank, sample = _form_files(item, material)
                row_material.blank_form.save(f"{item_code}-{order}-blank.xlsx", blank, save=False)
                row_material.sample.save(f"{item_code}-{order}-sample.xlsx", sample, save=False)
            row_material.save()
        Material.objects.create(
            item=item, name=data["optional_material"], form=MaterialForm.COPY, required=False, sort_order=99
        )
        for order, stage in enumerate(procedures[row["procedure"]], 1):
            step = ItemStep.objects.create(
                item=item, order=order, name=stage["name"], working_days=stage["working_days"]
            )
            step.departments.add(*[own if d == OWN else departments[d] for d in stage["departments"]])
        created += 1
    return created


def _township_window_user(run):
    window = load_data()["township_window"]
    username, centre_code = window["username"], window["centre"]
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return
    cadre = Cadre.objects.filter(department__code=centre_code, post=WINDOW_POST, user__isnull=True).first()
    if cadre is None:
        return
    password = generate_password()
    user = User.objects.create_user(username, f"{username}@qinghe.example", password, first_name=cadre.name)
    user.groups.add(role_group("window_staff"))
    Cadre.objects.filter(pk=cadre.pk).update(user=user)
    run.say(f"  {username:<13} {password:<16} 窗口工作人员  {cadre.name}（{cadre.department}）")


def _handler(department):
    """A handling officer of the department (created for the demo, no password: it acts, nobody logs in)."""
    User = get_user_model()
    cadre = Cadre.objects.filter(department=department, user__groups__name="部门承办人").select_related("user").first()
    if cadre is not None:
        return cadre.user
    cadre = Cadre.objects.filter(department=department, user__isnull=True).order_by("pk").first()
    user, _created = User.objects.get_or_create(
        username=f"handler-{department.code.lower()}", defaults={"first_name": cadre.name if cadre else ""}
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(role_group("department_handler"))
    if cadre is not None and not Cadre.objects.filter(user=user).exists():
        Cadre.objects.filter(pk=cadre.pk).update(user=user)
    return user


def _window(centre):
    user = get_user_model().objects.filter(cadre__department=centre, groups__name="窗口工作人员").first()
    return user


_clock = {"last": None}


@contextlib.contextmanager
def _at(moment):
    """Act at `moment`, moved to a working day (staff do not work weekends in the demo), never into the future."""
    moved = moment
    while not is_working_day(moved.date()):
        moved += datetime.timedelta(days=1)
    if moved > timezone.now():
        moved = moment
        while not is_working_day(moved.date()):
            moved -= datetime.timedelta(days=1)
    # Within one case time only moves on: at least a quarter of an hour after its previous action.
    if _clock["last"] is not None and moved < _clock["last"] + datetime.timedelta(minutes=15):
        moved = _clock["last"] + datetime.timedelta(minutes=15)
    _clock["last"] = moment = moved
    original = timing.now
    timing.now = lambda: moment.replace(microsecond=0)
    try:
        yield
    finally:
        timing.now = original


# Materials that are forms the applicant fills in: the demo gives them a blank form and a filled example.
FORM_SUFFIXES = ("申请表", "申请书", "信息表")
DEMO_FORMS = 8  # a few are enough to show them; each pair of workbooks costs tens of milliseconds
FORM_FIELDS = (
    ("申请人（单位）名称", "清河市示范餐饮有限公司"),
    ("统一社会信用代码", "91330100MA2XXXXX0X"),
    ("法定代表人", "张示范"),
    ("联系电话", "0571-8888 0000"),
    ("地址", "清河市临江镇滨江路 8 号"),
    ("申请事项", None),
    ("申请日期", "2026年12月1日"),
)


def _form_files(item, material):
    """A blank form and a filled example (示范文本) of one material, as small real .xlsx workbooks (openpyxl)."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def book(filled):
        wb = Workbook()
        ws = wb.active
        ws.title = "申请表"
        ws["A1"] = f"{material}（{'示范文本' if filled else '空白表格'}）"
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = f"事项：{item.name}（{item.code}）"
        for row, (label, example) in enumerate(FORM_FIELDS, 4):
            ws.cell(row=row, column=1, value=label)
            if filled:
                ws.cell(row=row, column=2, value=example or item.name)
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 40
        out = BytesIO()
        wb.save(out)
        return ContentFile(out.getvalue())

    return book(False), book(True)


def _file(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def late_licence_number():
    """The tracking number of the demo's overdue food business licence, or "" when the approvals demo is not loaded."""
    name = next(row["item"] for row in load_data()["application"] if row.get("late_licence"))
    late = Application.objects.filter(item__name=name, state=State.IN_REVIEW)
    return late.order_by("submitted_at").values_list("tracking_number", flat=True).first() or ""


def _load_applications(run):
    if Application.objects.filter(applicant_phone__startswith="+861990000").exists():
        return 0
    rng = random.Random(f"{SEED}-approvals")
    city_centre = Department.objects.filter(
        kind=DepartmentKind.SERVICE_CENTRE, parent__kind=DepartmentKind.CITY
    ).first()
    township_centre = Department.objects.filter(code=load_data()["township_window"]["centre"]).first()
    if city_centre is None or _window(city_centre) is None:
        return 0
    items = list(ApprovalItem.objects.prefetch_related("materials", "steps__departments").order_by("code"))
    delegated = [i for i in items if i.township_centres.exists()]
    made = 0
    now = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    for index, row in enumerate(load_data()["application"]):
        scenario, named = row["until"], row.get("item")
        use_township = township_centre is not None and index % 5 == 4 and _window(township_centre) is not None
        item = rng.choice(delegated if use_township else items)
        if scenario in ("joint", "refused") or (scenario.startswith("completed") and index % 2):
            item = rng.choice([i for i in items if any(s.departments.count() > 1 for s in i.steps.all())])
            use_township = False
        if named:
            item = next((i for i in items if i.name == named), item)
            use_township = False
        centre = township_centre if use_township else city_centre
        _play(item, centre, scenario, now - datetime.timedelta(days=row["days_ago"]), index, rng)
        made += 1
    return made


def _play(item, centre, scenario, start, index, rng):
    window = _window(centre)
    _clock["last"] = None
    hour = datetime.timedelta(hours=1)
    texts = load_data()["play"]
    names = load_data()["applicants"]["names"]
    name = names[index % len(names)]
    with _at(start):
        submission = services.submit_application(
            item,
            service_centre=centre,
            applicant_kind="company" if "公司" in name or "社" in name else "person",
            applicant_name=name,
            applicant_phone=f"+861990000{rng.randrange(10_000):04d}",
            organisation_code=texts["organisation_code"] if "公司" in name or "社" in name else "",
            files=[(m, _file(f"{m.name}.pdf")) for m in item.materials.all() if m.required],
            by=window if index % 3 == 0 else None,
        )
    app = submission.application
    if scenario == "submitted":
        return
    moment = start + hour
    with _at(moment):
        if scenario == "not_accepted":
            services.refuse_acceptance(
                app,
                by=window,
                reason=texts["not_accepted_reason"],
                legal_basis=texts["not_accepted_basis"],
            )
            return
        if scenario.startswith("supplementing"):
            services.request_supplement(
                app, by=window, materials=texts["supplement_materials"], note=texts["supplement_note"]
            )
            if scenario == "supplementing":
                return
    if scenario == "supplementing_twice":
        with _at(moment + datetime.timedelta(days=1)):
            services.supplement_application(app, files=[(None, _file(texts["supplement_file"]))])
        with _at(moment + datetime.timedelta(days=2)):
            services.request_supplement(
                app,
                by=window,
                materials=texts["second_supplement_materials"],
                justification=texts["second_supplement_justification"],
            )
        return
    with _at(moment):
        services.accept_application(app, by=window)
    if scenario == "in_review":
        return
    if scenario == "withdrawn":
        with _at(moment + datetime.timedelta(days=1)):
            services.withdraw_application(app, reason=texts["withdrawal_reason"])
        return
    # Each stage answered a day (or, late, a week) after it started.
    pace = datetime.timedelta(days=7 if scenario == "completed_late" else 1)
    answered = moment
    stage_order = 0
    while True:
        app.refresh_from_db()
        open_steps = list(app.steps.filter(state="active", kind="review").select_related("department"))
        if not open_steps or app.state != "in_review":
            break
        answered = answered + pace
        stage_order += 1
        for number, step in enumerate(open_steps):
            refuse = scenario == "refused" and step.is_parallel and number == 0
            if scenario == "joint" and step.is_parallel and number == 0:
                continue  # one co-reviewer still to answer
            with _at(answered + datetime.timedelta(minutes=10 * number)):
                services.decide_step(
                    step,
                    by=_handler(step.department),
                    approve=not refuse,
                    opinion=texts["refusal_opinion"] if refuse else texts["approval_opinion"],
                    legal_basis=item.legal_basis.splitlines()[0],
                )
        if scenario == "joint" and any(s.is_parallel for s in open_steps):
            return
    app.refresh_from_db()
    if scenario in ("approved", "refused") or app.state not in ("approved", "refused"):
        return
    with _at(answered + hour):
        services.complete_application(app, by=window, document=_file(texts["result_document"]))
    if scenario == "rated":
        with _at(answered + 2 * hour):
            services.rate_application(
                app, rating=rng.choice(texts["ratings"]), reasons=["courteous", "fast"], comment=texts["rating_comment"]
            )
            for step in services.rateable_steps(app):  # 好差评 of each step too
                services.rate(app, step=step, rating=rng.choice(texts["ratings"]), reasons=["fast"])
    elif scenario.startswith("rated_bad"):
        _bad_rating(app, scenario == "rated_bad_answered", answered + 2 * hour, texts)


def _bad_rating(app, answer, at, texts):
    """差评整改回访: the last finished step rated bad; answered by its department six days later when `answer`."""
    step = services.rateable_steps(app)[-1]
    bad = texts["bad_rating"]
    with _at(at):
        rating = services.rate(app, step=step, rating=bad["stars"], reasons=bad["reasons"], comment=bad["comment"])
    if answer:
        with _at(at + datetime.timedelta(days=6)):
            services.answer_rating(rating, by=_handler(step.department), **texts["bad_rating_answer"])
