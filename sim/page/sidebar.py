"""The sidebar: scenario and its description, mode, seed or stored run, presets, sliders."""

from __future__ import annotations

from html import escape

import solara

from sim.page.controls import GROUPS, PRESETS, Choices, describe, parse_seed
from sim.page.inputs import SliderRow, StoredRunPicker
from sim.page.model import MODES, StoredRun
from sim.page.settings import Settings, specs_for


@solara.component
def Controls(
    choices: Choices,
    runs: dict[str, StoredRun],
    current: solara.Reactive[Settings],
    seed_text: solara.Reactive[str],
) -> None:
    """The sidebar: scenario, mode, seed or stored run, presets and grouped sliders."""
    s = current.value
    specs = specs_for(choices, s.choice)
    replay = MODES[s.mode] == "replay"

    def pick(choice: str) -> None:  # load the chosen variant's own values into the sliders
        own = {sp.path: sp.value for sp in specs_for(choices, choice)}
        current.set(Settings(choice, s.mode, s.seed, own, s.replay))

    own = {sp.path: sp for sp in specs}

    def move(path: str, value: float) -> None:
        spec = own[path]
        if abs(value - spec.value) <= spec.step / 2:  # the slider rounds to its step
            value = spec.value
        if value != s.values.get(path):
            current.set(Settings(s.choice, s.mode, s.seed, {**s.values, path: value}, s.replay))

    def preset(values: dict[str, float]) -> None:
        own = {sp.path: sp.value for sp in specs}
        current.set(Settings(s.choice, s.mode, s.seed, {**own, **values}, s.replay))

    solara.Select("scenario / variant", values=list(choices.entries), value=s.choice, on_value=pick)
    about = describe(*choices.entries[s.choice])
    if about:  # the file's own words, as text
        solara.HTML(tag="p", unsafe_innerHTML=escape(about), classes=["wgsim-variant-about"])
    if choices.skipped:
        solara.Warning("Skipped (cannot be loaded): " + "; ".join(choices.skipped))
    solara.Select(
        "mode",
        values=list(MODES),
        value=s.mode,
        on_value=lambda m: current.set(Settings(s.choice, m, s.seed, s.values, s.replay)),
    )
    if replay:
        StoredRunPicker(
            list(runs),
            s.replay,
            lambda r: current.set(Settings(s.choice, s.mode, s.seed, s.values, r)),
        )
        solara.Markdown(
            "A replay shows the stored run as it was: the seed and sliders do not apply.",
            style={"font-size": "13px"},
        )
        return
    _, problem = parse_seed(seed_text.value)
    solara.InputText(
        "seed (a whole number)",
        value=seed_text,
        error=problem or False,
        message=problem or None,
        continuous_update=True,
    )
    solara.Markdown("**Presets for the tutorial's exercises**", style={"font-size": "13px"})
    with solara.Column(gap="2px"):
        solara.Button(
            "The scenario's own values",
            text=True,
            on_click=lambda: preset({}),
            classes=["wgsim-preset"],
        )
        for name, values in PRESETS.items():
            solara.Button(
                name, text=True, on_click=lambda v=values: preset(v), classes=["wgsim-preset"]
            )
    for group, paths in GROUPS.items():
        with solara.Details(group, expand=True):
            for spec in specs:
                if spec.path in paths:
                    SliderRow(
                        spec, s.values.get(spec.path, spec.value), lambda v, p=spec.path: move(p, v)
                    )
