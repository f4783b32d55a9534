"""The sidebar's input components: a slider with its name, value and unit; the stored runs."""

from __future__ import annotations

from html import escape
from typing import Any

import reacton.ipyvuetify as rv
import solara

from sim.page.model import NO_REPLAY


@solara.component
def SliderRow(spec: Any, value: float, on_value: Any) -> None:
    """One slider: its name and value above an equal-width track, named for screen readers.

    The name opens a sentence on what it means and the slider's range.
    """
    with solara.Column(gap="0px", classes=["wgsim-slider"]):
        # a disclosure, not a hover title: a click, a tap, or Tab and Enter opens it
        solara.HTML(
            tag="details",
            unsafe_innerHTML=f"<summary>{escape(spec.label)}: <b>{escape(spec.shown(value))}</b>"
            f"</summary><p>{escape(spec.tooltip)}</p>",
            classes=["wgsim-label"],
        )
        if spec.integer:
            solara.SliderInt(
                spec.label,  # the slider's accessible name (the visible one is above)
                value=int(value),
                min=int(spec.min),
                max=int(spec.max),
                step=1,
                on_value=on_value,
                thumb_label=False,
            )
        else:
            solara.SliderFloat(
                spec.label,
                value=value,
                min=spec.min,
                max=spec.max,
                step=spec.step,
                on_value=on_value,
                thumb_label=False,
            )


@solara.component
def StoredRunPicker(names: list[str], value: str, on_value: Any) -> None:
    """The stored runs as a searchable list, with the chosen run's full name.

    Every run can be found by typing a part of its name, however many there are; a long
    name is cut to the box's fixed width, and the chosen run's full name is shown below it
    and as the box's tooltip.
    """
    chosen = value if value in names else (names[0] if names else "")

    def pick(name: str | None) -> None:
        if name:  # clearing the box keeps the run chosen before
            on_value(name)

    with solara.Div(classes=["wgsim-replay"], attributes={"title": chosen}):
        rv.Autocomplete(
            label="stored run",
            items=names,
            v_model=chosen or None,
            on_v_model=pick,
            no_data_text="no stored run matches (or none found)",
            placeholder="type a part of its name",
            menu_props={"maxWidth": 284, "maxHeight": 360},
            hide_details=True,
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=escape(chosen or NO_REPLAY),
            classes=["wgsim-replay-name"],
        )
