"""Scenario files: shipped ones load, mistakes are caught with a useful one-line message."""

import os
import time

import pytest

from model.scenario import (
    MAX_FILE_BYTES,
    ScenarioError,
    defaults,
    diff,
    load_scenario,
    parse_set,
    parse_toml_text,
    shipped,
)
from model.schema import PARAMS

SHIPPED = ["baseline", "humans_only", "compute_bound", "taste_bound", "software_explosion",
           "no_frontier_runs", "synthetic_data"]


def test_every_required_scenario_ships_with_a_description():
    names = shipped()
    for name in SHIPPED:
        assert name in names
        s = load_scenario(name)
        assert s.name == name
        assert len(s.description.split()) >= 25, f"{name} needs a one-paragraph description"


def test_baseline_is_the_schema_defaults():
    assert load_scenario("baseline").as_dict() == defaults()


def test_resolved_toml_loads_back_identically(tmp_path):
    for name in SHIPPED:
        s = load_scenario(name)
        path = tmp_path / f"{name}.toml"
        path.write_text(s.to_toml())
        again = load_scenario(path)
        assert again == s
        assert again.name == s.name and again.description == s.description


def test_resolved_toml_lists_every_key_with_schema_version():
    text = load_scenario("baseline").to_toml()
    assert text.startswith("schema = 1\n")
    for p in PARAMS:
        assert f"{p.key.rsplit('.', 1)[1]} = " in text


def test_attribute_and_key_access_agree():
    s = load_scenario("baseline")
    assert s.compute.shares.inference == s["compute.shares.inference"]
    assert s.ai.enabled is True and s.run.seed == s["run.seed"]


@pytest.mark.parametrize("text, needle", [
    ("schema = 1\n[compute]\nexperiment_bost = 3\n", "did you mean 'compute.experiment_boost'"),
    ("schema = 1\n[compte]\ninitial = 3\n", "unknown key 'compte"),
    ("schema = 1\n[ai]\nspeed = 'fast'\n", "key 'ai.speed': must be a number in [0.01, 1000]"),
    ("schema = 1\n[humans]\ncount = 2.5\n", "key 'humans.count': must be an integer"),
    ("schema = 1\n[ideas]\nphi = 1.5\n", "key 'ideas.phi': must be a number in [-3, 0.95]"),
    ("schema = 1\n[policy]\nscheduler = 'lottery'\n", '"track_record" | "fair" | "value" | "fifo"'),
    ("schema = 1\n[ai]\nenabled = 1\n", "key 'ai.enabled': must be true or false"),
    ("schema = 1\n[compute.shares]\ninference = 0.5\n", "must sum to 1"),
    ("schema = 1\n[experiments]\nscales = [0.01, 0.001, 0.1]\n", "must increase"),
    ("schema = 1\n[experiments]\nrun_weeks = [1.0, 2.0]\n", "one entry per rung"),
    ("[ai]\nspeed = 2.0\n", "missing 'schema = 1'"),
    ("schema = 2\n", "key 'schema': must be the integer 1"),
    ("schema = true\n", "key 'schema': must be the integer 1, got True"),
    ("schema = 1.0\n", "key 'schema': must be the integer 1, got 1.0"),
    ("schema = 1e0\n", "key 'schema': must be the integer 1, got 1.0"),
    # Integers past the float range, and past the 4,300 digits Python converts.
    ("schema = 1\n[ai]\nspeed = " + "9" * 400 + "\n", "key 'ai.speed': must be a number in "
     "[0.01, 1000], got an integer of 400 digits"),
    ("schema = 1\n[humans]\ncount = " + "9" * 400 + "\n", "key 'humans.count': must be an "
     "integer in [1, 100000], got an integer of 400 digits"),
    ("schema = 1\n[experiments]\nscales = [1, " + "9" * 400 + "]\n", "key 'experiments.scales'"),
    ("schema = 1\n[ai]\nspeed = " + "9" * 5000 + "\n", "not valid TOML (a number has too many"),
    ("schema = 1\n[ai]\nspeed = " + "[" * 500 + "]" * 500 + "\n", "nested too deeply"),
    ("schema = 1\n[ai]\nspeed = " + "[" * 300 + "]" * 300 + "\n", "key 'ai.speed': must be a "
     "number in [0.01, 1000], got [[[[[["),
    # A quoted dotted key beside the table it names would make one of the two values vanish.
    ('schema = 1\n"ai.speed" = 99.0\n[ai]\nspeed = 2.0\n', "key 'ai.speed' is given twice"),
    ('schema = 1\n[compute]\n"shares.inference" = 0.3\n[compute.shares]\ninference = 0.3\n',
     "key 'compute.shares.inference' is given twice"),
    ('schema = 1\nname = "a\\u0000b"\n', "key 'name': must be at most 200 printable characters "
     "on one line, got 'a\\x00b'"),
    ('schema = 1\nname = "' + "n" * 10_000 + '"\n', "key 'name': must be at most 200"),
    ("schema = 1\nname = 3\n", "key 'name': must be a string, got 3"),
    ("schema = 1\n[ai]\nspeed = 'fast'\nfaster = '" + "x" * 500 + "'\n", "key 'ai.speed'"),
    ('schema = 1\n"' + "k" * 5000 + '" = 1\n', "unknown key 'kkkkkkk"),
    ("schema = 1\nbase = 'nope'\n", "key 'base': must name a shipped scenario"),
    ("schema = 1\n[ai\n", "not valid TOML"),
    ("schema = 1\n[run]\nweeks = inf\n", "key 'run.weeks'"),
    ("schema = 1\n[compute]\ninitial = nan\n", "key 'compute.initial'"),
])
def test_bad_scenarios_give_one_line_naming_file_and_key(text, needle):
    with pytest.raises(ScenarioError) as err:
        parse_toml_text(text, "my.toml")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("my.toml: ")
    assert needle in message


def test_error_messages_stay_short():
    text = 'schema = 1\n"' + "k" * 5000 + '" = 1\n'
    with pytest.raises(ScenarioError) as err:
        parse_toml_text(text, "my.toml")
    assert len(str(err.value)) < 200


def test_a_single_dotted_key_still_works():
    s = parse_toml_text('schema = 1\n"ai.speed" = 3.0\n', "x")
    assert s["ai.speed"] == 3.0


def test_base_scenario_overlay_keeps_the_rest():
    s = parse_toml_text('schema = 1\nbase = "software_explosion"\n[run]\nseed = 9\n', "x")
    ref = load_scenario("software_explosion")
    assert s["run.seed"] == 9 and s["ideas.phi"] == ref["ideas.phi"]


def test_missing_unreadable_and_oversized_files(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "absent.toml")
    with pytest.raises(ScenarioError, match="did you mean 'baseline'"):
        load_scenario("baselin")
    big = tmp_path / "big.toml"
    big.write_text("schema = 1\n" + "# pad\n" * (MAX_FILE_BYTES // 5))
    with pytest.raises(ScenarioError, match="at most"):
        load_scenario(big)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match="cannot read|not valid TOML"):
        load_scenario(binary)


def test_only_regular_files_are_read_and_never_past_the_cap(tmp_path):
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario("/dev/zero")  # a device: reading it would fill memory
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(fifo)  # a pipe with no writer: opening it to read would block forever
    assert time.monotonic() - started < 2
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(tmp_path)
    with pytest.raises(ScenarioError, match="not a usable file name"):
        load_scenario("x" * 10_000)


def test_set_values_are_read_as_toml_and_validated():
    assert parse_set("compute.experiment_boost=10") == ("compute.experiment_boost", 10)
    assert parse_set("policy.scheduler=fifo") == ("policy.scheduler", "fifo")
    assert parse_set("experiments.scales=[1e-4, 1e-3, 1e-2]")[1] == [1e-4, 1e-3, 1e-2]
    s = load_scenario("baseline").replace({"compute.experiment_boost": 10}, origin="--set")
    assert s.compute.experiment_boost == 10.0
    with pytest.raises(ScenarioError, match="expected KEY=VALUE"):
        parse_set("compute.experiment_boost")
    with pytest.raises(ScenarioError, match="too many digits"):
        parse_set("ai.speed=" + "9" * 5000)
    key, huge = parse_set("ai.speed=" + "9" * 400)
    with pytest.raises(ScenarioError, match="got an integer of 400 digits"):
        load_scenario("baseline").replace({key: huge}, origin="--set")


def test_diff_lists_changed_keys_in_schema_order():
    rows = diff(load_scenario("baseline"), load_scenario("software_explosion"))
    keys = [k for k, _, _ in rows]
    assert keys == ["ai.copy_cost", "ideas.phi", "experiments.frontier_coupling"]
    assert diff(load_scenario("baseline"), load_scenario("baseline")) == []


def test_any_name_and_description_round_trip():
    text = ('schema = 1\nname = "\U0001F600 lab \\"x\\""\n'
            'description = "ends with a quote\\u0001\\n\\t\\\\ \U0001F600\\""\n')
    s = parse_toml_text(text, "x")
    again = parse_toml_text(s.to_toml(), "again")
    assert (again.name, again.description) == (s.name, s.description)
    assert again.name == '\U0001F600 lab "x"'


def test_scenario_files_are_data_not_code(tmp_path):
    evil = tmp_path / "evil.toml"
    evil.write_text('schema = 1\nname = "__import__(\'os\').system(\'false\')"\n')
    s = load_scenario(evil)
    assert s.name.startswith("__import__")  # kept as a plain string, never evaluated
