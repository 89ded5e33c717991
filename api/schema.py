"""The one GraphQL schema: grapple's Wagtail queries plus each domain's queries and mutations. Composition only."""

import graphene
from grapple.registry import registry as grapple_registry
from grapple.types.pages import PagesQuery

from api.accounts import AccountsMutation, AccountsQuery
from api.approvals import ApprovalsMutation, ApprovalsQuery
from api.cms import CmsQuery
from api.complaints import ComplaintsMutation, ComplaintsQuery
from api.forum import ForumMutation, ForumQuery
from api.quizzes import QuizzesMutation, QuizzesQuery
from api.sms import SmsMutation


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
    QuizzesQuery,
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
    QuizzesMutation,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, types=list(grapple_registry.models.values()))
