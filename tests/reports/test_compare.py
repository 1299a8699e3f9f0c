"""Comparing two texts of a report (reports/compare.py, reports/_compare.html), one test per rule.

Pure code: no database. The template test needs Django's settings only.
"""

import re
from dataclasses import dataclass

import pytest
from django.template.loader import render_to_string

from govbrief.reports import compare
from govbrief.reports.compare import Op, RowKind, compare_keywords, compare_texts, compare_versions


@dataclass
class Text:
    title: str
    body: str
    keywords: str = ""


def marked(segments, op):
    return [s.text for s in segments if s.op == op]


SIGNED = (
    "县城区集中供暖工作进展顺利。\n"
    "截至11月20日，全县已完成供热管网改造12公里，惠及居民3.5万户。\n"
    "下一步，我县将继续加大投入，确保群众温暖过冬。"
)


def test_unchanged_text_has_no_differences():
    result = compare_texts(SIGNED, SIGNED)
    assert [row.kind for row in result.rows] == [RowKind.EQUAL] * 3
    assert all(s.op == Op.EQUAL for row in result.rows for s in row.left + row.right)
    assert (result.chars_deleted, result.chars_added) == (0, 0)
    assert (result.paragraphs_changed, result.paragraphs_added, result.paragraphs_deleted) == (0, 0, 0)
    assert result.similarity == 1.0 and not result.has_differences and not result.coarse


def test_blank_lines_and_surrounding_spaces_are_not_differences():
    # The document view drops them (ReportVersion.paragraphs); the comparison must not show them.
    padded = "\n\n".join(f"  {p}\r" for p in SIGNED.split("\n")) + "\n\n"
    assert not compare_texts(SIGNED, padded).has_differences


def test_an_edited_paragraph_is_paired_not_replaced():
    edited = SIGNED.replace("已完成", "累计完成")
    result = compare_texts(SIGNED, edited)
    assert [row.kind for row in result.rows] == [RowKind.EQUAL, RowKind.CHANGED, RowKind.EQUAL]
    row = result.rows[1]
    assert (row.left_number, row.right_number) == (2, 2)
    assert (result.paragraphs_changed, result.paragraphs_added, result.paragraphs_deleted) == (1, 0, 0)


def test_a_rewritten_paragraph_is_paired_with_its_counterpart_not_with_its_neighbour():
    old = "今年以来，全市经济运行总体平稳，工业生产稳步回升，消费市场持续回暖。\n全市新开工重点项目42个，完成投资120亿元。"
    new = "全市新开工重点项目42个，完成投资120亿元，同比增长8%。\n今年以来全市经济平稳运行，消费市场回暖。\n二是抓项目。"
    result = compare_texts(old, new)
    changed = [row for row in result.rows if row.kind == RowKind.CHANGED]
    assert [(row.left_number, row.right_number) for row in changed] == [(2, 1)]
    assert changed[0].right_text.endswith("同比增长8%。")


def test_insertions_and_deletions_are_character_level_in_chinese():
    old = "截至11月20日，全县已完成供热管网改造。"
    new = "截至11月20日，全县累计完成供热管网改造工作。"
    (row,) = compare_texts(old, new).rows
    assert marked(row.left, Op.DELETE) == ["已"]
    assert marked(row.right, Op.INSERT) == ["累计", "工作"]
    assert row.left_text == old and row.right_text == new


def test_numbers_are_not_split():
    old = "2025年GDP增长3.5%，完成投资1,200万元。"
    new = "2026年GDP增长3.8%，完成投资1,500万元。"
    (row,) = compare_texts(old, new).rows
    assert marked(row.left, Op.DELETE) == ["2025", "3.5", "1,200"]
    assert marked(row.right, Op.INSERT) == ["2026", "3.8", "1,500"]
    (row,) = compare_texts("1,2月份完成计划", "1,3月份完成计划").rows  # a list of months, not a figure
    assert marked(row.left, Op.DELETE) == ["2"] and marked(row.right, Op.INSERT) == ["3"]
    (row,) = compare_texts("推进GDP核算", "推进GNP核算").rows
    assert marked(row.left, Op.DELETE) == ["GDP"] and marked(row.right, Op.INSERT) == ["GNP"]


def test_common_characters_do_not_chop_a_rewritten_phrase():
    # "了" is the only character the two middles share; marking it unchanged splits one rewrite in two.
    old = "县委常委会议要求，加快推进了各项工作，确保群众温暖过冬。"
    new = "县委常委会议要求，全力抓好了重点任务，确保群众温暖过冬。"
    (row,) = compare_texts(old, new).rows
    assert marked(row.left, Op.DELETE) == ["加快推进了各项工作"]
    assert marked(row.right, Op.INSERT) == ["全力抓好了重点任务"]


def test_a_two_character_word_between_changes_stays_unchanged():
    # Two characters are already a word in Chinese: "万户" must not be folded into the changed figures.
    (row,) = compare_texts("全县惠及居民3.5万户。", "全县惠及居民3.8万户，涉及12个乡镇。").rows
    assert marked(row.left, Op.DELETE) == ["3.5"]
    assert marked(row.right, Op.INSERT) == ["3.8", "，涉及12个乡镇"]


def test_a_deleted_paragraph_is_shown_only_on_the_left():
    old = SIGNED + "\n附：联系人张三，电话12345678。"
    result = compare_texts(old, SIGNED)
    row = result.rows[-1]
    assert row.kind == RowKind.DELETED and row.right == ()
    assert [(s.op, s.text) for s in row.left] == [(Op.DELETE, "附：联系人张三，电话12345678。")]
    assert result.paragraphs_deleted == 1 and result.chars_deleted == len("附：联系人张三，电话12345678。")
    assert result.chars_added == 0


def test_an_added_paragraph_is_shown_only_on_the_right():
    new = SIGNED.replace("下一步", "县政府召开专题会议，部署冬季安全生产工作。\n下一步")
    result = compare_texts(SIGNED, new)
    assert [row.kind for row in result.rows] == [RowKind.EQUAL, RowKind.EQUAL, RowKind.ADDED, RowKind.EQUAL]
    row = result.rows[2]
    assert row.left == () and [s.op for s in row.right] == [Op.INSERT]
    assert row.right_number == 3 and result.paragraphs_added == 1


def test_an_unrelated_paragraph_in_the_same_place_is_deleted_and_added_not_paired():
    # Sharing a word or two ("供暖工作") does not make one paragraph an edit of the other.
    old = "附：供暖工作联系人张三。"
    new = "县政府召开供暖工作专题会议。"
    kinds = [row.kind for row in compare_texts(SIGNED + "\n" + old, SIGNED + "\n" + new).rows]
    assert kinds[-2:] == [RowKind.DELETED, RowKind.ADDED]


def test_segments_give_back_both_texts():
    old = SIGNED + "\n附：联系人张三。"
    new = "乙县" + SIGNED.replace("12公里", "15公里，GDP增长").replace("下一步，", "") + "\n县政府召开专题会议。"
    result = compare_texts(old, new)
    left = [row.left_text for row in result.rows if row.left]
    right = [row.right_text for row in result.rows if row.right]
    assert left == compare.paragraphs(old) and right == compare.paragraphs(new)
    for row in result.rows:
        assert {s.op for s in row.left} <= {Op.EQUAL, Op.DELETE}
        assert {s.op for s in row.right} <= {Op.EQUAL, Op.INSERT}


def test_similarity_of_unrelated_texts_is_low():
    heating = SIGNED
    flood = (
        "为做好今年防汛工作，市里成立了防汛抗旱指挥部。\n"
        "各乡镇组织人员对河道、水库开展拉网式隐患排查，发现并整改问题37处。\n"
        "气象部门加强会商研判，及时发布预警信息。"
    )
    lightly_edited = SIGNED.replace("已完成", "累计完成").replace("继续", "进一步")
    assert compare_texts(heating, flood).similarity < 0.2
    assert compare_texts(heating, lightly_edited).similarity > 0.9
    assert compare_texts("", "").similarity == 1.0 and compare_texts(heating, "").similarity == 0.0


def test_keyword_changes_are_listed():
    result = compare_keywords("供暖 民生，GDP、冬季", "供暖,gdp  安全生产、民生、民生")
    assert result.kept == ("供暖", "gdp", "民生")
    assert result.added == ("安全生产",)
    assert result.removed == ("冬季",)
    assert result.has_differences
    assert not compare_keywords("供暖、民生", "民生 供暖").has_differences


def test_versions_are_compared_by_title_body_and_keywords_whatever_their_relation():
    # Two different units' reports on one event: no derivation, only the three attributes.
    ours = Text("县城区集中供暖工作进展顺利", SIGNED, "供暖 民生")
    theirs = Text("丙县集中供暖工作进展顺利", SIGNED.replace("我县", "丙县"), "供暖")
    result = compare_versions(ours, theirs)
    assert result.title.kind == RowKind.CHANGED
    assert marked(result.title.left, Op.DELETE) == ["城区"] and marked(result.title.right, Op.INSERT) == ["丙"]
    assert result.body.paragraphs_changed == 1 and result.body.similarity > 0.9
    assert result.keywords.removed == ("民生",)
    assert result.chars_deleted == result.title.chars_deleted + result.body.chars_deleted
    assert result.has_differences and not compare_versions(ours, ours).has_differences


def test_a_paragraph_over_the_limit_is_compared_whole(monkeypatch):
    monkeypatch.setattr(compare, "MAX_PARAGRAPH_CHARS", 20)
    long_old = "截至11月20日，全县已完成供热管网改造12公里，惠及居民3.5万户。"
    result = compare_texts(long_old, long_old.replace("已", "累计"))
    (row,) = result.rows
    assert row.kind == RowKind.CHANGED and row.coarse and result.coarse
    assert [s.op for s in row.left] == [Op.DELETE] and [s.op for s in row.right] == [Op.INSERT]


def test_repetitive_paragraphs_are_compared_whole_instead_of_hanging():
    # Unguarded, difflib needs several seconds for this pair of 1,000-character paragraphs.
    (row,) = compare_texts("甲乙" * 500, "乙甲丙" * 333).rows
    assert row.kind == RowKind.CHANGED and row.coarse
    assert [s.op for s in row.left] == [Op.DELETE] and [s.op for s in row.right] == [Op.INSERT]


def test_repetitive_lines_are_compared_by_their_common_ends_instead_of_hanging():
    # Unguarded, difflib needs several seconds to align these 800 lines.
    old = "\n".join(["开头"] + ["甲"] * 800 + ["结尾"])
    new = "\n".join(["开头", "乙"] + ["甲", "乙"] * 400 + ["结尾"])
    result = compare_texts(old, new)
    assert result.coarse
    assert result.rows[0].kind == result.rows[-1].kind == RowKind.EQUAL
    assert {row.kind for row in result.rows[1:-1]} == {RowKind.DELETED, RowKind.ADDED}


def test_a_huge_text_is_compared_by_its_common_ends_only(monkeypatch):
    monkeypatch.setattr(compare, "MAX_PARAGRAPHS", 4)
    old = "甲\n乙\n丙\n丁\n戊"
    new = "甲\n乙\n己\n丁\n戊"
    result = compare_texts(old, new)
    assert [row.kind for row in result.rows] == [RowKind.EQUAL, RowKind.EQUAL, RowKind.DELETED, RowKind.ADDED,
                                                  RowKind.EQUAL, RowKind.EQUAL]
    assert result.coarse


def test_a_long_run_of_edited_paragraphs_is_still_paired(monkeypatch):
    monkeypatch.setattr(compare, "PAIRING_BLOCK", 3)
    paragraphs = [f"第{n}项工作按计划推进，完成了年度目标任务的大部分。" for n in range(10)]
    edited = [p.replace("大部分", "百分之九十") for p in paragraphs]
    result = compare_texts("\n".join(paragraphs), "\n".join(edited))
    assert [row.kind for row in result.rows] == [RowKind.CHANGED] * 10
    assert [(row.left_number, row.right_number) for row in result.rows] == [(n, n) for n in range(1, 11)]


def test_the_fragment_escapes_report_text_and_marks_changes():
    # Hostile markup in every place the fragment prints text: deleted, inserted and unchanged
    # runs of the title and body, whole deleted and added paragraphs, keywords, labels.
    old = Text("<i>县</i>城区供暖<u>进展</u>顺利",
               "<s>截至</s>11月20日，全县已完成<q>改造</q>。\n附：<script>alert(1)</script>",
               "供暖 <em>民生</em> <kbd>热</kbd>")
    new = Text("乙县城区供暖<u>进展</u><b>很</b>顺利",
               "<s>截至</s>11月20日，全县累计完成<q>改造</q>。\n<img src=x onerror=alert(2)>",
               "供暖 <kbd>热</kbd> <sub>冬季</sub>")
    html = render_to_string("reports/_compare.html", {
        "comparison": compare_versions(old, new),
        "left_label": "<small>乙县政府办公室</small> 签发稿 v1",
        "right_label": "<big>甲市</big> 编辑稿 v2",
    })
    for tag in ("i", "u", "b", "s", "q", "script", "img", "em", "kbd", "sub", "small", "big"):
        assert f"<{tag}>" not in html and f"<{tag} " not in html, tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;big&gt;甲市&lt;/big&gt; 编辑稿 v2" in html
    assert '全县<del class="diff-del">已</del>完成' in html
    assert '全县<ins class="diff-ins">累计</ins>完成' in html
    assert re.search(r'<ins class="diff-ins">[^<]*&lt;b&gt;很', html)
    assert '<del class="diff-del">附：&lt;script&gt;alert(1)&lt;/script&gt;</del>' in html
    assert '<del class="diff-del">&lt;i&gt;县&lt;/i&gt;</del>城区供暖' in html
    assert '<ins class="diff-ins">乙县</ins>城区供暖' in html
    assert '<del class="diff-del badge">&lt;em&gt;民生&lt;/em&gt;</del>' in html
    assert '<ins class="diff-ins badge">&lt;sub&gt;冬季&lt;/sub&gt;</ins>' in html
    # deletions only on the left, insertions only on the right
    left_cells = [cell.split("</div>")[0] for cell in html.split('class="compare-cell compare-left')[1:]]
    right_cells = [cell.split("</div>")[0] for cell in html.split('class="compare-cell compare-right')[1:]]
    assert any("<del" in cell for cell in left_cells) and any("<ins" in cell for cell in right_cells)
    assert not any("<ins" in cell for cell in left_cells) and not any("<del" in cell for cell in right_cells)


def test_the_fragment_shows_unchanged_paragraphs_plainly():
    same = Text("县城区供暖进展顺利", "截至11月20日，全县已完成改造。")
    html = render_to_string("reports/_compare.html", {
        "comparison": compare_versions(same, same), "left_label": "v1", "right_label": "v2",
    })
    assert "<del" not in html and "<ins" not in html
    assert html.count("<p>截至11月20日，全县已完成改造。</p>") == 2
    assert 'class="compare-summary"' in html


@pytest.mark.parametrize("body", ["", "\n\n"])
def test_an_empty_body_is_compared_without_error(body):
    result = compare_texts(body, SIGNED)
    assert result.paragraphs_added == 3 and result.similarity == 0.0
