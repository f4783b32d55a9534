from sim.studies.comparison.report import OUTCOMES
from sim.studies.comparison.run import run_compare


def test_comparison_report_has_tables_and_figures(historical, tmp_path):
    out = tmp_path / "cmp"
    result = run_compare(historical.path, replications=4, out=out, workers=1, seed=3)
    text = result.report.read_text()
    assert "| outcome | unit | historical | no-group |" in text
    assert "no-group - historical" in text
    for _, label, _ in OUTCOMES:
        assert label in text
    for fig in ("survival.png", "fan.png", "timeline_historical.png", "timeline_no-group.png"):
        assert (out / fig).stat().st_size > 10_000
        assert f"]({fig})" in text
