"""设置 → 网站信息: the footer Chinese government sites carry, on every public page, in GraphQL and in the admin."""

import base64
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cms.models import SiteFooter
from config.csp import ELDER_BOOT
from tests.api.conftest import gql  # noqa: F401

pytestmark = pytest.mark.django_db

VALUES = {
    "sponsor": "中共清河市纪律检查委员会 清河市监察委员会",
    "organiser": "清河市纪委监委宣传部",
    "site_code": "4399000012",
    "icp_number": "湘ICP备99000012号-1",
    "police_number": "湘公网安备43990002000012号",
    "address": "清河市清河区人民路1号",
    "postcode": "419900",
    "phone": "0736-12388",
    "email": "jjjc@qinghe.example",
}


@pytest.fixture
def footer(home_page):
    footer = SiteFooter.for_site(home_page.get_site())
    for name, value in VALUES.items():
        setattr(footer, name, value)
    footer.full_clean()
    footer.save()
    return footer


def test_every_public_page_footer_shows_sponsor_codes_records_with_their_links_and_contact(footer, client):
    for url in ["/", "/approvals/", "/complaints/"]:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        footer_html = html[html.index('<footer class="site-footer"') :]
        assert "主办单位：中共清河市纪律检查委员会 清河市监察委员会" in footer_html, url
        assert "承办单位：清河市纪委监委宣传部" in footer_html
        assert "网站标识码：4399000012" in footer_html
        assert (
            '<a href="https://beian.miit.gov.cn/" rel="noopener" target="_blank">湘ICP备99000012号-1</a>' in footer_html
        )
        assert "https://beian.mps.gov.cn/#/query/webSearch?code=43990002000012" in footer_html
        assert '<a href="tel:073612388">0736-12388</a>' in footer_html
        assert 'href="mailto:jjjc@qinghe.example"' in footer_html


def test_an_empty_footer_keeps_the_line_naming_the_commission(home_page, client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "主办单位" not in html
    assert "ICP" not in html
    assert "清河市纪律检查委员会" in html


def test_site_info_in_graphql_for_the_app_anonymous(footer, gql):  # noqa: F811
    data = gql("{ siteInfo { sponsor siteCode icpNumber icpUrl policeNumber policeUrl phone email } }")["data"]
    info = data["siteInfo"]
    assert info["sponsor"] == VALUES["sponsor"]
    assert info["icpUrl"] == "https://beian.miit.gov.cn/"
    assert info["policeUrl"].endswith("code=43990002000012")
    assert info["phone"] == "0736-12388"


def test_site_info_is_empty_strings_before_anything_is_entered(home_page, gql):  # noqa: F811
    info = gql("{ siteInfo { sponsor icpUrl policeUrl } }")["data"]["siteInfo"]
    assert info == {"sponsor": "", "icpUrl": "", "policeUrl": ""}


def test_a_malformed_site_code_or_police_record_is_refused_in_chinese(home_page):
    footer = SiteFooter.for_site(home_page.get_site())
    footer.site_code, footer.police_number = "12345", "湘公网安备123号"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        footer.full_clean()
    assert refused.value.message_dict["site_code"] == ["网站标识码为10位数字或大写字母。"]
    assert refused.value.message_dict["police_number"] == ["公安备案号应包含14位备案编号。"]


def test_saving_the_footer_changes_the_content_version_so_cached_pages_drop(footer):
    from cms.caching import content_version

    before = content_version()
    footer.phone = "0736-12345"
    footer.save()
    assert content_version() != before


def test_the_elder_mode_boot_script_is_the_one_the_policy_allows(home_page, client):
    """The inline script in <head> runs only if the Content-Security-Policy names its hash: the two must agree."""
    response = client.get("/")
    assert f"<script>{ELDER_BOOT}</script>" in response.content.decode()
    digest = base64.b64encode(hashlib.sha256(ELDER_BOOT.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]
    app = client.get("/app/")
    assert f"<script>{ELDER_BOOT}</script>" in app.content.decode()
    assert "data-elder-toggle hidden" in app.content.decode()


def test_an_administrator_edits_it_under_settings(home_page, admin_client):
    home = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "/admin/settings/cms/sitefooter/" in home  # the 设置 menu (drawn from JSON by the sidebar)
    site = home_page.get_site()
    response = admin_client.get(f"/admin/settings/cms/sitefooter/{site.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "网站信息" in response.content.decode()
    assert "ICP备案号" in response.content.decode()


def test_the_demo_fills_it_once_and_keeps_an_edit(home_page):
    from cms.demo import SITE_INFORMATION, load_site_information
    from directory.demo import DemoRun

    load_site_information(DemoRun())
    footer = SiteFooter.for_site(home_page.get_site())
    assert footer.sponsor == SITE_INFORMATION["sponsor"]
    footer.full_clean()
    footer.phone = "0736-99999"
    footer.save()
    run = DemoRun()
    load_site_information(run)
    assert SiteFooter.for_site(home_page.get_site()).phone == "0736-99999"
    assert run.rows[-1][1] == 0
