from sim.runner import run


def test_historical_runs_to_the_end(historical):
    result = run(historical.variant("historical"), seed=1)
    assert len(result.series) == historical.variant(None).calendar.n_weeks
    assert result.metrics["wg_first_meeting_week"] > result.metrics["wg_created_week"] > 0
