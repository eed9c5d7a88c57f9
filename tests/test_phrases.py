"""Japanese text is broken into phrases with <wbr>, escaped; other text is only escaped."""

from __future__ import annotations

from markupsafe import Markup

from furusato.phrases import break_phrases


def test_japanese_phrases_are_joined_with_wbr():
    out = break_phrases("鳥取県は日本海に面しています")
    assert isinstance(out, Markup)
    assert str(out) == "鳥取県は<wbr>日本海に<wbr>面しています"


def test_the_phrases_put_back_together_are_the_text():
    text = "福岡市は九州最大の都市で、博多ラーメンや屋台で知られています。"
    out = str(break_phrases(text))
    assert out.count("<wbr>") >= 5
    assert out.replace("<wbr>", "") == text


def test_markup_in_the_text_is_escaped_not_kept():
    out = str(break_phrases('鳥取の<script>alert("x")</script>砂丘 & 梨'))
    assert "<script>" not in out and "<wbr>" in out
    assert out.replace("<wbr>", "") == (
        "鳥取の&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;砂丘 &amp; 梨"
    )
    assert out.count("<") == out.count("<wbr>")  # the only markup is <wbr>


def test_text_without_japanese_is_only_escaped():
    assert break_phrases("Tottori & Shimane <b>") == Markup("Tottori &amp; Shimane &lt;b&gt;")
    assert break_phrases("") == Markup("")


def test_markup_passed_in_is_read_as_its_text_and_not_escaped_twice():
    assert str(break_phrases(Markup("Tottori &amp; Shimane"))) == "Tottori &amp; Shimane"
    out = str(break_phrases(Markup("鳥取&amp;島根の砂丘と&lt;梨&gt;です")))
    assert out.replace("<wbr>", "") == "鳥取&amp;島根の砂丘と&lt;梨&gt;です"
    assert "<wbr>" in out
