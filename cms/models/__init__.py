from cms.models.pages import (
    ArticlePage,
    ContentPage,
    ContentPageTag,
    CultureWorkPage,
    HomeFeatured,
    HomePage,
    OfficialLevel,
    PolicyExplainerPage,
    SectionPage,
    WarningCasePage,
)
from cms.models.reading import ReadRecord
from cms.models.search import SearchEntry
from cms.models.site_settings import SiteFooter
from cms.models.snippets import Regulation, ViolationCategory, WarningPhrase
from cms.models.workflow import ReviewedPagePermissionTester, ReviewRequired, ReviewTask

__all__ = [
    "ArticlePage",
    "ContentPage",
    "ContentPageTag",
    "CultureWorkPage",
    "HomeFeatured",
    "HomePage",
    "OfficialLevel",
    "PolicyExplainerPage",
    "ReadRecord",
    "Regulation",
    "ReviewRequired",
    "ReviewTask",
    "ReviewedPagePermissionTester",
    "SearchEntry",
    "SectionPage",
    "SiteFooter",
    "ViolationCategory",
    "WarningCasePage",
    "WarningPhrase",
]
