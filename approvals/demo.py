"""Demo: 40 approval items of 清河市 across 10 departments (some delegated to township centres), a township window
login, and applications in every state, made through the services so their events reach supervision."""

import contextlib
import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import services
from approvals.models import Application, ApprovalItem, ItemStep, Material, MaterialForm, State
from core.workdays import UnknownCalendarYear, is_working_day
from directory.demo import SEED, WINDOW_POST, demo_step, generate_password
from directory.models import Cadre, Department, DepartmentKind
from directory.roles import role_group

OWN = "own"  # the item's own department
BASIS = "《中华人民共和国行政许可法》"
REVIEW = [("受理审查", 2, [OWN]), ("审核决定", 2, [OWN])]
SITE = [("受理审查", 2, [OWN]), ("现场核查", 3, [OWN]), ("审核决定", 2, [OWN])]
JOINT_BUILD = [("受理审查", 2, [OWN]), ("并联会审", 5, ["QH-ZRJ", "QH-ZJJ", "QH-FGW"]), ("审批决定", 2, [OWN])]
JOINT_BUSINESS = [("受理审查", 1, [OWN]), ("并联审批", 3, ["QH-SJJ", "QH-WJW"]), ("审核发证", 1, [OWN])]

# department -> [(name, theme, statutory, promised, fee, delegated to townships, steps, materials, legal basis)]
ITEMS = {
    "QH-FGW": [
        (
            "企业投资项目核准",
            "investment",
            20,
            10,
            0,
            False,
            JOINT_BUILD,
            ["项目申请报告", "城乡规划选址意见", "用地预审意见"],
            "《企业投资项目核准和备案管理条例》第十条",
        ),
        (
            "企业投资项目备案",
            "investment",
            5,
            2,
            0,
            False,
            REVIEW,
            ["项目备案信息表"],
            "《企业投资项目核准和备案管理条例》第十三条",
        ),
        (
            "固定资产投资项目节能审查",
            "investment",
            20,
            10,
            0,
            False,
            SITE,
            ["节能报告", "项目备案或核准文件"],
            "《固定资产投资项目节能审查办法》",
        ),
        (
            "政府定价收费标准核定",
            "business",
            20,
            15,
            0,
            False,
            REVIEW,
            ["收费申请书", "成本测算资料"],
            "《中华人民共和国价格法》第二十三条",
        ),
    ],
    "QH-SPJ": [
        (
            "建设工程施工许可证核发",
            "construction",
            15,
            7,
            0,
            False,
            JOINT_BUILD,
            ["施工许可申请表", "建设工程规划许可证", "施工合同"],
            "《中华人民共和国建筑法》第七条",
        ),
        (
            "公共场所卫生许可",
            "health",
            20,
            5,
            0,
            True,
            JOINT_BUSINESS,
            ["卫生许可申请表", "营业执照", "卫生检测报告"],
            "《公共场所卫生管理条例》第八条",
        ),
        (
            "旅馆业特种行业许可",
            "business",
            20,
            10,
            0,
            False,
            SITE,
            ["申请书", "营业执照", "消防安全检查合格证明"],
            "《旅馆业治安管理办法》第四条",
        ),
        (
            "道路货物运输经营许可",
            "transport",
            20,
            10,
            0,
            False,
            REVIEW,
            ["申请表", "车辆行驶证", "驾驶员从业资格证"],
            "《中华人民共和国道路运输条例》第二十四条",
        ),
    ],
    "QH-SJJ": [
        (
            "食品经营许可",
            "business",
            20,
            5,
            0,
            True,
            SITE,
            ["食品经营许可申请书", "营业执照", "经营场所平面图"],
            "《中华人民共和国食品安全法》第三十五条",
        ),
        (
            "个体工商户设立登记",
            "business",
            15,
            1,
            0,
            True,
            REVIEW,
            ["个体工商户登记申请书", "经营者身份证明", "经营场所使用证明"],
            "《促进个体工商户发展条例》第八条",
        ),
        (
            "药品零售企业许可",
            "health",
            30,
            15,
            0,
            False,
            SITE,
            ["药品经营许可申请表", "执业药师资格证书", "质量管理文件"],
            "《中华人民共和国药品管理法》第五十二条",
        ),
        (
            "特种设备使用登记",
            "business",
            30,
            10,
            0,
            False,
            REVIEW,
            ["使用登记表", "产品合格证", "监督检验证书"],
            "《中华人民共和国特种设备安全法》第三十三条",
        ),
    ],
    "QH-ZRJ": [
        (
            "建设用地规划许可证核发",
            "land",
            20,
            10,
            0,
            False,
            JOINT_BUILD,
            ["申请表", "建设项目批准文件", "土地出让合同"],
            "《中华人民共和国城乡规划法》第三十八条",
        ),
        (
            "建设工程规划许可证核发",
            "construction",
            20,
            10,
            0,
            False,
            JOINT_BUILD,
            ["申请表", "建设工程设计方案", "土地权属证明"],
            "《中华人民共和国城乡规划法》第四十条",
        ),
        (
            "乡村建设规划许可证核发",
            "land",
            20,
            10,
            0,
            True,
            SITE,
            ["申请表", "宅基地批准文件", "建房设计图"],
            "《中华人民共和国城乡规划法》第四十一条",
        ),
        (
            "不动产首次登记",
            "land",
            30,
            5,
            80,
            False,
            REVIEW,
            ["不动产登记申请书", "权属来源证明", "不动产界址图"],
            "《不动产登记暂行条例》第十四条",
        ),
    ],
    "QH-ZJJ": [
        (
            "房屋建筑工程竣工验收备案",
            "construction",
            15,
            5,
            0,
            False,
            SITE,
            ["竣工验收备案表", "竣工验收报告", "消防验收意见"],
            "《建设工程质量管理条例》第四十九条",
        ),
        (
            "商品房预售许可",
            "construction",
            20,
            10,
            0,
            False,
            JOINT_BUILD,
            ["预售许可申请表", "土地使用权证", "建设工程规划许可证"],
            "《城市商品房预售管理办法》第七条",
        ),
        (
            "建筑业企业资质核准",
            "business",
            20,
            15,
            0,
            False,
            REVIEW,
            ["资质申请表", "企业法人营业执照", "技术负责人证明"],
            "《中华人民共和国建筑法》第十三条",
        ),
        (
            "城市建筑垃圾处置核准",
            "construction",
            20,
            5,
            0,
            True,
            REVIEW,
            ["处置核准申请表", "运输车辆清单", "消纳场所证明"],
            "《城市建筑垃圾管理规定》第七条",
        ),
    ],
    "QH-RSJ": [
        (
            "人力资源服务许可",
            "employment",
            20,
            10,
            0,
            False,
            REVIEW,
            ["许可申请书", "营业执照", "专职工作人员证明"],
            "《人力资源市场暂行条例》第十八条",
        ),
        (
            "劳务派遣经营许可",
            "employment",
            20,
            10,
            0,
            False,
            SITE,
            ["劳务派遣许可申请书", "验资证明", "经营场所证明"],
            "《中华人民共和国劳动合同法》第五十七条",
        ),
        (
            "特殊工时制度审批",
            "employment",
            20,
            10,
            0,
            False,
            REVIEW,
            ["特殊工时申请表", "职工意见"],
            "《国务院关于职工工作时间的规定》第五条",
        ),
        (
            "民办职业技能培训机构设立",
            "education",
            30,
            20,
            0,
            False,
            SITE,
            ["设立申请书", "章程", "师资证明"],
            "《中华人民共和国民办教育促进法》第十二条",
        ),
    ],
    "QH-JYJ": [
        (
            "民办学校设立审批",
            "education",
            30,
            20,
            0,
            False,
            SITE,
            ["设立申请书", "举办者资格证明", "校舍证明"],
            "《中华人民共和国民办教育促进法》第十二条",
        ),
        (
            "教师资格认定",
            "education",
            30,
            15,
            0,
            False,
            REVIEW,
            ["教师资格认定申请表", "学历证书", "体检合格证明"],
            "《教师资格条例》第十三条",
        ),
        (
            "校外培训机构审批",
            "education",
            30,
            15,
            0,
            False,
            SITE,
            ["申请书", "场所安全证明", "收费标准"],
            "《中华人民共和国民办教育促进法》",
        ),
        (
            "幼儿园设立审批",
            "education",
            30,
            20,
            0,
            True,
            JOINT_BUSINESS,
            ["设立申请书", "园舍平面图", "卫生保健合格证明"],
            "《幼儿园管理条例》第十一条",
        ),
    ],
    "QH-WJW": [
        (
            "医疗机构执业登记",
            "health",
            45,
            20,
            0,
            False,
            SITE,
            ["执业登记申请书", "设置批准书", "人员资格证明"],
            "《医疗机构管理条例》第十五条",
        ),
        (
            "母婴保健技术服务执业许可",
            "health",
            20,
            10,
            0,
            False,
            REVIEW,
            ["申请表", "技术人员资格证明"],
            "《中华人民共和国母婴保健法》第三十二条",
        ),
        (
            "放射诊疗许可",
            "health",
            20,
            15,
            0,
            False,
            SITE,
            ["放射诊疗许可申请表", "职业病危害放射防护评价报告"],
            "《放射诊疗管理规定》第十二条",
        ),
        (
            "饮用水供水单位卫生许可",
            "health",
            20,
            10,
            0,
            True,
            SITE,
            ["卫生许可申请书", "水质检验报告"],
            "《生活饮用水卫生监督管理办法》第七条",
        ),
    ],
    "QH-JTJ": [
        (
            "道路旅客运输经营许可",
            "transport",
            20,
            10,
            0,
            False,
            REVIEW,
            ["申请表", "车辆技术等级评定", "安全生产管理制度"],
            "《中华人民共和国道路运输条例》第十条",
        ),
        (
            "出租汽车经营许可",
            "transport",
            20,
            10,
            0,
            False,
            REVIEW,
            ["申请表", "车辆清单", "服务质量承诺书"],
            "《巡游出租汽车经营服务管理规定》第十条",
        ),
        (
            "公路超限运输许可",
            "transport",
            15,
            2,
            0,
            False,
            REVIEW,
            ["超限运输申请表", "车辆行驶证", "护送方案"],
            "《公路安全保护条例》第三十五条",
        ),
        (
            "占用挖掘公路许可",
            "transport",
            20,
            10,
            0,
            True,
            SITE,
            ["申请书", "施工方案", "安全保障措施"],
            "《中华人民共和国公路法》第四十四条",
        ),
    ],
    "QH-QHQ": [
        (
            "临时占用城市道路审批",
            "construction",
            20,
            5,
            0,
            False,
            REVIEW,
            ["占道申请表", "占道平面图"],
            "《城市道路管理条例》第三十一条",
        ),
        (
            "户外广告设施设置审批",
            "business",
            20,
            7,
            0,
            False,
            SITE,
            ["设置申请表", "设计效果图", "场地使用证明"],
            "《城市市容和环境卫生管理条例》第十一条",
        ),
        (
            "农村村民宅基地审批",
            "land",
            20,
            10,
            0,
            True,
            SITE,
            ["宅基地申请表", "户口簿", "村民会议意见"],
            "《中华人民共和国土地管理法》第六十二条",
        ),
        (
            "城市绿地临时占用审批",
            "construction",
            20,
            10,
            0,
            False,
            REVIEW,
            ["申请表", "恢复方案"],
            "《城市绿化条例》第十九条",
        ),
    ],
}
DEPARTMENTS = list(ITEMS)
TOWNSHIP_WINDOW_USER = ("window_lj", "QH-LJX-01-BM")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@demo_step
def load_approvals(run):
    if not Department.objects.filter(code__in=DEPARTMENTS).exists():
        return
    created = _load_items()
    run.count(_("approval items"), created, ApprovalItem.objects.count())
    _township_window_user(run)
    made = _load_applications(run)
    run.count(_("demo applications"), made, Application.objects.count())


def _load_items():
    departments = {d.code: d for d in Department.objects.filter(code__in={*DEPARTMENTS, "QH-FGW", "QH-ZRJ"})}
    townships = list(
        Department.objects.filter(kind=DepartmentKind.SERVICE_CENTRE, parent__kind=DepartmentKind.TOWNSHIP)
    )
    existing = set(ApprovalItem.objects.values_list("code", flat=True))
    created = 0
    for code, rows in ITEMS.items():
        own = departments[code]
        for number, (name, theme, statutory, promised, fee, delegated, steps, materials, basis) in enumerate(rows, 1):
            item_code = f"{code}-{number:03d}"
            if item_code in existing:
                continue
            item = ApprovalItem.objects.create(
                code=item_code,
                name=name,
                department=own,
                theme=theme,
                summary=f"{own.name}办理的{name}事项，申请人可网上申请，也可到政务服务中心窗口办理。",
                legal_basis=f"{basis}\n{BASIS}",
                conditions="申请人具有相应的民事行为能力或依法成立\n申请材料齐全、符合法定形式\n符合法律法规规定的其他条件",
                statutory_days=statutory,
                promised_days=promised,
                fee=Decimal(fee),
                fee_basis="《不动产登记收费标准》（发改价格规〔2016〕2559号）" if fee else "",
            )
            if delegated:
                item.township_centres.add(*townships)
            for order, material in enumerate(materials, 1):
                Material.objects.create(
                    item=item,
                    name=material,
                    form=MaterialForm.ORIGINAL if order == 1 else MaterialForm.COPY,
                    sort_order=order,
                )
            Material.objects.create(
                item=item, name="其他补充材料", form=MaterialForm.COPY, required=False, sort_order=99
            )
            for order, (step_name, days, step_departments) in enumerate(steps, 1):
                step = ItemStep.objects.create(item=item, order=order, name=step_name, working_days=days)
                step.departments.add(*[own if d == OWN else departments[d] for d in step_departments])
            created += 1
    return created


def _township_window_user(run):
    username, centre_code = TOWNSHIP_WINDOW_USER
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
    original = services.now
    services.now = lambda: moment.replace(microsecond=0)
    try:
        yield
    finally:
        services.now = original


def _file(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# (how many days ago it was submitted, how far it goes)
LATE_LICENCE_ITEM = "食品经营许可"
SCENARIOS = [
    (0, "submitted"),
    (1, "submitted"),
    (3, "submitted"),
    (2, "supplementing"),
    (6, "supplementing_twice"),
    (1, "not_accepted"),
    (2, "in_review"),
    (4, "in_review"),
    (8, "in_review"),
    (12, "in_review"),
    (5, "joint"),
    (9, "joint"),
    (7, "refused"),
    (14, "approved"),
    (10, "completed"),
    (13, "completed"),
    (16, "completed"),
    (18, "completed_late"),
    (20, "rated"),
    (15, "rated"),
    (11, "withdrawn"),
    # The food business licence two demo complaints are about: still under review weeks past its promised time.
    (33, "in_review", LATE_LICENCE_ITEM),
]
NAMES = [
    "陈志强",
    "刘芳",
    "王建国",
    "张丽",
    "清河市鑫源商贸有限公司",
    "李明",
    "赵小燕",
    "清河市安达物流有限公司",
    "孙伟",
    "周敏",
    "临江县绿野农业合作社",
    "吴刚",
    "郑秀英",
    "清河市华康医药连锁有限公司",
    "黄磊",
]


def late_licence_number():
    """The tracking number of the demo's overdue food business licence, or "" when the approvals demo is not loaded."""
    late = Application.objects.filter(item__name=LATE_LICENCE_ITEM, state=State.IN_REVIEW)
    return late.order_by("submitted_at").values_list("tracking_number", flat=True).first() or ""


def _load_applications(run):
    if Application.objects.filter(applicant_phone__startswith="+861990000").exists():
        return 0
    rng = random.Random(f"{SEED}-approvals")
    city_centre = Department.objects.filter(
        kind=DepartmentKind.SERVICE_CENTRE, parent__kind=DepartmentKind.CITY
    ).first()
    township_centre = Department.objects.filter(code=TOWNSHIP_WINDOW_USER[1]).first()
    if city_centre is None or _window(city_centre) is None:
        return 0
    items = list(ApprovalItem.objects.prefetch_related("materials", "steps__departments").order_by("code"))
    delegated = [i for i in items if i.township_centres.exists()]
    made = 0
    now = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    try:
        for index, (days_ago, scenario, *named) in enumerate(SCENARIOS):
            use_township = township_centre is not None and index % 5 == 4 and _window(township_centre) is not None
            item = rng.choice(delegated if use_township else items)
            if scenario in ("joint", "refused") or (scenario.startswith("completed") and index % 2):
                item = rng.choice([i for i in items if any(s.departments.count() > 1 for s in i.steps.all())])
                use_township = False
            if named:
                item = next((i for i in items if i.name == named[0]), item)
                use_township = False
            centre = township_centre if use_township else city_centre
            _play(item, centre, scenario, now - datetime.timedelta(days=days_ago), index, rng)
            made += 1
    except UnknownCalendarYear as exc:
        run.say(str(exc))
    return made


def _play(item, centre, scenario, start, index, rng):
    window = _window(centre)
    _clock["last"] = None
    hour = datetime.timedelta(hours=1)
    name = NAMES[index % len(NAMES)]
    with _at(start):
        submission = services.submit_application(
            item,
            service_centre=centre,
            applicant_kind="company" if "公司" in name or "社" in name else "person",
            applicant_name=name,
            applicant_phone=f"+861990000{rng.randrange(10_000):04d}",
            organisation_code="91330100MA2B3C4D5E" if "公司" in name or "社" in name else "",
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
                reason="申请事项不属于本机关职权范围，请向县级主管部门申请。",
                legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
            )
            return
        if scenario.startswith("supplementing"):
            services.request_supplement(
                app, by=window, materials=["法定代表人身份证明", "经营场所产权证明"], note="请一次性补齐"
            )
            if scenario == "supplementing":
                return
    if scenario == "supplementing_twice":
        with _at(moment + datetime.timedelta(days=1)):
            services.supplement_application(app, files=[(None, _file("补正材料.pdf"))])
        with _at(moment + datetime.timedelta(days=2)):
            services.request_supplement(
                app,
                by=window,
                materials=["房屋安全鉴定报告"],
                justification="首次补正后发现房屋用途变更，需补充安全鉴定。",
            )
        return
    with _at(moment):
        services.accept_application(app, by=window)
    if scenario == "in_review":
        return
    if scenario == "withdrawn":
        with _at(moment + datetime.timedelta(days=1)):
            services.withdraw_application(app, reason="经营计划调整，暂不申请。")
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
                    opinion="经审查，不符合规划要求，建设用地性质与申请用途不符。"
                    if refuse
                    else "经审查，符合条件，同意。",
                    legal_basis=item.legal_basis.splitlines()[0],
                )
        if scenario == "joint" and any(s.is_parallel for s in open_steps):
            return
    app.refresh_from_db()
    if scenario in ("approved", "refused") or app.state not in ("approved", "refused"):
        return
    with _at(answered + hour):
        services.complete_application(app, by=window, document=_file("行政许可决定书.pdf"))
    if scenario == "rated":
        with _at(answered + 2 * hour):
            services.rate_application(app, rating=rng.choice([4, 5, 5]), comment="窗口服务热情，办理很快。")
