"""Demo forum: 廉政论坛 (post-moderated) and 意见建议 (pre-moderated) with topics written by demo cadres.

The authors are ordinary site users (no admin access) linked to demo cadres; they have no usable password, since
cadres will log in by phone code in a later issue. To post in the demo, log in with any demo login (e.g. moderator).
Idempotent: boards are matched by slug, users by username, topics by title; nothing existing is changed.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from directory.demo import demo_step
from directory.models import Cadre
from forum.models import (
    ForumBoardPage,
    HoldReason,
    ModerationAction,
    ModerationMode,
    Post,
    PostReport,
    PostStatus,
    ReportReason,
    Topic,
)

# (username, department code, post): ordinary users, each linked to the first free demo cadre in that post.
AUTHORS = [
    ("linjiang_jw", "QH-LJX-01", "纪委书记"),
    ("chengguan_window", "QH-QHQ-01-BM", "窗口工作人员"),
    ("jyj_staff", "QH-JYJ", "科员"),
    ("wjw_staff", "QH-WJW", "科员"),
    ("jw_inspector", "QH-JW", "纪检监察员"),
    ("baishi_staff", "QH-BSX-01", "科员"),
]

BOARDS = [
    (
        "lianzheng",
        "廉政论坛",
        ModerationMode.POST,
        "交流学习体会、分享基层经验。请文明发言，遵守论坛规则；违规内容将被隐藏。",
    ),
    (
        "yijian",
        "意见建议",
        ModerationMode.PRE,
        "对党风廉政建设和政务服务的意见建议。帖子经版主审核后公开。",
    ),
]

# (board slug, title, author, days ago, pinned, locked, opening text, [(author, text), ...])
TOPICS = [
    (
        "lianzheng",
        "论坛发帖须知",
        "moderator",
        20,
        True,
        True,
        "欢迎来到廉政论坛。\n发帖请围绕党风廉政建设，实事求是，不发布未经核实的信息，不泄露他人隐私，"
        "不发布广告。\n违规帖子将被隐藏；看到不当内容，请点击“举报”。",
        [],
    ),
    (
        "lianzheng",
        "春节期间如何婉拒管理服务对象送的礼品？",
        "linjiang_jw",
        6,
        False,
        False,
        "快过年了，往年总有企业和个人借拜年名义送土特产、购物卡。大家是怎么婉拒的？既守住纪律，又不伤和气。",
        [
            ("chengguan_window", "我一般当面说明纪律要求：心意领了，东西不能收。态度诚恳，对方大多能理解。"),
            ("jyj_staff", "实在推不掉、当场退不回的，按规定登记上交，留好记录，事后再向对方说明。"),
            ("jw_inspector", "提醒一句：电子红包、消费卡同样属于礼品礼金，收了就是违纪，别存侥幸心理。"),
            ("linjiang_jw", "谢谢大家，镇里准备节前开个提醒会，把这些做法讲一讲。"),
        ],
    ),
    (
        "lianzheng",
        "学习中央八项规定精神，大家有哪些体会？",
        "jw_inspector",
        5,
        False,
        False,
        "八项规定出台十多年了，作风建设永远在路上。结合本职工作谈谈体会吧。",
        [
            ("wjw_staff", "以前下基层总有人张罗吃饭，现在都在食堂吃工作餐，反而轻松了。"),
            ("baishi_staff", "文山会海少了，有更多时间跑村里，群众的事办得更快了。"),
            ("jyj_staff", "最大的体会是“常”和“长”：不是一阵风，要成为习惯。"),
        ],
    ),
    (
        "lianzheng",
        "便民服务中心“一窗通办”后，办事真方便了",
        "chengguan_window",
        4,
        False,
        False,
        "我们中心推行一窗受理后，群众办低保、医保不用来回跑。分享几点窗口工作的体会。",
        [
            ("baishi_staff", "一次性告知很关键，材料清单讲清楚，群众少跑一趟就多一分满意。"),
            ("wjw_staff", "建议各乡镇交流一下经验，我们这边还在摸索。"),
            ("linjiang_jw", "临江镇也在推，限时办结后超时有预警，窗口人员压力大但效率高多了。"),
        ],
    ),
    (
        "lianzheng",
        "婚丧喜庆事宜操办，哪些情况需要事先报告？",
        "wjw_staff",
        3,
        False,
        False,
        "家里孩子明年结婚，想问问婚宴规模和事前报告有什么具体要求。",
        [
            ("jw_inspector", "按照规定，操办婚丧喜庆事宜应事前向组织报告，事后报告执行情况，严格控制规模。"),
            ("jyj_staff", "不邀请管理服务对象，不收受可能影响公正执行公务的礼金，这两条要特别注意。"),
        ],
    ),
    (
        "lianzheng",
        "警示教育片观后感：小节不守，大节难保",
        "baishi_staff",
        2,
        False,
        False,
        "单位组织观看了警示教育片，片中几个案例都是从收一条烟、吃一顿饭开始的。",
        [
            ("chengguan_window", "“温水煮青蛙”，一开始觉得是人情往来，慢慢就收不住了。"),
            ("linjiang_jw", "要常算“政治账、经济账、家庭账、自由账”。"),
        ],
    ),
    (
        "lianzheng",
        "与企业打交道，如何把握“亲”和“清”？",
        "jyj_staff",
        1,
        False,
        False,
        "既要主动服务企业、帮助解决困难，又要守住底线。大家在工作中是怎么把握分寸的？",
        [
            ("wjw_staff", "公开透明是最好的办法：政策讲在明处，办事流程公开，交往留痕。"),
            ("baishi_staff", "听说某局有人收了企业的购物卡，大家都知道是谁，就不点名了。"),
            ("jw_inspector", "有问题线索请通过网络投诉平台实名或匿名反映，不要在论坛传播未经核实的信息。"),
        ],
    ),
    (
        "yijian",
        "建议便民服务中心增设午间值班窗口",
        "baishi_staff",
        3,
        False,
        False,
        "很多群众只有中午有空，建议中心午间安排轮流值班，至少保留一个综合窗口。",
        [
            ("chengguan_window", "我们城关街道试过午间值班，群众反映很好，可以推广。"),
            ("linjiang_jw", "赞同，另外建议在门口公示值班人员和监督电话。"),
        ],
    ),
    (
        "yijian",
        "希望论坛增加廉政知识问答专栏",
        "jyj_staff",
        2,
        False,
        False,
        "建议把常见的纪律规定问题整理成问答，方便大家随时查阅。",
        [
            ("wjw_staff", "支持，最好能按礼品礼金、公务接待、因私出国等分类。"),
            ("jw_inspector", "很好的建议，我们会和宣传部门一起整理。"),
        ],
    ),
]

# Left for the moderators, so the queue is not empty: a reply awaiting review, and a reported post.
PENDING_REPLY = ("yijian", "建议便民服务中心增设午间值班窗口", "wjw_staff", "卫健系统的窗口也可以考虑错时上班。")
REPORTED_TEXT = "听说某局有人收了企业的购物卡，大家都知道是谁，就不点名了。"
REPORTERS = [("jw_inspector", ReportReason.FALSE_INFORMATION, "未经核实的信息"), ("wjw_staff", ReportReason.OTHER, "")]


@demo_step
def load_forum(run):
    """Two boards under the home page, demo authors, topics with replies, one pending and one reported post."""
    home = Site.objects.get(is_default_site=True).root_page
    boards = {}
    created_boards = 0
    for slug, title, moderation, intro in BOARDS:
        board = ForumBoardPage.objects.child_of(home).filter(slug=slug).first()
        if board is None:
            board = ForumBoardPage(title=title, slug=slug, moderation=moderation, intro=intro)
            home.add_child(instance=board)
            board.save_revision().publish()
            created_boards += 1
        boards[slug] = board
    run.count(_("forum boards"), created_boards, ForumBoardPage.objects.count())

    users = _authors()
    moderator = get_user_model().objects.filter(username="moderator").first()
    if moderator is not None:
        users["moderator"] = moderator

    now = timezone.now()
    created_topics = 0
    for slug, title, author, days_ago, pinned, locked, text, replies in TOPICS:
        board = boards[slug]
        if author not in users or Topic.objects.filter(board=board, title=title).exists():
            continue
        started = now - timedelta(days=days_ago, hours=3)
        topic = Topic.objects.create(
            board=board, title=title, author=users[author], status=PostStatus.PUBLISHED, last_activity_at=started
        )
        _post(topic, users[author], text, started, is_opening=True)
        for number, (reply_author, reply_text) in enumerate(replies, start=1):
            _post(topic, users[reply_author], reply_text, started + timedelta(hours=2 * number))
        last = topic.posts.order_by("-created_at").values_list("created_at", flat=True).first()
        Topic.objects.filter(pk=topic.pk).update(reply_count=len(replies), last_activity_at=last)
        created_topics += 1
        for flag, action in ((pinned, ModerationAction.Action.PIN), (locked, ModerationAction.Action.LOCK)):
            if flag:
                setattr(topic, "pinned" if action == ModerationAction.Action.PIN else "locked", True)
                ModerationAction.objects.create(moderator=moderator, action=action, topic=topic)
        topic.save(update_fields=["pinned", "locked"])
        if (slug, title) == PENDING_REPLY[:2]:
            _post(
                topic,
                users[PENDING_REPLY[2]],
                PENDING_REPLY[3],
                now - timedelta(hours=5),
                status=PostStatus.PENDING,
                held_for=HoldReason.BOARD,
            )
        reported = topic.posts.filter(body=REPORTED_TEXT).first()
        if reported is not None:
            for reporter, reason, note in REPORTERS:
                PostReport.objects.get_or_create(
                    post=reported, reporter=users[reporter], defaults={"reason": reason, "note": note}
                )
    run.count(_("forum topics"), created_topics, Topic.objects.count())


def _post(topic, author, body, created_at, is_opening=False, status=PostStatus.PUBLISHED, held_for=""):
    post = Post.objects.create(
        topic=topic, author=author, body=body, is_opening=is_opening, status=status, held_for=held_for
    )
    Post.objects.filter(pk=post.pk).update(created_at=created_at)  # auto_now_add ignores a given value
    return post


def _authors():
    """The demo forum authors, created once, each linked to a demo cadre who has no login yet."""
    User = get_user_model()
    users = {}
    for username, department_code, post in AUTHORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            cadre = (
                Cadre.objects.filter(department__code=department_code, post=post, user__isnull=True)
                .order_by("phone")
                .first()
            )
            if cadre is None:
                continue
            user = User(username=username, first_name=cadre.name)
            user.set_unusable_password()
            user.save()
            cadre.user = user
            cadre.save(update_fields=["user"])
        users[username] = user
    return users
