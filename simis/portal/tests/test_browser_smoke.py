import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_page_renders_arabic_rtl(browser_page):
    browser_page.goto("/")
    assert browser_page.locator("html").get_attribute("dir") == "rtl"
