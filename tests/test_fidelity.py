"""What a reader sees is what is read: placeholders and collectives, shared leads, headings in
paragraph documents, hidden text, HTML's implied end tags, folded names, control characters,
CSV delimiters, declared charsets, content controls, layout tables, .docm, and legacy Word
documents LibreOffice cannot read back as tables. Every document is built in the test.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from formats_build import convert

import taskstats

HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
# A provincial table in the style of the seeds: 无 supports, a shared lead, geographic
# collectives, sections as merged rows.
PROVINCE = [
    ("一、推动制造业高质量发展", None),
    ("1", ("实施先进制造业集群培育工程，新培育省级集群3个", "省经信厅", "省科技厅、省财政厅")),
    ("2", ("推进制造业数字化转型，新建智能工厂50家", "省经信厅、省科技厅按职责分工负责", "无")),
    ("二、扩大有效投资", None),
    ("3", ("滚动实施省重点建设项目，完成投资5000亿元", "省发展改革委", "各区、县级市")),
    ("4", ("稳住外贸外资基本盘", "省商务厅", "—")),
    ("5", ("推进职业教育与产业人才需求对接", "省教育厅、省人社厅分别负责", "暂无")),
    ("6", ("实施城市更新行动，改造老旧小区300个", "省住建厅", "省自然资源厅、各有关单位")),
]


def _read(path: Path, **kwargs) -> taskstats.TaskTables:
    return taskstats.read_table(path, district="x", **kwargs)


def _province_docx(path: Path, hide: bool = False) -> docx.Document:
    document = docx.Document()
    document.add_paragraph("附件1")
    document.add_paragraph("2024年省政府工作报告重点任务分解表")
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, word in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = word
    for number, task in PROVINCE:
        cells = table.add_row().cells
        if task is None:
            cells[0].merge(cells[-1]).text = number
            continue
        cells[0].text = number
        for cell, value in zip(cells[1:], (*task, "2024年12月底"), strict=True):
            cell.text = value
        if hide and number == "1":
            run = cells[2].paragraphs[0].add_run("、省审计厅")
            run.font.hidden = True
    document.save(path)
    return document


def _leads(tables: taskstats.TaskTables) -> dict[str, list[str]]:
    u = tables.task_units
    lead = u[u["role"] == "lead"]
    return {t: sorted(g["unit"]) for t, g in lead.groupby("task_id")}


def _kinds(tables: taskstats.TaskTables) -> dict[str, int]:
    return tables.quality["kind"].value_counts().to_dict()


def _check_province(tables: taskstats.TaskTables) -> None:
    u = tables.task_units
    assert len(tables.tasks) == 6
    assert (
        tables.tasks["section"].tolist()
        == ["一、推动制造业高质量发展"] * 2 + ["二、扩大有效投资"] * 4
    )
    named = sorted(set(u.loc[~u["collective"], "unit"]))
    assert named == [
        "省人社厅",
        "省住建厅",
        "省发展改革委",
        "省商务厅",
        "省教育厅",
        "省科技厅",
        "省经信厅",
        "省自然资源厅",
        "省财政厅",
    ]
    assert sorted(u.loc[u["collective"], "unit"]) == ["县级市", "各区", "各有关单位"]
    assert "无" not in set(u["unit"])
    assert _leads(tables) == {
        "1": ["省经信厅"],
        "2": ["省科技厅", "省经信厅"],
        "3": ["省发展改革委"],
        "4": ["省商务厅"],
        "5": ["省人社厅", "省教育厅"],
        "6": ["省住建厅"],
    }
    assert (u["role"] == "support").sum() == 6
    assert "missing_unit" not in _kinds(tables)


def test_province_word_table(tmp_path):
    _province_docx(tmp_path / "province.docx")
    tables = _read(tmp_path / "province.docx")
    _check_province(tables)
    assert _kinds(tables) == {"no_leader_column": 1}


def test_hidden_word_text_is_not_read(tmp_path):
    _province_docx(tmp_path / "hidden.docx", hide=True)
    tables = _read(tmp_path / "hidden.docx")
    _check_province(tables)
    hidden = tables.quality[tables.quality["kind"] == "hidden_text"]
    assert hidden["message"].tolist() == ["1 run(s) of hidden text (Word's hidden font) left out"]


def test_table_in_a_content_control_and_in_a_layout_table(tmp_path):
    document = _province_docx(tmp_path / "a.docx")
    tbl = document.tables[0]._tbl
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    tbl.addprevious(sdt)
    sdt.append(content)
    content.append(tbl)
    document.save(tmp_path / "sdt.docx")
    _check_province(_read(tmp_path / "sdt.docx"))

    document = _province_docx(tmp_path / "b.docx")
    tbl = document.tables[0]._tbl
    outer = document.add_table(rows=1, cols=1)
    outer.rows[0].cells[0]._tc.insert(1, tbl)
    document.save(tmp_path / "layout.docx")
    _check_province(_read(tmp_path / "layout.docx"))


def test_docm_is_read_and_its_macros_left_alone(tmp_path):
    _province_docx(tmp_path / "p.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(tmp_path / "p.docx") as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"wordprocessingml.document.main+xml",
                    b"wordprocessingml.document.main+xml_",
                ).replace(
                    b"application/vnd.openxmlformats-officedocument."
                    b"wordprocessingml.document.main+xml_",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            dst.writestr(info, body)
        dst.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run")
    (tmp_path / "p.docm").write_bytes(out.getvalue())
    _check_province(_read(tmp_path / "p.docm"))


# A city document of numbered paragraphs with 一、 and （一） headings; the first subheading is
# a long sentence, kept whole.
LONG_SUBHEADING = (
    "（一）实施顶尖人才集聚行动，围绕全市主导产业发展需求，面向海内外精准引进一批战略科学家"
    "和科技领军人才"
)
CITY = [
    "XX市人才发展实施方案",
    "一、总体目标",
    "1.到2025年，全市新引进高层次人才500名。（牵头单位：市委人才办，配合单位：无）",
    "二、实施六大人才行动计划",
    LONG_SUBHEADING,
    "2.设立顶尖人才专项资金，每年安排2亿元。（牵头单位：市科技局、市财政局按职责分工负责，"
    "配合单位：各区、县级市）",
    "3.建设国际人才社区3个。（牵头单位：市人社局，配合单位：市住建局）",
    "（二）实施青年人才集聚行动",
    "4.每年吸引高校毕业生来市就业创业5万人。（牵头单位：市人社局，配合单位：—）",
    "三、强化保障措施",
    "5.完善人才服务保障体系。（牵头单位：市委人才办，配合单位：市住建局、市卫健委）",
]


def _check_city(tables: taskstats.TaskTables) -> None:
    t = tables.tasks
    assert t["task_id"].tolist() == ["1", "2", "3", "4", "5"]
    assert t["section"].tolist() == [
        "一、总体目标",
        "二、实施六大人才行动计划",
        "二、实施六大人才行动计划",
        "二、实施六大人才行动计划",
        "三、强化保障措施",
    ]
    assert t["subsection"].tolist() == [
        "",
        LONG_SUBHEADING,
        LONG_SUBHEADING,
        "（二）实施青年人才集聚行动",
        "",
    ]
    u = tables.task_units
    assert _leads(tables) == {
        "1": ["市委人才办"],
        "2": ["市科技局", "市财政局"],
        "3": ["市人社局"],
        "4": ["市人社局"],
        "5": ["市委人才办"],
    }
    assert sorted(set(u.loc[~u["collective"], "unit"])) == [
        "市人社局",
        "市住建局",
        "市卫健委",
        "市委人才办",
        "市科技局",
        "市财政局",
    ]
    assert sorted(u.loc[u["collective"], "unit"]) == ["县级市", "各区"]
    assert "missing_units" not in _kinds(tables)


def test_city_paragraph_document_as_doc(tmp_path):
    document = docx.Document()
    for line in CITY:
        document.add_paragraph(line)
    document.save(tmp_path / "city.docx")
    _check_city(_read(tmp_path / "city.docx"))
    legacy = convert(tmp_path / "city.docx", "doc")
    _check_city(_read(legacy))


def test_heading_ends_an_item_that_named_no_units(tmp_path):
    text = "\n".join(
        [
            "一、总体目标",
            "1.全年引进人才500名（牵头单位：市委人才办）",
            "2.人才总量达到10万人",
            "二、行动计划",
            "3.设立专项资金（牵头单位：市财政局）",
        ]
    )
    (tmp_path / "items.txt").write_text(text, encoding="utf-8")
    tables = _read(tmp_path / "items.txt")
    assert tables.tasks["section"].tolist() == ["一、总体目标", "一、总体目标", "二、行动计划"]
    assert tables.tasks["text"].tolist()[1] == "人才总量达到10万人"
    assert _kinds(tables)["missing_units"] == 1


def test_doc_libreoffice_reads_back_as_paragraphs(tmp_path):
    """A python-docx table inside a 1×1 layout table, saved as .doc by LibreOffice, comes back
    from LibreOffice as paragraphs; the Word binary's own table marks give the table."""
    document = _province_docx(tmp_path / "a.docx")
    tbl = document.tables[0]._tbl
    outer = document.add_table(rows=1, cols=1)
    outer.rows[0].cells[0]._tc.insert(1, tbl)
    document.save(tmp_path / "layout.docx")
    want = _read(tmp_path / "layout.docx")
    legacy = convert(tmp_path / "layout.docx", "doc")
    got = _read(legacy)
    _check_province(got)
    for name in ("tasks", "task_units"):
        a = getattr(got, name).drop(columns=["raw_file", "raw_line"], errors="ignore")
        b = getattr(want, name).drop(columns=["raw_file", "raw_line"], errors="ignore")
        assert a.equals(b), name
    assert _kinds(got) == {"no_leader_column": 1, "legacy_word_stream": 1}


# --- web pages -------------------------------------------------------------------------------


def _page(rows: list[str], charset: str = "utf-8") -> str:
    body = "".join(rows)
    return (
        f'<html><head><meta charset="{charset}"></head><body><table>'
        f"<tr><td>序号<td>重点任务<td>牵头单位<td>配合单位</tr>{body}</table></body></html>"
    )


def test_html_implied_end_tags_close_cells_and_rows(tmp_path):
    rows = [
        "<tr><td>1<td>新建智能工厂50家<td>省经信厅<td>无",
        "<tr><td>2<td>新培育省级集群3个<td>省科技厅<td>省财政厅",
    ]
    (tmp_path / "page.html").write_text(_page(rows), encoding="utf-8")
    tables = _read(tmp_path / "page.html")
    assert tables.tasks["text"].tolist() == ["新建智能工厂50家", "新培育省级集群3个"]
    assert _leads(tables) == {"1": ["省经信厅"], "2": ["省科技厅"]}
    assert tables.task_units["unit"].tolist() == ["省经信厅", "省科技厅", "省财政厅"]
    assert _kinds(tables) == {"no_leader_column": 1}


def test_html_hidden_text_is_not_read(tmp_path):
    rows = [
        '<tr><td>1</td><td>新建智能工厂50家</td><td>省经信厅<span style="display: none">'
        "、省审计厅</span></td><td>无</td></tr>",
        "<tr hidden><td>9</td><td>隐藏任务</td><td>省审计厅</td><td></td></tr>",
        "<tr><td>2</td><td>新培育省级集群3个<b hidden>（内部）</b></td><td>省科技厅</td>"
        "<td>省财政厅</td></tr>",
    ]
    (tmp_path / "page.html").write_text(_page(rows), encoding="utf-8")
    tables = _read(tmp_path / "page.html")
    assert tables.tasks["task_id"].tolist() == ["1", "2"]
    assert tables.tasks["text"].tolist() == ["新建智能工厂50家", "新培育省级集群3个"]
    assert tables.task_units["unit"].tolist() == ["省经信厅", "省科技厅", "省财政厅"]
    hidden = tables.quality[tables.quality["kind"] == "hidden_text"]
    assert hidden["message"].tolist() == [
        "3 hidden element(s) of text (display:none, hidden) left out"
    ]


def test_utf8_page_declaring_gb2312_is_read_as_utf8(tmp_path):
    rows = ["<tr><td>1</td><td>新建智能工厂50家</td><td>省经信厅</td><td>省财政厅</td></tr>"]
    (tmp_path / "page.html").write_text(_page(rows, "gb2312"), encoding="utf-8")
    tables = _read(tmp_path / "page.html")
    assert tables.tasks["text"].tolist() == ["新建智能工厂50家"]
    assert tables.task_units["unit"].tolist() == ["省经信厅", "省财政厅"]
    said = tables.quality[tables.quality["kind"] == "charset_fallback"]
    assert len(said) == 1
    assert "declares gb2312" in said["message"].iloc[0]


def test_gb18030_page_keeps_its_declared_charset(tmp_path):
    rows = ["<tr><td>1</td><td>新建智能工厂50家</td><td>省经信厅</td><td>省财政厅</td></tr>"]
    (tmp_path / "page.html").write_bytes(_page(rows, "gb2312").encode("gb18030"))
    tables = _read(tmp_path / "page.html")
    assert tables.task_units["unit"].tolist() == ["省经信厅", "省财政厅"]
    assert "charset_fallback" not in _kinds(tables)


# --- names, control characters, CSV ----------------------------------------------------------


def test_names_folded_and_reported_once(tmp_path):
    rows = [
        "序号\t重点任务\t牵头单位\t分管领导",
        "1\t任务一\t区\u200b发改局\t张\u200b三",
        "2\t任务二\t區發改局\t张三",
        "3\t任务三\t区发\u00ad改局\t李\ufe0f四",
        "4\t任务四\t区\u202e局改发\t李四",
    ]
    (tmp_path / "t.txt").write_text("\n".join(rows), encoding="utf-8")
    tables = _read(tmp_path / "t.txt")
    assert sorted(set(tables.task_units["unit"])) == ["区发改局", "区局改发"]
    assert sorted(set(tables.task_leaders["leader"])) == ["张三", "李四"]
    kinds = _kinds(tables)
    assert kinds["folded_invisible"] == 1
    assert kinds["folded_traditional"] == 1
    assert kinds["direction_override"] == 1
    message = tables.quality.loc[tables.quality["kind"] == "folded_invisible", "message"]
    assert message.iloc[0].startswith("5 unit or leader name(s) held invisible characters")


def test_control_characters_are_removed_on_read(tmp_path):
    rows = [
        "序号,重点任务,牵头单位",
        "1,新建\x0c智能工厂50家\x07,区发改局\x1b",
        "2,新培育集群\x85,区科技局",
    ]
    (tmp_path / "t.csv").write_text("\n".join(rows), encoding="utf-8")
    tables = _read(tmp_path / "t.csv")
    assert tables.tasks["text"].tolist() == ["新建智能工厂50家", "新培育集群"]
    assert tables.task_units["unit"].tolist() == ["区发改局", "区科技局"]
    out = tmp_path / "out.xlsx"
    tables.tasks.to_excel(out, engine="openpyxl")  # openpyxl refuses control characters
    assert out.stat().st_size > 0


def test_csv_delimiter_is_the_one_that_yields_a_header(tmp_path):
    rows = [
        "序号,重点任务,牵头单位,配合单位",
        '1,"推进数字化转型，建设智能工厂，培育专精特新企业，打造产业集群",区工信局,"区科技局，区财政局"',
        '2,"优化营商环境，深化放管服改革，提升政务服务，降低企业成本",区政务办,无',
    ]
    (tmp_path / "t.csv").write_text("\n".join(rows), encoding="utf-8")
    tables = _read(tmp_path / "t.csv")
    assert len(tables.tasks) == 2
    assert _leads(tables) == {"1": ["区工信局"], "2": ["区政务办"]}
    assert tables.task_units["unit"].tolist() == ["区工信局", "区科技局", "区财政局", "区政务办"]


@pytest.mark.parametrize(
    ("lead", "expected"),
    [("区教育局配合", ["区教育局"]), ("区教育局、区卫健局协助", ["区卫健局", "区教育局"])],
)
def test_lead_column_never_yields_zero_leads(tmp_path, lead, expected):
    rows = ["序号\t重点任务\t牵头单位\t配合单位", f"1\t任务一\t{lead}\t区财政局"]
    (tmp_path / "t.txt").write_text("\n".join(rows), encoding="utf-8")
    tables = _read(tmp_path / "t.txt")
    assert _leads(tables) == {"1": expected}
    assert _kinds(tables) == {"lead_from_column": 1, "no_leader_column": 1}


def test_word_stream_gives_the_rows_python_docx_gives(tmp_path):
    """The legacy reader on its own: cells, paragraphs within a cell, a leader merged down over
    two tasks, a section row merged across, and the text around the table."""
    from taskstats.io.docx import read_docx
    from taskstats.io.msdoc import read_msdoc

    document = docx.Document()
    document.add_paragraph("附件1")
    table = document.add_table(rows=1, cols=4)
    header = ["序号", "重点任务", "牵头单位", "分管领导"]
    for cell, word in zip(table.rows[0].cells, header, strict=True):
        cell.text = word
    section = table.add_row().cells
    section[0].merge(section[-1]).text = "一、产业发展"
    for number, text, unit in [("1", "任务一\n第二段", "区发改局"), ("2", "任务二", "区科技局")]:
        cells = table.add_row().cells
        for cell, value in zip(cells[:3], (number, text, unit), strict=True):
            cell.text = value
    table.rows[2].cells[3].merge(table.rows[3].cells[3]).text = "张三"
    document.add_paragraph("附件2")
    document.save(tmp_path / "t.docx")
    legacy = convert(tmp_path / "t.docx", "doc")
    sheets, text = read_msdoc(legacy, legacy.read_bytes())
    want, want_text = read_docx(tmp_path / "t.docx", (tmp_path / "t.docx").read_bytes())
    assert [r.cells for r in sheets[0].rows] == [
        ["序号", "重点任务", "牵头单位", "分管领导"],
        ["一、产业发展"],
        ["1", "任务一\n第二段", "区发改局", "张三"],
        ["2", "任务二", "区科技局", "张三"],
    ]
    assert [r.cells for r in want[0].rows][2:] == [r.cells for r in sheets[0].rows][2:]
    assert text == want_text == "附件1\n附件2"


def test_word_stream_leaves_hidden_text_out(tmp_path):
    from taskstats.io.msdoc import read_msdoc

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, word in zip(table.rows[0].cells, ["序号", "重点任务", "牵头单位"], strict=True):
        cell.text = word
    cells = table.rows[1].cells
    cells[0].text, cells[1].text, cells[2].text = "1", "任务一", "省经信厅"
    cells[2].paragraphs[0].add_run("、省审计厅").font.hidden = True
    document.save(tmp_path / "h.docx")
    legacy = convert(tmp_path / "h.docx", "doc")
    notes: list[str] = []
    sheets, _ = read_msdoc(legacy, legacy.read_bytes(), notes)
    assert [r.cells for r in sheets[0].rows] == [
        ["序号", "重点任务", "牵头单位"],
        ["1", "任务一", "省经信厅"],
    ]
    assert notes == ["5 character(s) of hidden text (Word's hidden font) left out"]


NEW_KINDS = [
    "lead_from_column",
    "folded_invisible",
    "folded_traditional",
    "direction_override",
    "hidden_text",
    "charset_fallback",
    "legacy_word_stream",
]


def test_new_anomaly_kinds_are_worded_in_both_languages():
    import pandas as pd

    from taskstats.report.wording import label_values

    frame = pd.DataFrame({"kind": NEW_KINDS})
    zh = label_values(frame, "zh")["kind"].tolist()
    en = label_values(frame, "en")["kind"].tolist()
    assert zh[:2] == ["牵头单位按所在列认定", "名称含不可见字符（已去除）"]
    assert en[-1] == "legacy Word read from its text stream"
    assert not set(zh) & set(NEW_KINDS) and not set(en) & set(NEW_KINDS)
