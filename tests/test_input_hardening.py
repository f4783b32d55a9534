"""Hostile scenario files (issue 28): no hang, no leaked file, no traceback, no silent misreading.

Every case goes through ``wgsim validate`` (in this process, as the console script runs it)
or the loader, and checks what a user sees: exit code 2, one message naming the file and
what is allowed, quickly, and nothing of another file's content.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import time
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.scenario import yamlfile
from sim.scenario.loader import load_file
from sim.scenario.yamlfile import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.yaml"


@pytest.fixture
def wgsim(wgsim_text):
    return wgsim_text


def write(folder: Path, text: str, name: str = "s.yaml") -> Path:
    f = folder / name
    f.write_text(text.replace("@HISTORICAL@", os.path.relpath(HISTORICAL, folder)))
    return f


def refused(wgsim, f: Path, *needles: str) -> str:
    """``wgsim validate f`` exits 2 with every needle in its message; the message."""
    code, out = wgsim("validate", f)
    assert code == 2 and "Traceback" not in out, out
    assert str(f) in out, out
    for needle in needles:
        assert needle in out, out
    return out


# --- 1. no hang: a message quotes a value only in part ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # 150 aliases to one 1.4 MB string, where a text is expected: 210 MB once expanded
        'scenario:\n  name: &s "'
        + "x" * 1_400_000
        + '"\n  description: ['
        + ",".join(["*s"] * 150)
        + "]\n",
        # 1.8 MB of Rich markup where a number is expected
        "scenario:\n  us: {win_set: '" + "[a]" * 600_000 + "'}\n",
    ],
    ids=["aliases to a long string", "a long markup string"],
)
def test_a_huge_bad_value_is_refused_quickly_and_quoted_in_part(wgsim, tmp_path, text):
    f = write(tmp_path, text)
    t0 = time.process_time()
    out = refused(wgsim, f)
    assert time.process_time() - t0 < 5
    assert len(out) < 3_000


LONG = "k" * 1_500_000  # a key this long must be written as an explicit key (? ...)


@pytest.mark.parametrize(
    "text",
    [
        f"? {LONG}\n: 1\n",
        f"scenario:\n  ? {LONG}\n  : 1\n",
        f"scenario:\n  channels:\n    - name: x\n      ? {LONG}\n      : 2\n",
        f"extends: @HISTORICAL@\nvariants:\n  a:\n    ? {LONG}\n    : 1\n",
        f"extends: @HISTORICAL@\nvariants:\n  ? {LONG}\n  : {{}}\n",
        "extends: @HISTORICAL@\nscenario:\n  shocks: [{name: x, date: 2019-01-07, effects: "
        f"[{{kind: {LONG}}}]}}]\n",
    ],
    ids=["top-level key", "field", "channel field", "variant key", "variant name", "effect kind"],
)
def test_a_huge_key_is_refused_quickly_and_quoted_in_part(wgsim, tmp_path, text):
    f = write(tmp_path, text)
    t0 = time.process_time()
    out = refused(wgsim, f, "(1,500,")
    assert time.process_time() - t0 < 5
    assert len(out) < 3_000


# --- 5. no leaked file: nothing of a linked file's content is printed -------------------------

SECRET = "root:$6$Zx9hunter2:19000:0:99999:7:::\nhunter2: topsecret\n"


@pytest.mark.parametrize("key", ["extends", "calibrated"])
@pytest.mark.parametrize(
    "content",
    [
        SECRET,  # a password file
        "hunter2: topsecret\nscenario: {}\n",  # an unknown top-level key
        "scenario: {hunter2: topsecret}\n",  # an unknown field
        "scenario: {name: topsecret, us: {win_set: hunter2}}\n",  # a bad value
        "parameters: {hunter2: {median: topsecret}}\n",  # a calibration with a bad path
        "scenario: [hunter2, topsecret\n",  # malformed YAML
        "scenario: {a: 1, a: hunter2topsecret}\n",  # a key given twice
    ],
)
@pytest.mark.parametrize("link", [True, False])
def test_a_linked_file_is_never_printed(wgsim, tmp_path, key, content, link):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "shadow.yaml").write_text(content)
    if link:  # a symbolic link named .yaml next to the file, to the secret elsewhere
        (tmp_path / "other.yaml").symlink_to(secrets / "shadow.yaml")
    else:
        shutil.copy(secrets / "shadow.yaml", tmp_path / "other.yaml")
    f = write(tmp_path, f"{key}: other.yaml\n")
    out = refused(wgsim, f)
    assert "hunter2" not in out and "topsecret" not in out and "root:" not in out, out


def test_a_link_to_a_file_that_is_not_yaml_is_refused(wgsim, tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text(SECRET)
    (tmp_path / "other.yaml").symlink_to(secret)
    for key in ("extends", "calibrated"):
        f = write(tmp_path, f"{key}: other.yaml\n")
        out = refused(wgsim, f, "symbolic link to a file that is not a .yaml file")
        assert "hunter2" not in out


@settings(
    database=None,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    secret=st.text(string.ascii_letters + string.digits, min_size=12, max_size=20),
    place=st.sampled_from(
        [
            "{s}: 1\n",
            "scenario: {{{s}: 1}}\n",
            "scenario: {{us: {{win_set: {s}}}}}\n",
            "scenario: {{calendar: {{start: {s}}}}}\n",
            "- {s}\n",
            "scenario: {{name: [{s}]}}\n",
            "extends: {s}.yaml\n",
        ]
    ),
)
def test_no_content_of_an_extended_file_reaches_a_message(wgsim, tmp_path, secret, place):
    (tmp_path / "other.yaml").write_text(place.format(s=secret))
    f = write(tmp_path, "extends: other.yaml\n")
    code, out = wgsim("validate", f)
    assert code == 2 and secret not in out, out


# --- 8. no traceback ---------------------------------------------------------------------------


def test_a_lone_surrogate_is_refused(wgsim, tmp_path):
    f = write(tmp_path, 'extends: @HISTORICAL@\nscenario: {name: "bad \\ud800 name"}\n')
    refused(wgsim, f, "unpaired surrogate", "line 2")


@pytest.mark.parametrize("key", ["extends", "calibrated"])
def test_linked_loops_binaries_and_unreadable_files_are_named(wgsim, tmp_path, key):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    refused(wgsim, write(tmp_path, f"{key}: a.yaml\n"), "'a.yaml' is a loop of symbolic links")
    (tmp_path / "bin.yaml").write_bytes(bytes(range(256)) * 4)
    refused(wgsim, write(tmp_path, f"{key}: bin.yaml\n"), "not UTF-8 text")
    (tmp_path / "dir.yaml").mkdir()
    refused(wgsim, write(tmp_path, f"{key}: dir.yaml\n"), "'dir.yaml' is not a file")


def test_a_file_that_cannot_be_read_is_named(wgsim):
    code, out = wgsim("validate", "/proc/self/mem")
    assert code == 2 and "/proc/self/mem" in out and "cannot be read" in out, out


# --- 9. limits, named ------------------------------------------------------------------------


def test_a_calibrated_file_over_the_size_limit_is_refused(wgsim, tmp_path, monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_BYTES", 1000)
    (tmp_path / "cal.yaml").write_text("parameters: {}\n" + "#" * 2000 + "\n")
    f = write(tmp_path, "calibrated: cal.yaml\n")
    refused(wgsim, f, "cal.yaml", "files over 1,000 bytes are refused")


def channels(n: int) -> str:
    return "".join(
        f"    - {{name: c{i}, contacts_per_week: 1, via_nsc: false, reach: 0.5}}\n"
        for i in range(n)
    )


def shocks(n: int) -> str:
    return "".join(
        f"    - {{name: s{i}, date: 2019-01-07, effects: [{{kind: summit}}]}}\n" for i in range(n)
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("scenario:\n  channels:\n" + channels(51), "at most 50 items"),
        ("extends: @HISTORICAL@\nscenario:\n  shocks:\n" + shocks(1001), "at most 1000 items"),
        (
            "extends: @HISTORICAL@\nscenario:\n  shocks:\n" + shocks(12_000),
            "the file holds more than 100,000 values",
        ),
        ("scenario: {name: " + "n" * 201 + "}\n", "at most 200 characters"),
        (
            "scenario:\n  channels:\n    - {name: "
            + "c" * 201
            + ", contacts_per_week: 1, via_nsc: false, reach: 0.5}\n",
            "names have at most 200",
        ),
        (
            "extends: @HISTORICAL@\nvariants:\n" + "".join(f"  v{i}: {{}}\n" for i in range(101)),
            "101 variants; at most 100",
        ),
        ("extends: @HISTORICAL@\nvariants:\n  " + "v" * 201 + ": {}\n", "a name has 1 to 200"),
    ],
    ids=[
        "51 channels",
        "1001 shocks",
        "12000 shocks",
        "long scenario name",
        "long channel name",
        "101 variants",
        "long variant name",
    ],
)
def test_counts_and_lengths_have_named_limits(wgsim, tmp_path, text, needle):
    t0 = time.process_time()
    refused(wgsim, write(tmp_path, text), needle)
    assert time.process_time() - t0 < 10
    assert "aliases expand" not in needle


# --- 11. accepted but wrong ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["y", "n", "Y", "N", "1e3"])
def test_variant_names_other_yaml_readers_would_read_otherwise_need_quotes(wgsim, tmp_path, name):
    f = write(tmp_path, f"extends: @HISTORICAL@\nvariants:\n  {name}: {{}}\n  b: {{}}\n")
    refused(wgsim, f, "put the name in quotes")
    quoted = write(tmp_path, f"extends: @HISTORICAL@\nvariants:\n  '{name}': {{}}\n", "q.yaml")
    assert list(load_file(quoted).variants) == [name]


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("true", "must be a number, not true or false"),
        ("'0.5'", "must be a number, not text (write it without quotes)"),
        ('"1"', "must be a number, not text"),
        ("0x1", "write it in plain decimal"),
        ("0o1", "write it in plain decimal"),
        ("01", "write it in plain decimal"),
        ("1_0", "write it in plain decimal"),
        ("0:30", "write it in plain decimal"),
        (".nan", "must be a finite number"),
        ("!!binary aGk=", "binary data (!!binary) is not accepted"),
    ],
)
def test_numbers_must_be_written_as_numbers(wgsim, tmp_path, value, needle):
    f = write(tmp_path, f"extends: @HISTORICAL@\nscenario:\n  working_group: {{scope: {value}}}\n")
    out = refused(wgsim, f, needle)
    assert "less than or equal" not in out


def test_a_boolean_must_be_written_as_one(wgsim, tmp_path):
    f = write(tmp_path, "extends: @HISTORICAL@\nscenario:\n  dprk: {endogenous_provocation: 1}\n")
    refused(wgsim, f, "dprk.endogenous_provocation: must be true or false")


def test_numbers_yaml_readers_agree_on_are_read_as_such():
    assert parse_yaml("a: 1e3\nb: -2.5E-2\nc: 7\nd: .5\ne: y\nf: off") == {
        "a": 1000.0,
        "b": -0.025,
        "c": 7,
        "d": 0.5,
        "e": True,
        "f": False,
    }


def test_a_provocation_window_of_zero_weeks_is_refused(wgsim, tmp_path):
    f = write(tmp_path, "extends: @HISTORICAL@\nscenario:\n  dprk: {provocation_window_weeks: 0}\n")
    refused(wgsim, f, "dprk.provocation_window_weeks", "greater than or equal to 1")


def test_merge_keys_get_a_clear_message(wgsim, tmp_path):
    f = write(
        tmp_path,
        "extends: @HISTORICAL@\nshared: &s {scope: 0.3}\n"
        "scenario:\n  working_group: {<<: *s, cadence: regular}\n",
    )
    refused(wgsim, f, "merge keys ('<<:') are not accepted", "line 4")


def test_the_shipped_scenarios_pass_their_own_json_schema(wgsim_run):
    code, out, _ = wgsim_run("schema")
    schema = json.loads(out)
    assert code == 0 and "calibrated" in schema["properties"]
    for f in sorted((ROOT / "scenarios").glob("*.yaml")):
        data = parse_yaml(f.read_text())
        baseline = load_file(f).variant(None).model_dump(mode="python")
        data["scenario"] = _calibrated_words_as_values(data.get("scenario", {}), baseline)
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def _calibrated_words_as_values(data, resolved):
    """The word ``calibrated`` stands for the calibrated number: put that number in its place."""
    if isinstance(data, dict):
        return {k: _calibrated_words_as_values(v, resolved[k]) for k, v in data.items()}
    if isinstance(data, list):
        return [_calibrated_words_as_values(v, r) for v, r in zip(data, resolved, strict=True)]
    return resolved if data == "calibrated" else data


def test_a_bad_path_in_a_calibrated_file_names_the_file(tmp_path):
    cal = tmp_path / "cal.yaml"
    cal.write_text("parameters:\n  us.win_set: {median: 0.5}\n  'us..x': {median: 1}\n")
    f = write(tmp_path, "extends: @HISTORICAL@\ncalibrated: cal.yaml\n")
    with pytest.raises(ScenarioError) as err:
        load_file(f)
    assert str(cal) in str(err.value) and "parameter 2 is not a field path" in str(err.value)


# --- an installed copy as capable as a checkout ----------------------------------------------


def test_extends_a_shipped_scenario_by_name(tmp_path):
    f = write(tmp_path, "extends: historical\nscenario: {us: {win_set: 0.4}}\n")
    sf = load_file(f)
    assert sf.variant(None).us.win_set == 0.4
    assert sf.variant(None).shocks == load_file(HISTORICAL).variant(None).shocks


def test_a_copied_shipped_scenario_keeps_its_calibration(tmp_path):
    copy = tmp_path / "historical.yaml"
    shutil.copy(HISTORICAL, copy)
    assert load_file(copy).digest == load_file(HISTORICAL).digest


DECIMAL = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")


PIECES = ["0", "1", "5", ".", "-", "+", "e", "x", "o", "b", "_", ":", "'", "true", "y", ".nan"]


@settings(database=None, max_examples=60, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join))
@example("0x1")
@example("00")
@example("0:1")
@example("true")
@example("'0.5'")
def test_a_number_is_read_as_yaml_1_2_reads_it_or_refused(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("n")
    f = write(folder, f"extends: @HISTORICAL@\nscenario:\n  working_group: {{scope: {text}}}\n")
    try:
        scope = load_file(f).variant(None).working_group.scope
    except ScenarioError:
        return
    assert DECIMAL.fullmatch(text.strip()), text  # only a plain decimal number is accepted
    assert scope == float(text)
