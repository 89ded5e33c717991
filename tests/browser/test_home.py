from playwright.sync_api import expect


def test_home_page_on_a_phone_shows_the_four_platforms_in_chinese(site, page, screenshot):
    page.goto(site.url + "/")
    expect(page.locator("h1")).to_have_text("让权力在阳光下运行")
    for name in ["网上审批", "电子监察", "网络投诉", "网络教育"]:
        expect(page.locator(".platform", has_text=name)).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("home-zh")


def test_language_switch_turns_the_site_english_and_back(site, page, screenshot):
    page.goto(site.url + "/")
    page.select_option("#lang-select", "en")
    expect(page.locator("h1")).to_have_text("Let power run in the sunlight")
    expect(page.locator(".platform", has_text="Online complaints")).to_be_visible()
    screenshot("home-en")
    page.select_option("#lang-select", "zh-hans")
    expect(page.locator("h1")).to_have_text("让权力在阳光下运行")


def test_admin_login_is_in_chinese(site, page, screenshot):
    page.goto(site.url + "/admin/login/")
    expect(page.locator("button[type=submit]")).to_contain_text("登录")
    screenshot("admin-login")
    expect(page.locator("label[for=id_password]")).to_contain_text("密码")
