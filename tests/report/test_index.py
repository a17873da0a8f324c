"""outputs/index.html: every unit-year with links, escaped data, self-contained, trend charts."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from urllib.parse import unquote

from bs4 import BeautifulSoup

from evaltools.report.index import collect, write_index
from evaltools.run.batch import BatchResult

EVIL = '<script>alert("x")</script>局&'


def _report(
    out: Path,
    folder: str | None,
    year: int,
    unit: str,
    score: float,
    grade: str,
    *,
    synthetic=False,
    files=("report.html", "report.pdf", "自评表.xlsx"),
) -> Path:
    target = out / folder / str(year) if folder else out / str(year)
    target.mkdir(parents=True)
    summary = {
        "year": year,
        "unit": unit,
        "rules": "qiaoxi2022",
        "synthetic": synthetic,
        "overall": {"score": score, "computed_score": score - 1, "grade": grade},
        "rates": {"department_execution": 0.9 + year % 10 / 100},
        "findings": [
            {"code": "X", "severity": "error", "subject": "s", "message": "m"},
            {"code": "Y", "severity": "warning", "subject": "s", "message": "m"},
        ],
    }
    (target / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    for name in files:
        (target / name).write_bytes(b"x")
    return target


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_escapes_unit_names_and_is_self_contained(tmp_path, embedded_font_gaps, external_references):
    out = tmp_path / "outputs"
    _report(out, "evil", 2021, EVIL, 80, "良好")
    _report(out, "evil", 2022, EVIL, 90.5, "优秀")
    _report(out, "A B%", 2022, "甲单位（合成数据）", 70, "一般", synthetic=True)
    _report(out, None, 2022, "石家庄市桥西区就业服务中心", 87, "良好")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = write_index(out)
    assert not [w for w in caught if "missing from font" in str(w.message)]  # Chinese renders in the chart
    assert path == out / "index.html"
    html = path.read_text(encoding="utf-8")
    soup = _soup(path)
    assert soup.find("script") is None and soup.find("link") is None and soup.find("iframe") is None
    assert soup.html["lang"] == "zh-CN"
    assert EVIL in soup.get_text()  # shown as text …
    assert "<script>" not in html and "&lt;script&gt;" in html  # … never as markup
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html) and external_references(html) == []
    tables = soup.find_all("table")
    assert len(tables) == 3  # one per unit: the root unit, "A B%", "evil"
    assert all(t.parent.get("class") == ["table-box"] for t in tables)  # scrolls on a phone
    assert "仅有一年" not in soup.get_text()  # a unit with one year simply has no trend chart
    size, missing = embedded_font_gaps(html)  # Chinese shows without a system CJK font
    assert missing == "" and size < 100_000
    imgs = soup.find_all("img")
    assert len(imgs) == 1 and imgs[0]["src"].startswith("data:image/png;base64,")  # only 'evil' has two years
    assert EVIL in imgs[0]["alt"]
    hrefs = [a["href"] for a in soup.find_all("a") if not a["href"].startswith("#")]
    assert "A%20B%25/2022/report.html" in hrefs
    assert "2022/%E8%87%AA%E8%AF%84%E8%A1%A8.xlsx" in hrefs  # 自评表.xlsx, percent-encoded
    for href in hrefs:
        assert (out / unquote(href)).is_file(), href
    assert len(hrefs) == 4 * 4
    text = soup.get_text(" ", strip=True)
    assert "合成数据" in text and "甲单位（合成数据）" in text
    for anchor in soup.select('a[href^="#"]'):
        assert soup.find(id=anchor["href"][1:]) is not None


def test_lists_earlier_runs_and_this_batchs_failures(tmp_path):
    out = tmp_path / "outputs"
    _report(out, "u1", 2020, "单位一", 85, "良好")
    failed_dir = out / "u1" / "2021"
    failed_dir.mkdir(parents=True)
    (failed_dir / "report.failed.ipynb").write_text("{}", encoding="utf-8")
    results = [
        BatchResult(
            2021,
            "u1",
            False,
            error="报告第 3 个单元格出错 / cell 3 failed: KeyError: 'x'\nmore",
            exit_code=1,
            output_dir=str(failed_dir),
        ),
        BatchResult(2019, "u2", False, error="没有找到 2019 年的数据 / no data for 2019", exit_code=2),
        BatchResult(
            2022,
            "u3",
            False,
            error=f"输入数据有 1 处错误\n  - [error] {tmp_path / 'data' / 'u3' / '2022' / 'projects.csv'}, row 3",
            exit_code=2,
        ),
    ]
    path = write_index(results, out, data_dir=tmp_path / "data")
    soup = _soup(path)
    text = soup.get_text(" ", strip=True)
    assert "单位一" in text and "85" in text
    assert "cell 3 failed: KeyError" in text and "no data for 2019" in text
    assert len(soup.select("tr.failed")) == 3
    assert "u1/2021/report.failed.ipynb" in [a["href"] for a in soup.find_all("a")]
    assert len(soup.select("details pre")) == 2  # the full message of a multi-line error
    assert "[error] u3/2022/projects.csv, row 3" in text  # named relative to the data folder …
    assert str(tmp_path) not in path.read_text(encoding="utf-8")  # … never by a local absolute path


def test_skips_staging_and_unreadable_summaries(tmp_path):
    out = tmp_path / "outputs"
    _report(out, None, 2022, "单位", 87, "良好")
    stage = out / ".tmp-run-1-abc" / "2022"
    stage.mkdir(parents=True)
    (stage / "summary.json").write_text("{}", encoding="utf-8")
    bad = out / "2023"
    bad.mkdir()
    (bad / "summary.json").write_text("{not json", encoding="utf-8")
    entries = collect(out)
    assert set(entries) == {(None, 2022), (None, 2023)}
    assert entries[(None, 2023)].problem and entries[(None, 2022)].score == 87
    assert "无法读取" in _soup(write_index(out)).get_text()


def test_empty_output_folder(tmp_path):
    path = write_index(tmp_path)
    assert "还没有报告" in path.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".tmp-*"))  # written atomically, nothing left behind
