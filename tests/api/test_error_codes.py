"""Each mutation answers `errors { field message code }` with its domain's code enum: the common codes plus the
app's own, read from the Python enums, so a member an app adds is in the API without a change to it."""

import pytest
from graphql import get_named_type

from api.core.errors import Error, error_type
from api.schema import schema
from approvals.error_codes import ApprovalErrorCode
from complaints.error_codes import ComplaintErrorCode
from core.error_codes import CommonErrorCode
from forum.error_codes import ForumErrorCode
from quizzes.error_codes import QuizErrorCode
from sms.error_codes import SmsErrorCode
from study.error_codes import StudyErrorCode

DOMAINS = {
    "AccountErrorCode": (SmsErrorCode,),
    "ApprovalErrorCode": (ApprovalErrorCode,),
    "ComplaintErrorCode": (ComplaintErrorCode, SmsErrorCode),
    "ForumErrorCode": (ForumErrorCode,),
    "QuizErrorCode": (QuizErrorCode,),
    "SmsErrorCode": (SmsErrorCode,),
    "StudyErrorCode": (StudyErrorCode,),
}
MUTATIONS = {
    "requestCode": "AccountErrorCode",
    "verifyCode": "AccountErrorCode",
    "logout": "AccountErrorCode",
    "setSmsSubscription": "SmsErrorCode",
    "trackApplication": "ApprovalErrorCode",
    "rateApplication": "ApprovalErrorCode",
    "rateService": "ApprovalErrorCode",
    "submitComplaint": "ComplaintErrorCode",
    "followComplaint": "ComplaintErrorCode",
    "sendComplaintMessage": "ComplaintErrorCode",
    "sendMyComplaintMessage": "ComplaintErrorCode",
    "requestCaseSubscription": "ComplaintErrorCode",
    "confirmCaseSubscription": "ComplaintErrorCode",
    "createTopic": "ForumErrorCode",
    "reply": "ForumErrorCode",
    "reportPost": "ForumErrorCode",
    "startQuizAttempt": "QuizErrorCode",
    "nextQuizQuestion": "QuizErrorCode",
    "answerQuizQuestion": "QuizErrorCode",
    "finishQuizAttempt": "QuizErrorCode",
    "startVideoWatch": "StudyErrorCode",
    "videoHeartbeat": "StudyErrorCode",
}


def _code_type(mutation):
    payload = get_named_type(schema.graphql_schema.mutation_type.fields[mutation].type)
    error = get_named_type(payload.fields["errors"].type)
    assert set(error.fields) == {"field", "message", "code"}
    return get_named_type(error.fields["code"].type)


def test_every_mutation_is_known_here():
    assert set(schema.graphql_schema.mutation_type.fields) == set(MUTATIONS)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_mutation_payload_answers_its_domain_enum(mutation):
    code = _code_type(mutation)
    assert code.name == MUTATIONS[mutation]
    expected = {member.name for enum in (CommonErrorCode, *DOMAINS[code.name]) for member in enum}
    assert set(code.values) == expected


def test_a_code_no_enum_of_the_domain_knows_is_answered_as_invalid():
    _enum, error_class = error_type("ProbeError", ForumErrorCode)
    resolve = error_class._meta.fields["code"].resolver or error_class.resolve_code
    assert resolve(Error("m", "rate_minute"), None) == "RATE_MINUTE"
    assert resolve(Error("m", "rate_limited"), None) == "RATE_LIMITED"
    assert resolve(Error("m", "something_a_library_said"), None) == "INVALID"


def test_the_answer_names_the_member(gql, client):
    answer = gql('mutation { reportPost(postId: "1", reason: SPAM) { ok errors { field code } } }')
    assert answer["data"]["reportPost"]["errors"] == [{"field": None, "code": "UNAUTHENTICATED"}]
