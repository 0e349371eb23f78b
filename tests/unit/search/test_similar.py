"""Duplicate and related-coverage signatures (tui.search.similar), on text written here."""

from __future__ import annotations

import opencc

from tui.search import similar as sim

LEE = (
    "台湾台北荣民总医院7月30日表示，已住院近半年的前总统李登辉因多重器官衰竭，"
    "于当晚7点24分过世，享年97岁。李登辉是台湾首位民选总统，任内推动修宪与国会全面改选，"
    "被称为台湾民主化工程的总舵手，但他晚年的两国论也让北京视他为台独的代表人物。"
    "蔡英文总统发表声明哀悼，称李登辉为台湾民主先生。"
)
RATE = (
    "路透上海7月17日 - 路透测算的人民币中间价料开在{rate}元附近，较前一交易日中间价{move}。"
    "逆周期因子影响约{points}点，市场人士称，美元指数走势平稳，人民币中间价有望延续窄幅波动。"
)


def features(title: str, text: str) -> sim.Features:
    return sim.dup_features(title, text)


def test_story_title_drops_feed_boilerplate() -> None:
    assert sim.story_title("美国联邦政府17年来首度执行死刑 – 法国国际广播电台 - RFI") == (
        "美国联邦政府17年来首度执行死刑"
    )
    assert sim.story_title("[國際] 媒體：蓬佩奧將會晤羅冠聰") == "媒體：蓬佩奧將會晤羅冠聰"
    assert sim.story_title("德国之声｜黄之锋等12人被取消香港立法会参选资格").startswith("黄之锋")
    assert (
        sim.story_title("空中客车CEO预计未来两年产量下降40%")
        == "空中客车CEO预计未来两年产量下降40%"
    )


def test_copies_in_the_other_script_truncated_or_with_a_byline_are_the_same_text() -> None:
    base = features("李登辉逝世 享年97岁", LEE)
    traditional = opencc.OpenCC("s2twp.json").convert(LEE)
    assert traditional != LEE
    assert sim.same_text(base, features("李登輝逝世 享年97歲 - 要闻解说", traditional))
    assert sim.same_text(base, features("李登辉逝世 享年97岁", LEE[: len(LEE) * 6 // 10]))
    assert sim.same_text(base, features("李登辉逝世 享年97岁", "（本网记者 王明 报道）" + LEE))
    assert sim.same_text(base, features("焦点：李登辉逝世 享年97岁 – 法国国际广播电台 - RFI", LEE))


def test_the_daily_rate_report_is_not_a_copy_of_yesterdays() -> None:
    today = features(
        "路透测算的人民币中间价料开在6.9957元附近",
        RATE.format(rate="6.9957", move="调贬12点", points="48"),
    )
    yesterday = features(
        "路透测算的人民币中间价料开在6.9876元附近",
        RATE.format(rate="6.9876", move="调升30点", points="35"),
    )
    assert not sim.same_text(today, yesterday)
    assert sim.same_text(today, today)


def test_short_or_empty_texts_are_never_folded() -> None:
    assert not sim.same_text(features("12:00", ""), features("12:00", ""))
    assert sim.dup_keys(features("12:00", "")) == ()


def test_copies_share_a_bucket_and_keys_are_stable() -> None:
    a = sim.signatures("李登辉逝世 享年97岁", LEE)
    b = sim.signatures("李登輝逝世 享年97歲", opencc.OpenCC("s2t.json").convert(LEE))
    other = sim.signatures(
        "美国经济今年料萎缩6.6%", "国际货币基金组织人员表示，美国经济今年料萎缩6.6%。" * 5
    )
    assert set(a.keys) & set(b.keys)
    assert not set(a.keys) & set(other.keys)
    assert sim.signatures("李登辉逝世 享年97岁", LEE) == a  # deterministic: stored in the index
    assert sim.unpack_keys(sim.pack_keys(a.keys)) == a.keys


def test_related_score_prefers_the_same_story_and_damps_other_days_and_figures() -> None:
    lee = sim.story_terms("台湾首位民选总统李登辉逝世 享年97岁", LEE)
    lee2 = sim.story_terms(
        "台湾前总统李登辉因病去世 一生功过备受争议",
        "台湾前总统李登辉周四晚间因病去世，享年97岁。李登辉一生功过备受争议。",
    )
    other = sim.story_terms(
        "英国隔离来自西班牙所有旅客", "英国政府25日宣布，所有来自西班牙的旅客须隔离14天。"
    )
    same_day = sim.related_score(lee, lee2, 0.2)
    assert same_day >= sim.RELATED_THRESHOLD
    assert sim.related_score(lee, other, 0.0) < sim.RELATED_THRESHOLD
    assert sim.related_score(lee, lee2, 6.0) < same_day / 4
    rate1 = sim.story_terms(
        "人民币中间价料开在6.9957元附近", RATE.format(rate="6.9957", move="", points="48")
    )
    rate2 = sim.story_terms(
        "人民币中间价料开在6.9876元附近", RATE.format(rate="6.9876", move="", points="35")
    )
    assert sim.related_score(rate1, rate2, 1.0) < sim.RELATED_THRESHOLD


def test_numbered_titles_with_short_numbered_leads_are_not_copies() -> None:
    # Each lead's last number could be cut by truncation; the titles' numbers are never cut.
    a = features("Bulk article 000", "bulk text 0")
    b = features("Bulk article 003", "bulk text 3")
    assert not sim.same_text(a, b)
    assert sim.same_text(a, features("Bulk article 000", "bulk text 0"))
