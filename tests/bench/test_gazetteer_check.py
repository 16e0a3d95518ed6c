"""bench/gazetteer_check.py: names matched across transliterations, and a disagreement with a REIGN-shaped
leader list found, explained or not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.gazetteer_check import main, same_person

ELECTIONS = "ccode,electionnumber,country,elec_year\n640,1,Turkey,2018\n651,1,Egypt,2018\n"
HEADER = "stateabb,ccode,leadid,leader,sdate,smonth,syear,emonth,eyear\n"


def _reign(tmp_path: Path, rows: str) -> Path:
    data = tmp_path / "reign" / "data_sets"
    data.mkdir(parents=True)
    (data / "electionlist_3_21.csv").write_text(ELECTIONS, encoding="utf-8")
    (data / "leaderlist_3_21.csv").write_text(HEADER + rows, encoding="utf-8")
    return tmp_path / "reign"


def test_names_match_across_transliterations() -> None:
    assert same_person("Erdogan", ["Recep Tayyip Erdoğan"])
    assert same_person("Al-Sisi", ["Abdel Fattah el-Sisi"])
    assert same_person("Muhammad VI", ["Mohammed VI"])
    assert not same_person("Yildirim", ["Recep Tayyip Erdoğan", "Erdogan"])


def test_a_disagreement_is_reported_and_an_explanation_silences_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reign = _reign(tmp_path, "TUR,640,x,Erdogan,28,8,2014,,\nEGY,651,y,Morsi,1,1,2015,,\n")
    none = tmp_path / "none.yaml"
    none.write_text("explained: []\n", encoding="utf-8")
    assert main(["--reign", str(reign), "--explained", str(none)]) == 1
    out = capsys.readouterr().out
    assert "UNEXPLAINED EGY 2015-01.." in out and "REIGN: Morsi" in out
    assert "unexplained: " in out and "UNEXPLAINED TUR" not in out
    why = tmp_path / "why.yaml"
    why.write_text(
        "explained:\n- {country: EGY, reign: Morsi, from: 2015-01, to: 2015-01, why: test}\n"
        "missing:\n- {country: EGY, reign: Morsi, why: test}\n",
        encoding="utf-8",
    )
    assert main(["--reign", str(reign), "--explained", str(why)]) == 0
    assert "unexplained: 0 (0.00%)" in capsys.readouterr().out
