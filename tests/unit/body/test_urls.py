"""URLs shown decoded as browsers show them, and never with a control character in them."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.markdown import Markdown

from tests.locations import REPO
from tui.body.article_header import detail_lines
from tui.body.markdown import decode_link_urls, html_to_markdown
from tui.body.urls import display_host, display_url
from tui.files.parser import parse

#: The feed seed's URL (sample_seeds/002_…): escapes of UTF-8 Chinese text.
RFI = (
    "https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F%E6%A3%80%E7%B4%A2/%E8%A6%81%E9%97%BB%E8%A7%A3"
    "%E8%AF%B4/20220112-%E4%BF%84%E7%BD%97%E6%96%AF%E4%B8%80%E5%8F%AA%E6%89%8B%E4%B8%8E%E5"
    "%8C%97%E7%BA%A6%E4%BC%9A%E8%B0%88-%E5%8F%A6%E5%8F%AA%E6%89%8B%E5%9C%A8%E4%B9%8C%E5%85"
    "%8B%E5%85%B0%E8%BE%B9%E5%A2%83%E4%B8%BE%E8%A1%8C%E5%86%9B%E6%BC%94"
)
RFI_SHOWN = (
    "https://www.rfi.fr/cn/专栏检索/要闻解说/20220112-"
    "俄罗斯一只手与北约会谈-另只手在乌克兰边境举行军演"
)


def test_the_feed_seeds_url_reads_as_chinese() -> None:
    assert display_url(RFI) == RFI_SHOWN


def test_the_seed_file_carries_that_url() -> None:
    article = parse(REPO / "sample_seeds" / "002_153ef59660deb970.txt")
    assert article.url == RFI
    assert display_url(article.url) == RFI_SHOWN
    # `newsdeck show`'s header line for the URL is the decoded one.
    assert detail_lines(article)[0].plain == RFI_SHOWN


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://xn--fiqs8s/", "https://中国/"),
        ("https://www.XN--FIQS8S.cn:8443/x?a=1", "https://www.中国.cn:8443/x?a=1"),
        ("https://user@xn--fiqs8s.xn--fiqs8s/", "https://user@中国.中国/"),
        ("https://xn--bcher-kva.example/", "https://bücher.example/"),
        # A whole-script lookalike of "apple" stays punycode, as browsers keep it.
        ("https://xn--80ak6aa92e.com/", "https://xn--80ak6aa92e.com/"),
        # Not valid punycode: left alone.
        ("https://xn--zz.example/", "https://xn--zz.example/"),
        ("https://[::1]:8080/%E4%B8%AD", "https://[::1]:8080/中"),
    ],
)
def test_punycode_hosts(url: str, shown: str) -> None:
    assert display_url(url) == shown


def test_display_host_alone() -> None:
    assert display_host("xn--fiqs8s.xn--fiqs8s") == "中国.中国"
    assert display_host("example.com") == "example.com"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # What browsers keep encoded: spaces, an escaped "/", "%", "?", "#", "&", "=".
        ("https://a.b/x%20y", "https://a.b/x%20y"),
        ("https://a.b/a%2Fb", "https://a.b/a%2Fb"),
        ("https://a.b/100%25", "https://a.b/100%25"),
        ("https://a.b/q%3Fx%23y%26z%3D", "https://a.b/q%3Fx%23y%26z%3D"),
        # Unreserved ASCII means the same either way: decoded.
        ("https://a.b/%41%7e%2D", "https://a.b/A~-"),
        # Query and fragment are decoded too.
        ("https://a.b/?q=%E4%B8%AD%E6%96%87#%E7%AB%A0", "https://a.b/?q=中文#章"),
        # Invalid percent sequences stay as they are.
        ("https://a.b/%E4%B8", "https://a.b/%E4%B8"),
        ("https://a.b/%FF%FE", "https://a.b/%FF%FE"),
        ("https://a.b/%C0%AF", "https://a.b/%C0%AF"),  # overlong "/"
        ("https://a.b/%ED%A0%80", "https://a.b/%ED%A0%80"),  # a surrogate
        ("https://a.b/%zz%4", "https://a.b/%zz%4"),
        ("https://a.b/%E4%B8%E4%B8%AD", "https://a.b/%E4%B8中"),
        # Misleading characters stay encoded: bidi override, zero-width, NBSP, lock, fake "/".
        ("https://a.b/%E2%80%AEfdp.exe", "https://a.b/%E2%80%AEfdp.exe"),
        ("https://a.b/x%E2%80%8By", "https://a.b/x%E2%80%8By"),
        ("https://a.b/x%C2%A0y", "https://a.b/x%C2%A0y"),
        ("https://a.b/%F0%9F%94%92", "https://a.b/%F0%9F%94%92"),
        ("https://a.b/x%E2%88%95y", "https://a.b/x%E2%88%95y"),
        ("https://a.b/%F0%9F%98%80", "https://a.b/😀"),
        # Not a URL with a scheme: decoded all the same.
        ("/relative/%E4%B8%AD", "/relative/中"),
        ("", ""),
    ],
)
def test_percent_escapes(url: str, shown: str) -> None:
    assert display_url(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "https://a.b/%1B[31mred",
        "https://a.b/%1b%5b2J",
        "https://a.b/%07%00%7F",
        "https://a.b/%C2%9B31m",  # C1 CSI
        "https://a.b/\x1b[31m",  # a raw ESC in the data
        "https://a.b/\u202eevil",  # a raw bidi override
        "https://a.b/x\ny",
    ],
)
def test_control_characters_are_never_produced(url: str) -> None:
    shown = display_url(url)
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in shown)
    assert "\x1b" not in shown


def test_escaped_esc_stays_escaped() -> None:
    assert display_url("https://a.b/%1B[31m") == "https://a.b/%1B[31m"
    assert display_url("https://a.b/\x1b[31m") == "https://a.b/%1B[31m"


@given(st.text(max_size=60))
def test_any_text_gives_printable_text(text: str) -> None:
    shown = display_url("https://a.b/" + text)
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in shown)


@given(st.binary(max_size=30))
def test_decoding_is_lossless(data: bytes) -> None:
    """Re-encoding what is shown gives back the same bytes (nothing ambiguous is decoded)."""
    from urllib.parse import quote, unquote_to_bytes

    url = "https://a.b/" + "".join(f"%{b:02X}" for b in data)
    shown = display_url(url)
    assert unquote_to_bytes(quote(shown, safe="%/:")) == unquote_to_bytes(url)


def render_links(html: str) -> str:
    markdown = Markdown(html_to_markdown(html), hyperlinks=False)
    decode_link_urls(markdown.parsed)
    console = Console(width=200, file=None, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(markdown)
    return capture.get().strip()


def test_links_in_the_body_show_decoded_urls() -> None:
    html = f'<p>Read <a href="{RFI}">the column</a> now.</p>'
    shown = render_links(html)
    assert f"the column ({RFI_SHOWN})" in shown
    # The Markdown itself (what `newsdeck export` writes) keeps the exact URL.
    assert f"]({RFI})" in html_to_markdown(html)


def test_a_link_whose_text_is_its_decoded_url_shows_once() -> None:
    html = f'<p>See <a href="{RFI}">{RFI_SHOWN}</a>.</p>'
    assert render_links(html).count(RFI_SHOWN) == 1


def test_punycode_link_host_is_shown_in_unicode() -> None:
    shown = render_links('<p>At <a href="https://xn--fiqs8s.cn/a%20b">home</a>.</p>')
    assert "home (https://中国.cn/a%20b)" in shown


def test_media_placeholders_show_decoded_urls() -> None:
    markdown = html_to_markdown('<p><img alt="图" src="https://a.cn/%E5%9B%BE.png"></p>')
    assert "https://a.cn/图.png" in markdown
