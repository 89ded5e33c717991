"""Demo data: the fictional city 清河市, its departments, 2,000 cadres, cadre groups and one login per role.

Everything is generated from the tables in demo_data.toml and seeded ``random.Random`` instances, so every run on
every machine produces the same city and the same people. Loading is idempotent: what exists (matched by department
code, cadre phone, group name, username) is left as it is, so an administrator's edits, such as a cadre opting out of
SMS, survive a second run.

Other apps add their demo content with a step in their own ``<app>/demo.py``::

    from directory.demo import demo_step

    @demo_step
    def load_approvals(run):
        created = ...  # idempotent, like load_directory
        run.count(_("approval items"), created=created, total=ApprovalItem.objects.count())

``load_demo`` imports the ``demo`` module of each of our apps (INSTALLED_APPS order, so the directory and the home
page exist first) and runs the registered steps in that order, inside one transaction.
"""

import random
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.demo_data import load_toml
from core.discovery import our_submodules
from directory.models import Cadre, CadreGroup, Department, DepartmentKind, Rank
from directory.roles import ROLES_BY_CODE, sync_roles

SEED = "qinghe-demo-2024"

# Demo cadres' phones are +86 199 0000 0000 to +86 199 0000 9999: a block this project reserves for demo data.
# It is not an officially fictional range (199 is a live mobile prefix), so demo cadres must only ever be
# messaged through the console gateway; tests and imports must not use numbers from this block.
DEMO_PHONE_PREFIX = "+861990000"
DEMO_PHONE_RANGE = range(10_000)
DEMO_CADRE_COUNT = 2_000

DATA_FILE = Path(__file__).with_name("demo_data.toml")

WINDOW_POST = "窗口工作人员"
TOWNSHIP_DISCIPLINE_POSTS = {"纪委书记", "纪工委书记"}
SECTION_AND_ABOVE = set(Rank) - {Rank.STAFF}  # 科级以上 counts deputy section level (副科) in

# Which generated cadres belong to a demo cadre group, by the group's `members` in demo_data.toml.
GROUP_MEMBERS = {
    "section_and_above": lambda p: p.rank in SECTION_AND_ABOVE,
    "window_staff": lambda p: p.post == WINDOW_POST,
    "township_discipline": lambda p: p.post in TOWNSHIP_DISCIPLINE_POSTS,
    "newly_appointed": lambda p: p.newly_appointed,
}


def load_data():
    """The city, its departments and staffing plans, the name stock, cadre groups and logins, from demo_data.toml."""
    return load_toml(DATA_FILE)


# (username, role code or None for the superuser, department code, post): each login is linked to a demo cadre.
DEMO_USERS = [(row["username"], row.get("role"), row["department"], row["post"]) for row in load_data()["login"]]

DEMO_EMAIL_DOMAIN = "qinghe.example"
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    # (post, rank, how many) for the fixed posts, then the post that fills the rest of the headcount
    posts: tuple
    filler: tuple
    headcount: int
    # A service centre's address, phone and opening hours (Department fields), empty for the other kinds.
    contact: tuple = ()


@dataclass(frozen=True)
class PersonSpec:
    name: str
    phone: str
    department_code: str
    post: str
    rank: str
    is_party_member: bool
    sms_opt_in: bool
    newly_appointed: bool


@dataclass
class DemoRun:
    """What one run of load_demo did: the table the command prints, and any passwords it set."""

    stdout: object = None
    reset_passwords: bool = False
    rows: list = field(default_factory=list)  # (label, created this run, total)
    passwords: dict = field(default_factory=dict)  # username -> password set by this run
    existing_users: list = field(default_factory=list)

    def count(self, label, created, total):
        self.rows.append((label, created, total))

    def say(self, line=""):
        if self.stdout is not None:
            self.stdout.write(line)


_steps = {}


def demo_step(func):
    """Register an app's demo loader: ``func(run: DemoRun)``. Steps run in registration order."""
    _steps[f"{func.__module__}.{func.__qualname__}"] = func
    return func


def load_demo(stdout=None, reset_passwords=False):
    """Load the whole demo: directory, home page and every app's registered step. Idempotent."""
    _discover_steps()
    run = DemoRun(stdout=stdout, reset_passwords=reset_passwords)
    with transaction.atomic():
        with _indexed_once():
            for step in _ordered_steps():
                step(run)
    return run


@contextmanager
def _indexed_once():
    """Wagtail's reference index and the search index updated once per object saved, at the end of the load.

    Both are kept by a task per save (post_save): the demo saves a page six times or more on its way to published
    (created, revision, workflow, approval, publish), so most of those updates were overwritten at once. Each task
    reads the object as it is when it runs, so running it once after the last save leaves the same index.
    """
    from django.apps import apps
    from django.db.models.signals import post_save
    from modelsearch import index as search_index
    from modelsearch.signal_handlers import post_save_signal_handler
    from modelsearch.tasks import insert_or_update_object_task
    from wagtail.models import ReferenceIndex
    from wagtail.signal_handlers import update_reference_index_on_save
    from wagtail.tasks import update_reference_index_task

    searched = [m for m in search_index.get_indexed_models() if getattr(m, "search_auto_update", True)]
    deferred = []  # (handler, the models it was connected for, its task, the objects saved since)
    for handler, models, task in (
        (update_reference_index_on_save, ReferenceIndex.tracked_models, update_reference_index_task),
        (post_save_signal_handler, searched, insert_or_update_object_task),
    ):
        # Only where the handler is connected (deletions keep their own handlers); put back afterwards.
        connected = {model for model in models if post_save.disconnect(handler, sender=model)}
        deferred.append((handler, connected, task, {}))

    def note(sender, instance, raw=False, **kwargs):
        if raw:
            return
        key = (instance._meta.app_label, instance._meta.model_name, str(instance.pk))
        for _handler, models, _task, pending in deferred:
            if sender in models:
                pending[key] = None

    post_save.connect(note, weak=False, dispatch_uid="directory.demo.indexed_once")
    try:
        yield
    finally:
        post_save.disconnect(dispatch_uid="directory.demo.indexed_once")
        for handler, models, _task, _pending in deferred:
            for model in models:
                post_save.connect(handler, sender=model)
    for _handler, _models, task, pending in deferred:
        for app_label, model_name, pk in pending:
            if apps.get_model(app_label, model_name)._default_manager.filter(pk=pk).exists():
                task.enqueue(app_label, model_name, pk)


def _ordered_steps():
    """Steps in INSTALLED_APPS order of their app, then registration order: a test that imports an app's demo
    module early must not run that app's step before the steps it builds on (the CMS pages, the directory)."""
    from django.apps import apps

    position = {config.name: index for index, config in enumerate(apps.get_app_configs())}
    registered = list(enumerate(_steps.values()))
    registered.sort(key=lambda item: (position.get(item[1].__module__.rsplit(".", 1)[0], len(position)), item[0]))
    return [step for _index, step in registered]


def _discover_steps():
    """Import the demo module of each of our own apps (not third-party ones), which registers its steps."""
    our_submodules("demo")


# --- the directory's own step -------------------------------------------------------------------------------------


def department_specs():
    """Every demo department, parents before children, with its staffing plan summing to DEMO_CADRE_COUNT."""
    data = load_data()
    staffing = data["staffing"]
    rng = random.Random(f"{SEED}-staffing")
    specs = []

    def add(code, name, short_name, kind, parent_code, plan, contact=(), **names):
        """One department staffed by ``plan``, its post names filled in with ``names`` ({head}, {deputy}, {word})."""
        posts = tuple((row["post"].format(**names), Rank(row["rank"]), row["count"]) for row in plan["posts"])
        filler, filler_count = (plan["filler"]["post"], Rank(plan["filler"]["rank"])), plan["filler"]["count"]
        jitter = rng.randint(-2, 2) if filler_count > 4 else 0
        headcount = sum(count for _post, _rank, count in posts) + filler_count + jitter
        specs.append(DepartmentSpec(code, name, short_name, kind, parent_code, posts, filler, headcount, contact))

    city = data["city"]
    city_code = city["code"]
    add(city_code, city["name"], city["short_name"], DepartmentKind.CITY, None, staffing["city"])
    for bureau in data["bureau"]:
        add(
            bureau["code"],
            bureau["name"],
            bureau["short_name"],
            DepartmentKind.BUREAU,
            city_code,
            staffing[bureau.get("staffing", "bureau")],
            head=bureau["head"],
            deputy=bureau["deputy"],
        )
    centre = data["city_service_centre"]
    add(
        centre["code"],
        centre["name"],
        centre["short_name"],
        DepartmentKind.SERVICE_CENTRE,
        city_code,
        staffing["city_service_centre"],
        contact=(centre["address"], centre["phone"], centre["opening_hours"]),
    )

    for county in data["county"]:
        county_code, county_name = county["code"], county["name"]
        plan = staffing["county"]
        add(county_code, county_name, county_name, DepartmentKind.COUNTY, city_code, plan, word=county_name[-1])
        for number, township in enumerate(county["townships"], start=1):
            township_code = f"{county_code}-{number:02d}"
            if township.endswith("街道"):
                plan, head = staffing["street"], ""
            else:
                plan, head = staffing["town"], f"{township[-1]}长"  # 镇长 or 乡长
            add(township_code, township, township, DepartmentKind.TOWNSHIP, county_code, plan, head=head)
            add(
                f"{township_code}-BM",
                f"{township}便民服务中心",
                "便民服务中心",
                DepartmentKind.SERVICE_CENTRE,
                township_code,
                staffing["township_service_centre"],
                contact=(
                    county["centre_addresses"][number - 1],
                    f"{county['centre_phone']}{number:02d}",
                    data["township_centre_hours"],
                ),
            )
    return _fit_headcount(specs, DEMO_CADRE_COUNT)


def _fit_headcount(specs, total):
    """Add or remove filler posts, one department at a time, until the headcounts sum to exactly ``total``."""
    headcounts = [spec.headcount for spec in specs]
    floors = [sum(count for _post, _rank, count in spec.posts) + 1 for spec in specs]
    step = 1 if sum(headcounts) < total else -1
    index = 0
    while sum(headcounts) != total:
        if headcounts[index] + step >= floors[index]:
            headcounts[index] += step
        index = (index + 1) % len(specs)
    return [
        DepartmentSpec(**{**spec.__dict__, "headcount": headcount})
        for spec, headcount in zip(specs, headcounts, strict=True)
    ]


def person_specs(departments=None):
    """The DEMO_CADRE_COUNT demo cadres, always the same names, phones, posts and ranks."""
    departments = departments or department_specs()
    names = random.Random(f"{SEED}-names")
    traits = random.Random(f"{SEED}-traits")
    phones = random.Random(f"{SEED}-phones").sample(DEMO_PHONE_RANGE, DEMO_CADRE_COUNT)
    people = []
    for department in departments:
        slots = [(post, rank) for post, rank, count in department.posts for _ in range(count)]
        slots += [department.filler] * (department.headcount - len(slots))
        for post, rank in slots:
            is_leader = rank != Rank.STAFF
            people.append(
                PersonSpec(
                    name=_chinese_name(names),
                    phone=f"{DEMO_PHONE_PREFIX}{phones[len(people)]:04d}",
                    department_code=department.code,
                    post=post,
                    rank=rank,
                    # Leading cadres are all party members; about 80% of staff, so ~85% overall.
                    is_party_member=is_leader or traits.random() < 0.8,
                    sms_opt_in=traits.random() >= 0.015,
                    newly_appointed=is_leader and traits.random() < 0.1,
                )
            )
    return people


def _chinese_name(rng):
    data = load_data()
    given_length = 1 if rng.random() < 0.35 else 2
    return rng.choice(data["surnames"]) + "".join(rng.choice(data["given_name_chars"]) for _ in range(given_length))


@demo_step
def load_directory(run):
    """Departments, cadres, cadre groups, role groups and the demo logins."""
    departments = department_specs()
    people = person_specs(departments)

    by_code = {d.code: d for d in Department.objects.filter(code__in=[spec.code for spec in departments])}
    created = 0
    for sort_order, spec in enumerate(departments):
        if spec.code in by_code:
            _fill_contact(by_code[spec.code], spec.contact)
            continue
        department = Department(
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            kind=spec.kind,
            parent=by_code[spec.parent_code] if spec.parent_code else None,
            sort_order=sort_order,
            **dict(zip(CONTACT_FIELDS, spec.contact, strict=False)),
        )
        department.save()  # save() computes the materialised path from the parent's
        by_code[spec.code] = department
        created += 1
    run.count(_("departments"), created, Department.objects.count())

    existing = {phone.as_e164 for phone in _demo_cadres().values_list("phone", flat=True)}
    now = timezone.now()
    missing = [
        Cadre(
            name=person.name,
            phone=person.phone,
            department=by_code[person.department_code],
            post=person.post,
            rank=person.rank,
            is_party_member=person.is_party_member,
            sms_opt_in=person.sms_opt_in,
            sms_opt_in_changed_at=None if person.sms_opt_in else now,
        )
        for person in people
        if person.phone not in existing
    ]
    Cadre.objects.bulk_create(missing, batch_size=500)
    run.count(_("cadres"), len(missing), Cadre.objects.count())

    cadre_ids = dict(_demo_cadres().values_list("phone", "pk"))
    cadre_ids = {phone.as_e164: pk for phone, pk in cadre_ids.items()}
    created = 0
    for row in load_data()["cadre_group"]:
        belongs = GROUP_MEMBERS[row["members"]]
        group, was_created = CadreGroup.objects.get_or_create(
            name=row["name"], defaults={"description": row["description"]}
        )
        created += was_created
        # add() inserts only the missing rows, so a rerun changes nothing.
        group.members.add(
            *(cadre_ids[person.phone] for person in people if belongs(person) and person.phone in cadre_ids)
        )
    run.count(_("cadre groups"), created, CadreGroup.objects.count())

    _load_users(run, people, cadre_ids, role_groups=sync_roles())


CONTACT_FIELDS = ("address", "phone", "opening_hours")


def _fill_contact(department, contact):
    """A centre loaded before it had contact details gets them; details an administrator entered are kept."""
    missing = {
        name: value
        for name, value in zip(CONTACT_FIELDS, contact, strict=False)
        if value and not getattr(department, name)
    }
    if missing:
        for name, value in missing.items():
            setattr(department, name, value)
        department.save(update_fields=list(missing))


def _demo_cadres():
    return Cadre.objects.filter(phone__startswith=DEMO_PHONE_PREFIX)


def _load_users(run, people, cadre_ids, role_groups):
    User = get_user_model()
    existing = {user.username: user for user in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])}
    taken = set()
    created = 0
    for username, role_code, department_code, post in DEMO_USERS:
        person = next(
            p for p in people if p.department_code == department_code and p.post == post and p.phone not in taken
        )
        taken.add(person.phone)
        user = existing.get(username)
        if user is None:
            password = generate_password()
            email = f"{username}@{DEMO_EMAIL_DOMAIN}"
            if role_code is None:
                user = User.objects.create_superuser(username, email, password, first_name=person.name)
            else:
                user = User.objects.create_user(username, email, password, first_name=person.name)
            run.passwords[username] = password
            created += 1
        else:
            run.existing_users.append(username)
            if run.reset_passwords:
                password = generate_password()
                user.set_password(password)
                user.save(update_fields=["password"])
                run.passwords[username] = password
        if role_code is not None:
            user.groups.add(role_groups[role_code])
        cadre_id = cadre_ids.get(person.phone)
        if cadre_id and not Cadre.objects.filter(user=user).exists():
            Cadre.objects.filter(pk=cadre_id, user__isnull=True).update(user=user)
    run.count(_("demo logins"), created, len(DEMO_USERS))


def generate_password(length=14):
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def demo_logins():
    """(username, role name, cadre, department) for each demo login, for the command's password table."""
    User = get_user_model()
    users = User.objects.filter(username__in=[row[0] for row in DEMO_USERS]).select_related("cadre__department")
    users = {user.username: user for user in users}
    rows = []
    for username, role_code, _department_code, _post in DEMO_USERS:
        user = users.get(username)
        cadre = getattr(user, "cadre", None) if user else None
        role = ROLES_BY_CODE[role_code].name if role_code else _("superuser")
        rows.append((username, role, cadre.name if cadre else "", str(cadre.department) if cadre else ""))
    return rows


def existing_demo_usernames():
    """The demo logins present in the database, in the order of DEMO_USERS."""
    present = set(
        get_user_model().objects.filter(username__in=[row[0] for row in DEMO_USERS]).values_list("username", flat=True)
    )
    return [row[0] for row in DEMO_USERS if row[0] in present]
