"""The 47 shipped profiles load, their facts match an independent reference table, and each
introduction is written in English and in Japanese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from furusato.reading.loader import Options, load_site

REPO = Path(__file__).resolve().parents[1]

# (code, slug, English, Japanese, capital, capital in Japanese, region), typed from the
# ISO 3166-2:JP list independently of prefectures/*.yaml.
REFERENCE = [
    ("JP-01", "hokkaido", "Hokkaido", "北海道", "Sapporo", "札幌市", "hokkaido"),
    ("JP-02", "aomori", "Aomori", "青森県", "Aomori", "青森市", "tohoku"),
    ("JP-03", "iwate", "Iwate", "岩手県", "Morioka", "盛岡市", "tohoku"),
    ("JP-04", "miyagi", "Miyagi", "宮城県", "Sendai", "仙台市", "tohoku"),
    ("JP-05", "akita", "Akita", "秋田県", "Akita", "秋田市", "tohoku"),
    ("JP-06", "yamagata", "Yamagata", "山形県", "Yamagata", "山形市", "tohoku"),
    ("JP-07", "fukushima", "Fukushima", "福島県", "Fukushima", "福島市", "tohoku"),
    ("JP-08", "ibaraki", "Ibaraki", "茨城県", "Mito", "水戸市", "kanto"),
    ("JP-09", "tochigi", "Tochigi", "栃木県", "Utsunomiya", "宇都宮市", "kanto"),
    ("JP-10", "gunma", "Gunma", "群馬県", "Maebashi", "前橋市", "kanto"),
    ("JP-11", "saitama", "Saitama", "埼玉県", "Saitama", "さいたま市", "kanto"),
    ("JP-12", "chiba", "Chiba", "千葉県", "Chiba", "千葉市", "kanto"),
    ("JP-13", "tokyo", "Tokyo", "東京都", "Shinjuku", "新宿区", "kanto"),
    ("JP-14", "kanagawa", "Kanagawa", "神奈川県", "Yokohama", "横浜市", "kanto"),
    ("JP-15", "niigata", "Niigata", "新潟県", "Niigata", "新潟市", "chubu"),
    ("JP-16", "toyama", "Toyama", "富山県", "Toyama", "富山市", "chubu"),
    ("JP-17", "ishikawa", "Ishikawa", "石川県", "Kanazawa", "金沢市", "chubu"),
    ("JP-18", "fukui", "Fukui", "福井県", "Fukui", "福井市", "chubu"),
    ("JP-19", "yamanashi", "Yamanashi", "山梨県", "Kofu", "甲府市", "chubu"),
    ("JP-20", "nagano", "Nagano", "長野県", "Nagano", "長野市", "chubu"),
    ("JP-21", "gifu", "Gifu", "岐阜県", "Gifu", "岐阜市", "chubu"),
    ("JP-22", "shizuoka", "Shizuoka", "静岡県", "Shizuoka", "静岡市", "chubu"),
    ("JP-23", "aichi", "Aichi", "愛知県", "Nagoya", "名古屋市", "chubu"),
    ("JP-24", "mie", "Mie", "三重県", "Tsu", "津市", "kansai"),
    ("JP-25", "shiga", "Shiga", "滋賀県", "Otsu", "大津市", "kansai"),
    ("JP-26", "kyoto", "Kyoto", "京都府", "Kyoto", "京都市", "kansai"),
    ("JP-27", "osaka", "Osaka", "大阪府", "Osaka", "大阪市", "kansai"),
    ("JP-28", "hyogo", "Hyogo", "兵庫県", "Kobe", "神戸市", "kansai"),
    ("JP-29", "nara", "Nara", "奈良県", "Nara", "奈良市", "kansai"),
    ("JP-30", "wakayama", "Wakayama", "和歌山県", "Wakayama", "和歌山市", "kansai"),
    ("JP-31", "tottori", "Tottori", "鳥取県", "Tottori", "鳥取市", "chugoku"),
    ("JP-32", "shimane", "Shimane", "島根県", "Matsue", "松江市", "chugoku"),
    ("JP-33", "okayama", "Okayama", "岡山県", "Okayama", "岡山市", "chugoku"),
    ("JP-34", "hiroshima", "Hiroshima", "広島県", "Hiroshima", "広島市", "chugoku"),
    ("JP-35", "yamaguchi", "Yamaguchi", "山口県", "Yamaguchi", "山口市", "chugoku"),
    ("JP-36", "tokushima", "Tokushima", "徳島県", "Tokushima", "徳島市", "shikoku"),
    ("JP-37", "kagawa", "Kagawa", "香川県", "Takamatsu", "高松市", "shikoku"),
    ("JP-38", "ehime", "Ehime", "愛媛県", "Matsuyama", "松山市", "shikoku"),
    ("JP-39", "kochi", "Kochi", "高知県", "Kochi", "高知市", "shikoku"),
    ("JP-40", "fukuoka", "Fukuoka", "福岡県", "Fukuoka", "福岡市", "kyushu"),
    ("JP-41", "saga", "Saga", "佐賀県", "Saga", "佐賀市", "kyushu"),
    ("JP-42", "nagasaki", "Nagasaki", "長崎県", "Nagasaki", "長崎市", "kyushu"),
    ("JP-43", "kumamoto", "Kumamoto", "熊本県", "Kumamoto", "熊本市", "kyushu"),
    ("JP-44", "oita", "Oita", "大分県", "Oita", "大分市", "kyushu"),
    ("JP-45", "miyazaki", "Miyazaki", "宮崎県", "Miyazaki", "宮崎市", "kyushu"),
    ("JP-46", "kagoshima", "Kagoshima", "鹿児島県", "Kagoshima", "鹿児島市", "kyushu"),
    ("JP-47", "okinawa", "Okinawa", "沖縄県", "Naha", "那覇市", "kyushu"),
]


@pytest.fixture(scope="module")
def prefectures():
    return load_site(Options(root=REPO)).prefectures


def test_all_47_profiles_ship_in_jis_order(prefectures):
    assert [p.slug for p in prefectures.values()] == [row[1] for row in REFERENCE]


@pytest.mark.parametrize("code,slug,en,ja,capital,capital_ja,region", REFERENCE)
def test_profile_facts(prefectures, code, slug, en, ja, capital, capital_ja, region):
    p = prefectures[slug]
    assert (p.code, p.name.en, p.name.ja) == (code, en, ja)
    assert (p.capital.en, p.capital.ja) == (capital, capital_ja)
    assert p.region.slug == region
    assert p.number == int(code[3:])
    assert p.introduction.en
    assert ja in p.introduction.ja  # the Japanese text names the prefecture in kanji


# Kana, kanji, the long-vowel mark and Japanese punctuation (、。「」（）・).
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u3000-\u303f\uff08\uff09\u30fb]")


def japanese_share(text: str) -> float:
    """Return the share of the visible characters that are Japanese script."""
    visible = [c for c in text if not c.isspace()]
    return sum(bool(JAPANESE.match(c)) for c in visible) / len(visible)


def test_japanese_share_tells_japanese_from_english():
    assert japanese_share("鳥取県は日本海に面しています。") == 1
    assert japanese_share("Tottori lies on the Sea of Japan coast.") == 0


@pytest.mark.parametrize("slug", [row[1] for row in REFERENCE])
def test_japanese_introduction_is_written_in_japanese(prefectures, slug):
    text = prefectures[slug].introduction.ja
    assert japanese_share(text) > 0.9, text
    assert text.endswith("。")  # whole sentences, as a prefecture's own site writes them
    assert 2 <= text.count("。") <= 4
    assert "です" in text or "ます" in text  # the polite style


def test_demo_ambassadors_are_marked_as_examples(prefectures):
    ambassadors = [a for p in prefectures.values() for a in p.ambassadors]
    assert len(ambassadors) >= 10
    assert all(a.example for a in ambassadors)
    assert all(a.bio.en.startswith("Example ambassador") for a in ambassadors)


def test_no_invented_coordinators(prefectures):
    assert all(p.coordinators == () for p in prefectures.values())


def test_map_tiles_are_unique(prefectures):
    tiles = {(p.tile.col, p.tile.row) for p in prefectures.values()}
    assert len(tiles) == 47


def test_a_load_in_the_same_process_reads_only_the_profiles_that_changed(tmp_path):
    # The devserver loads the site after every save: a profile with the same bytes gives the
    # same Prefecture (and the same problems), an edited one is read again.
    from furusato.errors import ContentError
    from tests.sitebuild import copy_site

    root = copy_site("two_prefectures", tmp_path / "site")
    first = load_site(Options(root=root)).prefectures
    again = load_site(Options(root=root)).prefectures
    assert again["tottori"] is first["tottori"] and again["shimane"] is first["shimane"]
    profile = root / "prefectures/tottori.yaml"
    profile.write_text(profile.read_text("utf-8").replace("Tottori", "Totori", 1), "utf-8")
    edited = load_site(Options(root=root)).prefectures
    assert edited["tottori"] is not first["tottori"]
    assert edited["tottori"].name.en == "Totori"
    assert edited["shimane"] is first["shimane"]
    profile.write_text(profile.read_text("utf-8").replace("code: JP-31", "code: 31", 1), "utf-8")
    for _ in range(2):  # the problems of an unchanged broken profile are said every time
        with pytest.raises(ContentError) as caught:
            load_site(Options(root=root))
        assert [(p.path, p.field) for p in caught.value.problems] == [
            ("prefectures/tottori.yaml", "code")
        ]
