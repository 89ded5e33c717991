"""The one GraphQL schema: grapple's Wagtail queries plus each domain's queries and mutations. Composition only."""

import graphene
from grapple.registry import registry as grapple_registry
from grapple.types.pages import PagesQuery

from api.accounts.mutations import AccountsMutation
from api.accounts.queries import AccountsQuery
from api.approvals.mutations import ApprovalsMutation
from api.approvals.queries import ApprovalsQuery
from api.citizens.mutations import CitizensMutation
from api.citizens.queries import CitizensQuery
from api.cms.queries import CmsQuery
from api.cms.types import use_expanded_rich_text
from api.complaints.mutations import ComplaintsMutation
from api.complaints.queries import ComplaintsQuery
from api.forum.mutations import ForumMutation
from api.forum.queries import ForumQuery
from api.quizzes.mutations import QuizzesMutation
from api.quizzes.queries import QuizzesQuery
from api.sms.mutations import SmsMutation
from api.study.mutations import StudyMutation
from api.study.queries import StudyQuery


# Of grapple's queries only `page` and `pages` (live, public pages): its `images`, `documents`, `snippets`,
# `redirects`, `collections` and `settings` would list everything in the CMS, including what no page shows.
# Images and documents stay reachable through the pages that use them. CmsQuery comes first so that its
# `resolve_page` (grapple's, plus a read record) wins.
class Query(
    CmsQuery,
    ForumQuery,
    AccountsQuery,
    ComplaintsQuery,
    ApprovalsQuery,
    CitizensQuery,
    QuizzesQuery,
    StudyQuery,
    PagesQuery(),
    graphene.ObjectType,
):
    pass


class Mutation(
    AccountsMutation,
    ForumMutation,
    SmsMutation,
    ComplaintsMutation,
    ApprovalsMutation,
    CitizensMutation,
    QuizzesMutation,
    StudyMutation,
    graphene.ObjectType,
):
    pass


use_expanded_rich_text()
schema = graphene.Schema(query=Query, mutation=Mutation, types=list(grapple_registry.models.values()))
