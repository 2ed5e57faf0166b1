"""The command-line contract of ``takeoff`` (the sweep, app and outside checks build on it)."""

import csv
import json
import math
import os
import signal
import subprocess
import sys
import time

import pytest

from takeoff.cli import main

COLUMNS = ("week compute_total share_inference share_experiments share_training humans "
           "ai_agents ai_copies software_efficiency proxy_efficiency capability research_speed "
           "speedup ideas_generated ideas_tested ideas_shipped ideas_shipped_harmful "
           "queue_length mean_cycle_weeks").split()
SUMMARY = ("scenario seed weeks exploded explosion_week software_efficiency proxy_efficiency "
           "progress_per_year twin_progress_per_year weeks_to_10x weeks_to_100x weeks_to_1000x "
           "peak_speedup final_speedup").split()


def takeoff(*args):
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "a"
    assert takeoff("run", "baseline", "--out", out, "--seed", 7, "--weeks", 60) == 0
    return out


def test_run_writes_every_promised_file(short_run):
    for name in ("timeseries.csv", "summary.json", "scenario.toml"):
        assert (short_run / name).stat().st_size > 0
    pngs = sorted(p.name for p in short_run.glob("*.png"))
    assert {"speedup.png", "efficiency.png", "compute.png", "researchers.png"} <= set(pngs)


def test_timeseries_has_the_contract_columns_and_only_finite_numbers(short_run):
    rows = list(csv.DictReader(open(short_run / "timeseries.csv")))
    assert [int(r["week"]) for r in rows] == list(range(61))
    assert set(COLUMNS) <= set(rows[0])
    for row in rows:
        assert all(math.isfinite(float(v)) for v in row.values())


def test_summary_has_the_contract_keys(short_run):
    s = json.loads((short_run / "summary.json").read_text())
    assert set(SUMMARY) <= set(s)
    assert s["scenario"] == "baseline" and s["seed"] == 7 and s["weeks"] == 60
    assert s["weeks_to_1000x"] is None or isinstance(s["weeks_to_1000x"], int)


def test_written_scenario_reproduces_the_run_byte_for_byte(short_run, tmp_path):
    assert takeoff("run", short_run / "scenario.toml", "--out", tmp_path / "b", "--no-plots") == 0
    assert (tmp_path / "b" / "timeseries.csv").read_bytes() == (
        short_run / "timeseries.csv").read_bytes()


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        assert takeoff("run", "baseline", "--out", tmp_path / name, "--seed", seed,
                       "--weeks", 40, "--no-plots") == 0
    a, b, c = ((tmp_path / n / "timeseries.csv").read_bytes() for n in "abc")
    assert a == b and a != c


def test_set_overrides_any_key(tmp_path):
    assert takeoff("run", "humans_only", "--out", tmp_path, "--weeks", 20, "--no-plots",
                   "--set", "compute.experiment_boost=10", "--set", "policy.scheduler=fifo") == 0
    text = (tmp_path / "scenario.toml").read_text()
    assert "experiment_boost = 10.0" in text and 'scheduler = "fifo"' in text


@pytest.mark.parametrize("args, needle", [
    (["run", "nope"], "no such scenario file or shipped name"),
    (["run", "baseline", "--set", "compute.experiment_bost=3"], "did you mean"),
    (["run", "baseline", "--set", "compute.shares.inference=0.9"], "must sum to 1"),
    (["run", "baseline", "--set", "ai.speed=fast"], "key 'ai.speed'"),
    (["run", "baseline", "--set", "ai.speed"], "expected KEY=VALUE"),
    (["run", "baseline", "--weeks", "0"], "key 'run.weeks'"),
    (["run", "baseline", "--seed", "x"], "invalid int value"),
    (["run"], "required: scenario"),
    (["run", "baseline", "--replicates", "0"], "--replicates 0: must be a whole number from 1"),
    (["run", "baseline", "--replicates", "2", "--aggregate"], "the aggregate is deterministic"),
    (["frobnicate"], "invalid choice"),
    (["scenario", "validate", "/no/such/file.toml"], "no such scenario file"),
])
def test_bad_input_is_one_error_line_and_exit_code_2(args, needle, capsys, tmp_path):
    assert takeoff(*args, *(["--out", tmp_path / "o"] if args[0] == "run" and len(args) > 1
                            else [])) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and needle in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()  # nothing half-written


def test_replicates_are_the_single_runs_of_their_seeds_with_bands_over_them(short_run,
                                                                           tmp_path):
    out = tmp_path / "r"
    assert takeoff("run", "baseline", "--replicates", 3, "--seed", 6, "--weeks", 60,
                   "--out", out, "--no-plots") == 0
    assert sorted(p.name for p in out.glob("seed-*")) == ["seed-6", "seed-7", "seed-8"]
    # Seed 7 of the replicates is byte for byte the single run of seed 7.
    assert (out / "seed-7" / "timeseries.csv").read_bytes() == (
        short_run / "timeseries.csv").read_bytes()
    summaries = json.loads((out / "replicates.json").read_text())
    assert [s["seed"] for s in summaries] == [6, 7, 8]
    rows = [r for r in csv.DictReader(open(out / "bands.csv")) if r["series"] == "speedup"]
    assert [int(r["week"]) for r in rows] == list(range(61))
    finals = sorted(s["final_speedup"] for s in summaries)
    last = rows[-1]  # three runs: the band is their range, and says so
    assert int(last["runs"]) == 3 and "3 runs" in last["band"]
    assert float(last["low"]) == pytest.approx(finals[0])
    assert float(last["high"]) == pytest.approx(finals[-1])
    assert float(last["median"]) == pytest.approx(finals[1])


def test_non_toml_file_is_rejected_with_its_name(tmp_path, capsys):
    bad = tmp_path / "notes.toml"
    bad.write_text("this is not = = toml\n")
    assert takeoff("run", bad, "--out", tmp_path / "o") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: not valid TOML")


def test_out_must_be_a_folder(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert takeoff("run", "baseline", "--weeks", 5, "--out", f) == 2
    assert "not a folder" in capsys.readouterr().err


def test_software_explosion_explodes_stops_and_stays_finite(tmp_path):
    assert takeoff("run", "software_explosion", "--out", tmp_path, "--seed", 1,
                   "--no-plots") == 0
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["exploded"] is True and s["explosion_week"] <= s["weeks"] < s["horizon_weeks"]
    assert s["stop"] == "cap" and s["stop_week"] == s["weeks"]  # it runs on to the cap
    rows = list(csv.DictReader(open(tmp_path / "timeseries.csv")))
    assert int(rows[-1]["week"]) == s["stop_week"]
    assert all(math.isfinite(float(v)) for r in rows for v in r.values())


def test_scenario_commands(tmp_path, capsys):
    assert takeoff("scenario", "list") == 0
    listed = capsys.readouterr().out
    assert "software_explosion" in listed and "no_frontier_runs" in listed
    assert takeoff("scenario", "show", "taste_bound") == 0
    shown = capsys.readouterr().out
    path = tmp_path / "t.toml"
    path.write_text(shown)
    assert takeoff("scenario", "validate", path) == 0
    assert "ok:" in capsys.readouterr().out
    assert takeoff("scenario", "diff", "baseline", path) == 0
    out = capsys.readouterr().out
    assert "ai.taste" in out and "compute.experiment_boost" in out


def test_console_entry_point_runs_as_a_module(tmp_path):
    done = subprocess.run([sys.executable, "-m", "takeoff", "run", "baseline", "--weeks", "3",
                           "--no-plots", "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "outputs in" in done.stdout


def test_mistyped_flags_commands_and_actions_get_a_did_you_mean(capsys):
    for args, hint in ((["run", "baseline", "--sed", "3"], "did you mean --seed?"),
                       (["rn", "baseline"], "did you mean run?"),
                       (["scenario", "shw", "baseline"], "did you mean show?"),
                       (["sweep", "--lst"], "did you mean --list?")):
        assert takeoff(*args) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and hint in err, err


def test_every_argument_of_every_command_has_help():
    from takeoff.cli import ALL, build_parser

    def walk(parser, path):
        for action in parser._actions:
            if action.dest == "help":
                continue
            if action.choices and isinstance(action.choices, dict):  # subcommands
                for name, child in action.choices.items():
                    yield from walk(child, f"{path} {name}")
            else:
                yield f"{path} {action.dest}", action.help

    missing = [where for where, text in walk(build_parser(ALL), "takeoff") if not text]
    assert missing == []


def test_lazily_listed_commands_show_the_help_their_module_gives():
    import argparse
    import importlib

    from takeoff.cli import FACES

    for name, module, summary in FACES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(sub)
        listed = {a.dest: a.help for a in sub._choices_actions}
        assert listed[name] == summary, f"FACES entry for {name} differs from {module}"


def test_help_and_run_parser_import_no_numpy_mesa_or_model():
    code = ("import sys\nfrom takeoff.cli import main\n"
            "for argv in (['--help'], ['run', '--help'], ['sweep', '--help'], ['app', '--help']):\n"
            "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
            "heavy = [m for m in ('numpy', 'mesa', 'model.model', 'matplotlib') "
            "if m in sys.modules]\nprint('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr


def test_default_folder_names_the_overrides_and_never_overwrites_another(tmp_path, monkeypatch,
                                                                         capsys):
    monkeypatch.chdir(tmp_path)
    assert takeoff("run", "baseline", "--weeks", 3, "--no-plots") == 0
    assert takeoff("run", "baseline", "--weeks", 4, "--no-plots") == 0
    assert takeoff("run", "baseline", "--weeks", 4, "--no-plots",
                   "--set", "compute.experiment_boost=2") == 0
    assert takeoff("run", "baseline", "--weeks", 4, "--no-plots", "--seed", 5) == 0
    folders = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert len(folders) == 4 and all(f.startswith("baseline-seed") for f in folders)
    assert sum(f.startswith("baseline-seed5-") for f in folders) == 1
    weeks = {json.loads((tmp_path / "runs" / f / "summary.json").read_text())["weeks"]
             for f in folders}
    assert weeks == {3, 4}
    out = capsys.readouterr().out
    assert all(f"runs/{f}/" in out for f in folders)


def test_a_run_clears_the_plots_an_earlier_run_left(tmp_path):
    assert takeoff("run", "baseline", "--weeks", 3, "--out", tmp_path) == 0
    assert any(tmp_path.glob("*.png"))
    (tmp_path / "notes.png").write_bytes(b"mine")  # not a takeoff plot: kept
    assert takeoff("run", "baseline", "--weeks", 3, "--out", tmp_path, "--no-plots") == 0
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["notes.png"]


def test_names_never_become_paths_outside_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("../../x", "/etc/passwd", "..", "a b/c"):
        path = tmp_path / "s.toml"
        path.write_text(f'schema = 1\nname = "{name}"\n[run]\nweeks = 2\n')
        assert takeoff("run", path, "--no-plots") == 0
    made = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert made == ["a-b-c-seed42", "etc-passwd-seed42", "scenario-seed42", "x-seed42"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs", "s.toml"]


def test_run_refuses_a_sweep_folder(tmp_path, capsys):
    (tmp_path / "runs.sqlite").write_bytes(b"")
    (tmp_path / "scenario.toml").write_text("the sweep's")
    assert takeoff("run", "baseline", "--weeks", 2, "--out", tmp_path) == 2
    assert "holds a sweep" in capsys.readouterr().err
    assert (tmp_path / "scenario.toml").read_text() == "the sweep's"


def test_special_files_fail_at_once_with_one_line(tmp_path, capsys):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    for args in (("scenario", "validate", "/dev/zero"), ("run", "/dev/zero"),
                 ("scenario", "validate", fifo), ("run", fifo), ("scenario", "show", fifo)):
        assert takeoff(*args) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and "not a regular file" in err


def test_too_large_a_scenario_is_refused_up_front_naming_its_keys(tmp_path, capsys):
    started = time.monotonic()
    assert takeoff("run", "baseline", "--weeks", 104, "--out", tmp_path / "o", "--set",
                   "humans.count=100000", "--set", "ideas.backlog=1000") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "too large to run here" in err
    assert "humans.count=100000" in err and "ideas.backlog=1000" in err
    assert time.monotonic() - started < 5 and not (tmp_path / "o").exists()
    path = tmp_path / "big.toml"
    path.write_text("schema = 1\n[humans]\ncount = 100000\n")
    assert takeoff("scenario", "validate", path) == 2
    assert "too large to run here" in capsys.readouterr().err


def test_scenario_list_shows_whole_sentences_within_the_width(capsys):
    assert takeoff("scenario", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 100 for line in lines)
    entries = " ".join(lines).split()
    assert "software_explosion" in entries
    starts = [i for i, line in enumerate(lines) if not line.startswith(" ")]
    ends = [lines[j - 1] for j in starts[1:]] + [lines[-1]]
    assert all(end.rstrip().endswith(".") for end in ends)


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3, 0.6, 1.2])
def test_ctrl_c_at_any_moment_prints_at_most_one_line(delay, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "takeoff", "run", "baseline", "--weeks", "30",
                             "--no-plots", "--out", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if err.startswith("Fatal Python error: init_import_site"):
        return  # the interpreter itself was still starting: before any of takeoff's code runs
    if "Traceback" in err and "takeoff" not in err and "<frozen runpy>" in err:
        return  # still locating the package: takeoff/__init__.py's first line had not run
    assert "Traceback" not in err and err.count("\n") <= 1, err
    assert proc.returncode in (0, 130, -signal.SIGINT)


def test_imported_as_a_library_takeoff_leaves_ctrl_c_alone():
    import takeoff

    assert signal.getsignal(signal.SIGINT) is not takeoff._interrupted


def test_a_sweep_with_a_point_too_large_is_refused_before_anything_runs(tmp_path, capsys):
    sweep = tmp_path / "big.toml"
    sweep.write_text('schema = 1\nbase = "baseline"\n[sweep]\ndesign = "grid"\nweeks = 104\n'
                     '[sweep.parameters]\n"humans.count" = [100, 100000]\n')
    assert takeoff("sweep", sweep, "--out", tmp_path / "s", "--workers", 1) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "design point 1: too large to run here" in err
    assert "humans.count=100000" in err and not (tmp_path / "s").exists()
