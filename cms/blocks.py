"""StreamField blocks shared by every content page; each renders without JavaScript."""

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLDocument, GraphQLImage, GraphQLRichText, GraphQLString
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images import blocks as image_blocks
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "blockquote"]
VIDEO_EXTENSIONS = (".mp4", ".webm", ".m4v")


class ImageChooserBlock(image_blocks.ImageChooserBlock):
    """Wagtail's image chooser, loading the renditions of all the stream's images with them: one query for a
    whole page instead of one (or a cache round trip) per image and size, on the website and in /graphql/."""

    # Migrations see Wagtail's block: the stored data and the form are the same.
    canonical_module_path = "wagtail.images.blocks.ImageChooserBlock"

    def bulk_to_python(self, values):
        images = super().bulk_to_python(values)
        prefetch_related_objects([image for image in images if image is not None], "renditions")
        return images


@register_streamfield_block
class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    # The app reads every block through /graphql/ (wagtail-grapple).
    graphql_fields = [GraphQLImage("image"), GraphQLString("caption")]

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "cms/blocks/image.html"


@register_streamfield_block
class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    source = blocks.CharBlock(label=_("source"), required=False, max_length=200)

    # The app reads every block through /graphql/ (wagtail-grapple).
    graphql_fields = [GraphQLString("text"), GraphQLString("source")]

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


@register_streamfield_block
class VideoBlock(blocks.StructBlock):
    """A self-hosted video: the file is a Wagtail document, so it stays on our own servers."""

    video = DocumentChooserBlock(label=_("video file"), help_text=_("An MP4 or WebM file uploaded to Documents."))
    poster = ImageChooserBlock(label=_("poster image"), required=False)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    def clean(self, value):
        value = super().clean(value)
        document = value.get("video")
        if document and not document.file.name.lower().endswith(VIDEO_EXTENSIONS):
            raise blocks.StructBlockValidationError(
                block_errors={"video": ValidationError(_("Choose an MP4 or WebM video file."))}
            )
        return value

    # The app reads every block through /graphql/ (wagtail-grapple).
    graphql_fields = [GraphQLDocument("video"), GraphQLImage("poster"), GraphQLString("caption")]

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"


@register_streamfield_block
class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("tone"),
        choices=[("info", _("Note")), ("warning", _("Warning")), ("danger", _("Red line"))],
        default="warning",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=100)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ol", "ul"])

    # The app reads every block through /graphql/ (wagtail-grapple).
    graphql_fields = [GraphQLString("tone"), GraphQLString("title"), GraphQLRichText("text")]

    class Meta:
        icon = "warning"
        label = _("Callout box")
        template = "cms/blocks/callout.html"


@register_streamfield_block
class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("answer"), features=["bold", "italic", "link", "ol", "ul"])

    # The app reads every block through /graphql/ (wagtail-grapple).
    graphql_fields = [GraphQLString("question"), GraphQLRichText("answer")]

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "cms/blocks/qa.html"


@register_streamfield_block
class RegulationCitationBlock(blocks.StructBlock):
    regulation = SnippetChooserBlock("cms.Regulation", label=_("regulation"), required=False)
    name = blocks.CharBlock(
        label=_("regulation name"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the chosen regulation's title."),
    )
    article = blocks.CharBlock(label=_("article number"), max_length=100, help_text=_("For example: 第二十八条"))
    text = blocks.TextBlock(label=_("text of the article"))

    def clean(self, value):
        value = super().clean(value)
        if not value.get("regulation") and not value.get("name"):
            raise blocks.StructBlockValidationError(
                block_errors={"name": ValidationError(_("Choose a regulation or type its name."))}
            )
        return value

    # The app reads every block through /graphql/ (wagtail-grapple).
    graphql_fields = [GraphQLString("regulation_title"), GraphQLString("article"), GraphQLString("text")]

    def regulation_title(self, info, values, **kwargs):
        """What the template shows: the typed name, else the chosen regulation's title (grapple calls this)."""
        regulation = values.get("regulation")
        return values.get("name") or (regulation.title if regulation else "")

    class Meta:
        icon = "doc-full"
        label = _("Regulation citation")
        template = "cms/blocks/citation.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Rich text"), features=RICH_FEATURES, template="cms/blocks/paragraph.html")
    image = ImageBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    qa = QuestionAnswerBlock()
    citation = RegulationCitationBlock()


class QuestionAnswerStream(blocks.StreamBlock):
    qa = QuestionAnswerBlock()
