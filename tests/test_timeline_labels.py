"""The timeline's documented-episode labels: level, apart and inside the axes."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.text import Text

from sim.analysis.plots import DOCUMENTED, episode_labels


def test_episode_labels_do_not_overlap_and_stay_inside_the_axes() -> None:
    fig, ax = plt.subplots(figsize=(12, 4))
    ax.set_xlim(pd.Timestamp("2018-06-11"), pd.Timestamp("2021-12-27"))
    ax.set_ylim(-0.7, 3.2)
    episode_labels(fig, ax, 0)
    fig.canvas.draw()
    # the text alone (an annotation's own extent includes its leader line)
    boxes = [Text.get_window_extent(t) for t in ax.texts]
    assert sorted(t.get_text() for t in ax.texts) == sorted(label for _, label in DOCUMENTED)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    area = ax.get_window_extent()
    assert all(area.x0 <= box.x0 and box.x1 <= area.x1 for box in boxes)
    # the WG's agreement and first meeting, three weeks apart, sit on different tiers
    y = {t.get_text(): box.y0 for t, box in zip(ax.texts, boxes, strict=True)}
    assert y["WG agreed"] != y["first WG meeting (T2)"]
    plt.close(fig)
