"""Demo complaints for 清河市: realistic reports in every state, public case updates and one clarification.

Run by ``load_demo`` after the directory (it needs the departments and the demo investigator). Each complaint goes
through the real services, so its events, stage clocks and SMS notices exist as in production. Idempotent: a
complaint is matched by its description. Receipts of demo complaints are not kept anywhere (nobody can follow
them); make a new complaint to try the receipt.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from approvals.demo import late_licence_number
from complaints import services
from complaints.models import Complaint
from directory.demo import demo_step
from directory.models import Department

# A block of the demo phone range the demo cadres do not use (see directory.demo.DEMO_PHONE_PREFIX).
DEMO_REPORTER_PHONE = "+8619900009{:03d}"

# Stands for the tracking number of the approvals demo's overdue food business licence, filled in at load time.
LATE_LICENCE = object()

# (category, department code, person, tracking number, description, reporter name or "", steps)
# steps: a list of (service, kwargs) run in order by the demo investigator.
COMPLAINTS = [
    (
        "demanding",
        "QH-ZJJ",
        "建筑市场监管科 某副科长",
        "",
        "今年3月我公司办理建筑工程施工许可，材料齐全，但建筑市场监管科一名副科长多次以“材料需要再研究”为由拖着不办，"
        "私下暗示需要“意思意思”，并让我们到指定饭店安排吃饭。我们没有答应，许可至今没有办下来。",
        "陈立新",
        [
            ("acknowledge", {}),
            ("accept", {}),
            (
                "update",
                {
                    "kind": "opened",
                    "title": "关于市住建局干部涉嫌吃拿卡要问题的举报",
                    "body": (
                        "经初步核实，市纪委监委对反映市住建局建筑市场监管科干部在施工许可办理中吃拿卡要的问题予以立案。"
                    ),
                },
            ),
            ("start_investigation", {}),
            (
                "update",
                {
                    "kind": "investigation",
                    "body": "调查组已调取相关审批记录和监控资料，并约谈有关人员，调查正在进行中。",
                },
            ),
            (
                "message",
                {"body": "您好，请问您方是否保留了与该副科长的通话记录或聊天记录？如有，可通过本页面补充说明。"},
            ),
        ],
    ),
    (
        "illegal_fee",
        "QH-LJX-01-BM",
        "便民服务中心窗口",
        "",
        "临江镇便民服务中心办理农村建房审批时，窗口要求每户另交200元“材料审核费”，不开正规发票，只给一张收据。"
        "村里已有十几户交了这笔钱。",
        "",
        [
            ("acknowledge", {}),
            ("accept", {}),
            (
                "update",
                {
                    "kind": "opened",
                    "title": "关于临江镇便民服务中心违规收费问题",
                    "body": "临江县纪委监委对反映临江镇便民服务中心违规收取“材料审核费”的问题予以立案。",
                },
            ),
            ("start_investigation", {}),
            (
                "update",
                {"kind": "investigation", "body": "经查，该中心自去年10月起违规收取费用共计3800元，涉及19户群众。"},
            ),
            (
                "conclude",
                {
                    "decision": "substantiated",
                    "outcome": (
                        "反映问题属实。违规收取的3800元已全部退还群众，中"
                        "心主任受到党内警告处分，两名窗口工作人员被诫勉谈话。"
                    ),
                },
            ),
            (
                "update",
                {
                    "kind": "result",
                    "body": (
                        "违规收取的3800元已全部退还19户群众；临江镇便民服"
                        "务中心主任受到党内警告处分，两名窗口工作人员被诫勉谈话。"
                    ),
                },
            ),
        ],
    ),
    (
        "delay",
        "QH-SPJ",
        "",
        LATE_LICENCE,
        "我在网上申请食品经营许可证，承诺时限是5个工作日，现在已经过去一个多月，系统一直显示“审查中”，"
        "打电话问了三次都说在走流程，没有任何书面答复。",
        "",
        [("acknowledge", {})],
    ),
    (
        "delay",
        "QH-SPJ",
        "",
        LATE_LICENCE,
        "同一件食品经营许可的事：今天又去大厅问，工作人员说负责的同志出差了，要等他回来才能签字。",
        "",
        [],
    ),
    (
        "banqueting",
        "QH-JTJ",
        "某科室负责人",
        "",
        "听说市交通运输局某科室负责人上个月周末带着科室人员在城郊农家乐聚餐，用的是公款，还喝了好几瓶白酒。",
        "",
        [
            ("acknowledge", {}),
            ("accept", {}),
            ("start_investigation", {}),
            (
                "conclude",
                {
                    "decision": "unsubstantiated",
                    "outcome": (
                        "经核查，该次聚餐为工会组织的职工活动，费用由参加"
                        "人员个人平摊，未使用公款，未饮酒，反映问题不属实。"
                    ),
                },
            ),
            (
                "update",
                {
                    "kind": "result",
                    "title": "关于反映市交通运输局干部公款吃喝问题的核查结果",
                    "body": "经核查，所反映的聚餐为个人平摊费用的职工活动，未使用公款，反映问题不属实。",
                },
            ),
            (
                "clarification",
                {
                    "official_name": "周文斌",
                    "official_post": "市交通运输局综合运输科科长",
                    "body": "经市纪委监委核查，反映周文斌同志用公款组织聚餐饮酒的问题不属实，予以澄清正名。"
                    "希望广大干部群众依规依纪依法反映问题，对诬告陷害行为将依法依规严肃处理。",
                    "consent_note": "2026年11月20日，周文斌本人签署《澄清正名意见确认书》，同意公开发布。",
                },
            ),
        ],
    ),
    (
        "inaction",
        "QH-SJJ",
        "",
        "",
        "小区门口的无证烧烤摊每天营业到凌晨两点，油烟和噪音很大。向市场监管局投诉了五次，每次都说转给相关部门，"
        "至今没有任何人来处理。",
        "",
        [("message", {"body": "您好，您的投诉已收到。请问烧烤摊的具体位置是哪个小区门口？"})],
    ),
    (
        "other",
        "",
        "某物业公司经理",
        "",
        "我们小区的物业公司经理把公共收益占为己有，业主多次要求公开账目都被拒绝。",
        "",
        [
            (
                "not_accept",
                {
                    "reason": (
                        "物业公司经理不属于监察对象，所反映问题不属于纪检监察机关受理范围。"
                        "建议向住建部门或人民法院反映。"
                    )
                },
            )
        ],
    ),
    (
        "abuse",
        "QH-RSJ",
        "劳动保障监察大队",
        "",
        "我在某工地打工被拖欠工资三个月，去劳动保障监察大队反映时，工作人员态度恶劣，还说“没合同就别来找”。",
        "王秀英",
        [("transfer", {"to_body": "清河市人力资源和社会保障局（劳动保障监察投诉）"})],
    ),
]


def _run(complaint, investigator, action, kwargs):
    if action == "message":
        return services.investigator_message(complaint, investigator, kwargs["body"])
    if action == "update":
        return services.publish_update(complaint, investigator, kwargs["kind"], kwargs["body"], kwargs.get("title", ""))
    if action == "clarification":
        return services.publish_clarification(complaint, investigator, **kwargs)
    return getattr(services, action)(complaint, investigator, **kwargs)


@demo_step
def load_complaints(run):
    investigator = get_user_model().objects.filter(username="investigator").first()
    if investigator is None:
        return
    departments = {d.code: d for d in Department.objects.filter(code__in=[row[1] for row in COMPLAINTS if row[1]])}
    created = 0
    late_licence = late_licence_number()
    for number, (category, code, person, tracking, description, name, steps) in enumerate(COMPLAINTS):
        if Complaint.objects.filter(description=description).exists():
            continue
        data = {
            "category": category,
            "concerned_department": departments.get(code),
            "concerned_person": person,
            "related_reference": late_licence if tracking is LATE_LICENCE else tracking,
            "description": description,
            "is_anonymous": not name,
            "name": name,
            "phone": DEMO_REPORTER_PHONE.format(number) if name else "",
        }
        complaint = services.submit_complaint(data, source=f"demo-{number}").complaint
        if steps:
            services.assign(complaint, investigator, [investigator])
        for action, kwargs in steps:
            _run(complaint, investigator, action, kwargs)
        created += 1
    run.count(_("complaints"), created, Complaint.objects.count())
