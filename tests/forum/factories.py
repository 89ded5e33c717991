import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.models import Site

from forum.models import ForumBoardPage, ModerationMode, Post, PostStatus, Topic


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"网友{n}")
    password = factory.django.Password("pw")


def make_board(title="廉政论坛", moderation=ModerationMode.POST, slug=None, **kwargs):
    """A live board under the default site's home page (Wagtail pages are created with add_child)."""
    home = Site.objects.get(is_default_site=True).root_page
    board = ForumBoardPage(
        title=title, slug=slug or f"board-{ForumBoardPage.objects.count() + 1}", moderation=moderation, **kwargs
    )
    home.add_child(instance=board)
    return board


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        skip_postgeneration_save = True

    board = factory.LazyFunction(make_board)
    title = factory.Sequence(lambda n: f"话题{n}")
    author = factory.SubFactory(UserFactory)
    status = PostStatus.PUBLISHED
    last_activity_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def opening(self, create, extracted, **kwargs):
        if create:
            Post.objects.create(
                topic=self,
                author=self.author,
                is_opening=True,
                body=extracted or f"{self.title}的正文",
                status=self.status,
            )


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"回复内容{n}")
    status = PostStatus.PUBLISHED
