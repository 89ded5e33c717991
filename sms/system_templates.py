"""The templates of the messages the system itself sends: login codes, notices, study reminders, the SMS quiz.

In mainland China every SMS is an approved template plus parameters, so no part of the system composes free text:
a caller names a purpose (a key below) and gives the values. Each purpose is one ``SmsTemplate`` row
(``SmsTemplate.purpose``), seeded from this table by a data migration and by ``system_template`` when missing;
its text is what the console and Twilio backends send and what the operator may edit for them. With Aliyun the
request is the provider's template code for the purpose (``SMS_TEMPLATE_CODES``, else the row's own code) and
the values, and the provider renders the same text. The signature stays chosen by who reads the message
(``sms.notices.notice_purpose``, ``sms.services.PURPOSE_OF_KIND``), not by the template.

A value breaking its variable's rule (type, length, a link) is a ``ValidationError`` naming the variable and the
rule, never cut short silently: callers shorten free text they do not control (an item's name, a task's title)
with ``clip``, which marks the cut with "…" and stays within the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sms import templating
from sms.error_codes import SmsErrorCode
from sms.gateways.base import TemplateRef
from sms.models import ReviewStatus, SmsTemplate
from sms.templating import VARIABLE_TYPES

K = SmsTemplate.Kind


@dataclass(frozen=True)
class SystemTemplate:
    key: str
    code: str  # our own code for the row; the provider's comes from SMS_TEMPLATE_CODES
    name: str  # as registered with the provider (Chinese)
    kind: str
    text: str
    variables: tuple = ()  # ({"name", "type", "max_length"}, ...): see sms.templating.VARIABLE_TYPES


def _v(name, kind="text", max_length=None):
    return {"name": name, "type": kind, "max_length": max_length or VARIABLE_TYPES[kind].max_length}


REF = _v("number", "text", 20)  # an application's tracking number
ITEM = _v("item", "text", 20)
DUE = _v("due", "text", 30)  # a date and time, possibly followed by （暂定）
CASE = _v("ref", "text", 24)  # a complaint's reference

# A complaint reporter's notice at each stage: no variable at all, since the text must not say which case it is.
REPORTER_STAGES = {
    "received": ("投诉已收到", "您的投诉已收到，我们将在3个工作日内答复。"),
    "acknowledged": ("投诉已登记", "您的投诉已登记，正在研判。"),
    "accepted": ("投诉已立案", "您的投诉已立案。"),
    "not_accepted": ("投诉未予受理", "您的投诉未予受理，理由请凭查询码查看。"),
    "transferred": ("投诉已转交", "您的投诉已转交有权处理的机关办理。"),
    "investigating": ("投诉调查中", "您的投诉正在调查中。"),
    "concluded": ("投诉已办结", "您的投诉已调查办结，请凭查询码查看结果。"),
    "closed": ("投诉已关闭", "您的投诉已关闭，请凭查询码查看理由。"),
    "reply": ("投诉新留言", "您的投诉有新留言，请凭查询码查看。"),
}
REPORTER_TEMPLATES = tuple(
    SystemTemplate(f"complaints.reporter.{stage}", f"QF_COMPLAINT_{stage.upper()}", name, K.NOTICE, text)
    for stage, (name, text) in REPORTER_STAGES.items()
)

TEMPLATES = (
    SystemTemplate(
        "login_code",
        "QF_LOGIN_CODE",
        "登录验证码",
        K.VERIFICATION,
        "您的登录验证码为${code}，${minutes}分钟内有效。如非本人操作，请忽略本短信。",
        (_v("code", "code"), _v("minutes", "number", 2)),
    ),
    # Applicants (approvals.services.recording): one template per state their application enters.
    SystemTemplate(
        "approvals.application.submitted",
        "QF_APPR_SUBMITTED",
        "办件已收到",
        K.NOTICE,
        "您申请的${item}已收到，受理编号${number}。",
        (ITEM, REF),
    ),
    SystemTemplate(
        "approvals.application.accepted",
        "QF_APPR_ACCEPTED",
        "办件已受理",
        K.NOTICE,
        "您的办件${number}（${item}）已受理，承诺于${due}前办结。",
        (REF, ITEM, DUE),
    ),
    SystemTemplate(
        "approvals.application.not_accepted",
        "QF_APPR_NOT_ACCEPTED",
        "办件不予受理",
        K.NOTICE,
        "您的办件${number}（${item}）不予受理：${reason}",
        (REF, ITEM, _v("reason")),
    ),
    SystemTemplate(
        "approvals.application.supplement_requested",
        "QF_APPR_SUPPLEMENT",
        "办件需补正",
        K.NOTICE,
        "您的办件${number}需补正材料：${materials}。请在网上或到窗口一次性补齐，补正期间办理时限暂停计算。",
        (REF, _v("materials")),
    ),
    SystemTemplate(
        "approvals.application.supplemented",
        "QF_APPR_SUPPLEMENTED",
        "补正材料已收到",
        K.NOTICE,
        "办件${number}的补正材料已收到，继续办理。",
        (REF,),
    ),
    SystemTemplate(
        "approvals.application.approved",
        "QF_APPR_APPROVED",
        "办件已批准",
        K.NOTICE,
        "您的办件${number}（${item}）已审批通过，结果文书即将出具。",
        (REF, ITEM),
    ),
    SystemTemplate(
        "approvals.application.refused",
        "QF_APPR_REFUSED",
        "办件不予批准",
        K.NOTICE,
        "您的办件${number}（${item}）不予批准：${reason}",
        (REF, ITEM, _v("reason")),
    ),
    SystemTemplate(
        "approvals.application.completed",
        "QF_APPR_COMPLETED",
        "办件已办结",
        K.NOTICE,
        "您的办件${number}（${item}）已办结，欢迎对我们的服务作出评价。",
        (REF, ITEM),
    ),
    SystemTemplate(
        "approvals.rating.answered",
        "QF_APPR_RATING_ANSWERED",
        "差评整改回访结果",
        K.NOTICE,
        "您对办件${number}（${item}）的评价已核实处理，处理情况请在办件查询中查看。",
        (REF, ITEM),
    ),
    SystemTemplate(
        "approvals.application.withdrawn",
        "QF_APPR_WITHDRAWN",
        "办件已撤回",
        K.NOTICE,
        "您的办件${number}（${item}）已撤回。",
        (REF, ITEM),
    ),
    SystemTemplate(
        "approvals.application.deadline_recomputed",
        "QF_APPR_DEADLINE",
        "承诺办结时间调整",
        K.NOTICE,
        "根据国家正式公布的节假日安排，您的办件${number}（${item}）承诺办结时间调整为${due}。",
        (REF, ITEM, DUE),
    ),
    # Handlers (approvals.recompute): their steps' due dates after a holiday schedule changed.
    SystemTemplate(
        "approvals.handler.one",
        "QF_APPR_HANDLER_ONE",
        "环节期限调整",
        K.NOTICE,
        "根据国务院节假日安排，您承办的办件${number}的“${step}”环节办理期限调整为${due}。",
        (REF, _v("step", "text", 20), DUE),
    ),
    SystemTemplate(
        "approvals.handler.many",
        "QF_APPR_HANDLER_MANY",
        "多个环节期限调整",
        K.NOTICE,
        "根据国务院节假日安排，您承办的${count}个审批环节办理期限已重新计算，最早到期为${due}（办件${number}）。",
        (_v("count", "number", 6), DUE, REF),
    ),
    # Investigators (complaints.recompute): their complaints' stage deadlines after a holiday schedule changed.
    SystemTemplate(
        "complaints.investigator.one",
        "QF_CASE_INVESTIGATOR_ONE",
        "办理期限调整",
        K.NOTICE,
        "根据国务院节假日安排，您承办的举报${reference}的办理期限调整为${due}。",
        (_v("reference", "text", 20), DUE),
    ),
    SystemTemplate(
        "complaints.investigator.many",
        "QF_CASE_INVESTIGATOR_MANY",
        "多件举报办理期限调整",
        K.NOTICE,
        "根据国务院节假日安排，您承办的${count}件举报办理期限已重新计算，最早到期为${due}（举报${reference}）。",
        (_v("count", "number", 6), DUE, _v("reference", "text", 20)),
    ),
    # Complaint reporters and followers (complaints.services): no detail, the text must not say which case.
    *REPORTER_TEMPLATES,
    SystemTemplate(
        "complaints.subscribe.code",
        "QF_CASE_FOLLOW_CODE",
        "关注案件验证码",
        K.VERIFICATION,
        "您关注案件${ref}的验证码是${code}，10分钟内有效。",
        (CASE, _v("code", "code")),
    ),
    SystemTemplate(
        "complaints.unsubscribe.code",
        "QF_CASE_UNFOLLOW_CODE",
        "取消关注验证码",
        K.VERIFICATION,
        "您取消关注案件${ref}的验证码是${code}，10分钟内有效。",
        (CASE, _v("code", "code")),
    ),
    SystemTemplate(
        "complaints.follow.update",
        "QF_CASE_UPDATE",
        "案件公开信息更新",
        K.NOTICE,
        "案件${ref}有新的公开信息：${title}",
        (CASE, _v("title", "text", 30)),
    ),
    # Supervision (supervision.services.notifications): a clock's alert to its handler and supervisors.
    SystemTemplate(
        "supervision.alert",
        "QF_SUPERVISION_ALERT",
        "时限预警",
        K.NOTICE,
        "${rung}：${label}办理时限${due}。${reason}，请立即处理。",
        (_v("rung", "text", 6), _v("label"), DUE, _v("reason")),
    ),
    # Study (study.reminders).
    SystemTemplate(
        "study.task_reminder",
        "QF_STUDY_REMINDER",
        "学习任务提醒",
        K.NOTICE,
        "学习任务“${title}”将于${deadline}截止，您尚未完成，请登录清风学习。",
        (_v("title", "text", 20), _v("deadline", "date", 11)),
    ),
    # The SMS quiz (quizzes.sms_quiz): the day's question, as a campaign. Not "【每日一题】": a leading 【】 is read
    # as the signature.
    SystemTemplate(
        "quizzes.question.single",
        "QF_QUIZ_SINGLE",
        "每日一题（单选）",
        K.NOTICE,
        "每日一题：${question} ${options} 请回复您所选答案的字母。",
        (_v("question"), _v("options")),
    ),
    SystemTemplate(
        "quizzes.question.multiple",
        "QF_QUIZ_MULTIPLE",
        "每日一题（多选）",
        K.NOTICE,
        "每日一题：${question} ${options} 请回复全部正确选项的字母。",
        (_v("question"), _v("options")),
    ),
)
BY_KEY = {t.key: t for t in TEMPLATES}


def clip(value, max_length: int) -> str:
    """`value` as text of at most `max_length` characters, the cut marked with "…" (for free text we do not
    control, such as a title): never the silent cut a provider would refuse or a reader would misread."""
    text = " ".join(str(value or "").split())
    return text if len(text) <= max_length else text[: max_length - 1] + "…"


def limit(key: str, variable: str) -> int:
    """The length limit of a variable of a system template (for ``clip``)."""
    return next(v["max_length"] for v in BY_KEY[key].variables if v["name"] == variable)


def system_template(key: str) -> SmsTemplate:
    """The template row for a purpose, created from the table above when missing (a fresh or flushed database)."""
    spec = BY_KEY.get(key)
    if spec is None:
        raise ValidationError(
            _("There is no SMS template for “%(key)s”.") % {"key": key}, code=SmsErrorCode.NO_TEMPLATE
        )
    row = SmsTemplate.objects.filter(purpose=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return SmsTemplate.objects.create(**row_fields(spec))
    except IntegrityError:  # a concurrent caller, or an operator's row with the same code
        return SmsTemplate.objects.get(purpose=key)


def row_fields(spec: SystemTemplate) -> dict:
    return {
        "purpose": spec.key,
        "code": spec.code,
        "name": spec.name,
        "kind": spec.kind,
        "text": spec.text,
        "variables": [dict(v) for v in spec.variables],
        "review_status": ReviewStatus.APPROVED,
    }


def prepare(key: str, params: dict, rows: dict | None = None) -> tuple[SmsTemplate, str, TemplateRef]:
    """(row, rendered text, gateway reference) of a purpose's message with these values.

    Raises ValidationError naming the rule when the template is not approved, was withdrawn, or a value breaks
    its variable's rule (missing, unknown, wrong type, too long, a link).
    """
    # `rows` (key -> row) lets a caller preparing many messages read each template once.
    template = rows.get(key) if rows is not None else None
    if template is None:
        template = system_template(key)
        if rows is not None:
            rows[key] = template
    values = {name: str(value) for name, value in (params or {}).items()}
    templating.check_usable(template)
    templating.validate_params(template, values, per_recipient=False)
    return template, templating.render(template, values), ref_of(template, values)


def ref_of(template: SmsTemplate, values: dict) -> TemplateRef:
    return TemplateRef(code=templating.provider_code(template), params={k: str(v) for k, v in values.items()})
