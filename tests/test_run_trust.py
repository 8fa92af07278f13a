"""A run folder is data: reopening runs imports no code kept with them, follows no links, and
names no folder but its own; a broken run is reported, never a reason to list nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from schemas import HParams

import typed_config as tc

TESTS = Path(__file__).parent
# Imported, this module leaves a marker file behind and offers a model class to reopen a run with.
EVIL = textwrap.dedent(
    """
    open({marker!r}, "a").write(__name__ + "\\n")
    from pydantic import BaseModel
    class H(BaseModel):
        epochs: int = 0
    """
)


def python(
    cwd: Path, *argv: str | bytes, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A real Python process in ``cwd``, with the tests' schemas importable."""
    return subprocess.run(
        [sys.executable, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        check=False,
        env={**os.environ, "PYTHONPATH": str(TESTS), **(env or {})},
    )


def new_run(cwd: Path, *argv: str) -> str:
    """A run started by a real process (as training starts one); its id."""
    made = python(
        cwd,
        "-c",
        "import sys, typed_config as tc; from schemas import HParams; "
        "print(tc.init(HParams, argv=sys.argv[1:], project='p').id)",
        *argv,
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def point_meta(run_dir: Path, schema: str) -> None:
    meta = json.loads((run_dir / "meta.json").read_text())
    (run_dir / "meta.json").write_text(json.dumps({**meta, "schema": schema}))


# Where the planted code sits (relative to the run folder), and the schema meta.json names.
PLANTED = {
    "a module in the run folder": ("evil.py", "runs.p.{id}.evil:H"),
    "a module at the runs root": ("../../evil.py", "runs.evil:H"),
    "a package in the run folder": ("pkg/__init__.py", "runs.p.{id}.pkg:H"),
    "a package above the module": ("__init__.py", "runs.p.{id}.sub:H"),
    # unittest's __main__ would discover tests from the current folder, the runs package included.
    "a program that imports the runs": ("../../__init__.py", "unittest.__main__:H"),
}

READER = """
import typed_config as tc
from typed_config._cli.main import main
api = tc.Api()
run = api.run("p/{id}")
print("schema:", run.schema, "|", run.config["epochs"])
print("listed:", [r.id for r in api.runs("p")])
for argv in (["runs"], ["diff", "p/{id}", "p/{id}"], ["explain", "p/{id}", "epochs"], ["hash", "p/{id}"]):
    print("status:", main(argv))
try:
    run.update()
except tc.ConfigError as error:
    print("refused:", error)
"""


@pytest.mark.parametrize("where", list(PLANTED))
def test_reopening_a_run_never_imports_code_kept_with_the_runs(tmp_path: Path, where: str) -> None:
    run_id = new_run(tmp_path, "--epochs=3")
    run_dir = tmp_path / "runs" / "p" / run_id
    file, schema = PLANTED[where]
    marker = tmp_path / "code-ran"
    planted = run_dir / file
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text(EVIL.format(marker=str(marker)))
    (run_dir / "sub.py").write_text(EVIL.format(marker=str(marker)))
    (tmp_path / "runs" / "test_planted.py").write_text(EVIL.format(marker=str(marker)))
    point_meta(run_dir, schema.format(id=run_id))
    (tmp_path / "reader.py").write_text(READER.format(id=run_id))

    result = python(tmp_path, "reader.py")

    assert result.returncode == 0, result.stderr
    assert not marker.exists(), marker.read_text()
    lines = result.stdout.splitlines()
    assert lines[0] == "schema: None | 3"  # read-only, and readable
    assert lines[1] == f"listed: ['{run_id}']"
    assert lines.count("status: 0") == 4  # runs, diff (equal), explain, hash
    reason = (
        "a program's __main__, which a run folder's meta.json may not name"
        if "__main__" in schema
        else "inside the runs folder; a run folder is data, and typed_config never runs code from it"
    )
    assert reason in lines[-1]


def test_the_run_commands_take_a_schema_instead_of_importing_one(tmp_path: Path) -> None:
    run_id = new_run(tmp_path, "--epochs=3")
    run_dir = tmp_path / "runs" / "p" / run_id
    marker = tmp_path / "code-ran"
    (run_dir / "evil.py").write_text(EVIL.format(marker=str(marker)))
    point_meta(run_dir, f"runs.p.{run_id}.evil:H")
    schema = ("--schema", "schemas:HParams")

    listed = python(tmp_path, "-m", "typed_config", "runs", "--format", "json", *schema)
    explained = python(tmp_path, "-m", "typed_config", "explain", f"p/{run_id}", "epochs", *schema)
    hashed = python(tmp_path, "-m", "typed_config", "hash", f"p/{run_id}", *schema)
    diffed = python(tmp_path, "-m", "typed_config", "diff", f"p/{run_id}", f"p/{run_id}", *schema)

    assert not marker.exists()
    assert json.loads(listed.stdout)[0]["config"]["opt.beta1"] == 0.9  # validated: defaults filled in
    assert explained.stdout.splitlines()[:2] == ["epochs = 3", "  schema default: 100"]
    assert hashed.stdout.strip() == tc.load(HParams, overrides={"epochs": 3}).fingerprint()
    assert (diffed.returncode, diffed.stdout) == (0, f"p/{run_id} and p/{run_id} are equal\n")


def test_a_schema_module_in_the_project_folder_is_still_imported(tmp_path: Path) -> None:
    run_id = new_run(tmp_path, "--epochs=3")
    marker = tmp_path / "imported"
    (tmp_path / "project_schema.py").write_text(
        f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\nfrom schemas import HParams\n"
    )
    point_meta(tmp_path / "runs" / "p" / run_id, "project_schema:HParams")
    result = python(
        tmp_path, "-c", f"import typed_config as tc; print(tc.Api().run('p/{run_id}').typed.epochs)"
    )
    assert result.stdout.strip() == "3"
    assert marker.read_text() == "project_schema\n"


# Links -------------------------------------------------------------------------------------


@pytest.fixture
def run_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    run = tc.init(HParams, argv=["--epochs=3"], project="p", defaults=None)
    run.finish()
    assert run.dir is not None
    return run.dir


def test_a_lock_file_that_is_a_link_is_refused_and_not_followed(run_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "victim"
    outside.parent.mkdir()
    (run_dir / ".lock").unlink(missing_ok=True)
    (run_dir / ".lock").symlink_to(outside)
    stored = tc.Api().run(f"p/{run_dir.name}", schema=HParams)
    stored.config["epochs"] = 4
    with pytest.raises(tc.ConfigError) as info:
        stored.update()
    assert str(info.value) == (
        f"{run_dir / '.lock'}: the run's lock file is a symbolic link; typed_config does not follow it: remove it"
    )
    assert not outside.exists()
    assert tc.load(HParams, run_dir / "config.yaml").epochs == 3


@pytest.mark.parametrize("name", ["config.yaml", "provenance.json", "meta.json"])
def test_a_run_file_that_is_a_link_is_refused_and_its_target_kept(
    run_dir: Path, tmp_path: Path, name: str
) -> None:
    outside = tmp_path / f"outside-{name}"
    outside.write_bytes((run_dir / name).read_bytes())
    (run_dir / name).unlink()
    (run_dir / name).symlink_to(outside)
    before = outside.read_bytes()
    stored = tc.Api().run(f"p/{run_dir.name}", schema=HParams)
    stored.config["epochs"] = 4
    with pytest.raises(
        tc.ConfigError, match=r"is a symbolic link .*typed_config does not write through links"
    ):
        stored.update()
    assert (run_dir / name).is_symlink()
    assert outside.read_bytes() == before


def test_a_job_run_folder_that_is_a_link_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "runs" / "p").mkdir(parents=True)
    (tmp_path / "runs" / "p" / "job7").symlink_to(elsewhere)
    monkeypatch.setenv("TYPED_CONFIG_RUN_ID", "job7")
    with pytest.raises(tc.ConfigError, match="the job's run folder is a symbolic link"):
        tc.init(HParams, argv=["--epochs=7"], project="p", defaults=None)
    assert list(elsewhere.iterdir()) == []


# Run ids and projects ------------------------------------------------------------------------------


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("value", [".", ".."])
def test_a_launcher_run_id_never_names_another_folder(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    before = files_under(tmp_path)
    monkeypatch.setenv("TYPED_CONFIG_RUN_ID", value)
    with pytest.raises(tc.ConfigError) as info:
        tc.init(HParams, argv=["--epochs=7"], project="p", defaults=None)
    assert str(info.value) == (
        f"$TYPED_CONFIG_RUN_ID: run id {value!r} cannot name a folder: "
        "it must not be empty, '.' or '..', or hold '/' or NUL"
    )
    assert files_under(tmp_path) == before


@pytest.mark.parametrize(
    ("call", "origin"),
    [
        (lambda: tc.init(HParams, argv=[], project="p", resume=".."), "resume='..': run id '..'"),
        (lambda: tc.init(HParams, argv=[], project="p", resume="../p/x"), "resume='../p/x': run id '../p/x'"),
        (lambda: tc.init(HParams, argv=[], project="p", resume=""), "resume='': run id ''"),
        (lambda: tc.init(HParams, argv=[], project="p", resume="a\0b"), "resume='a\\x00b': run id 'a\\x00b'"),
        (lambda: tc.init(HParams, argv=["--epochs=7"], project=".."), "project=: project '..'"),
        (lambda: tc.init(HParams, argv=["--epochs=7"], project="a/b"), "project=: project 'a/b'"),
        (lambda: tc.Api().run("p/.."), "Api().run('p/..'): run id '..'"),
        (lambda: tc.Api().run("../x"), "Api().run('../x'): project '..'"),
        (lambda: tc.Api().runs(".."), "runs: project '..'"),
    ],
)
def test_no_run_id_or_project_names_another_folder(
    run_dir: Path, tmp_path: Path, call: object, origin: str
) -> None:
    before = files_under(tmp_path)
    with pytest.raises(tc.ConfigError) as info:
        call()  # type: ignore[operator]
    assert str(info.value).startswith(origin)
    assert files_under(tmp_path) == before


# Broken runs and arguments that are not UTF-8 --------------------------------------------------

TRAIN = """
import typed_config as tc
from schemas import HParams
run = tc.init(HParams, project="p")
print(run.id)
"""


def test_an_argument_that_is_not_utf8_is_stored_and_read_back(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(TRAIN)
    made = python(tmp_path, "train.py", b"--epochs=3", b"--", b"data-\xff\xfe.bin")
    assert made.returncode == 0, made.stderr
    run = tc.Api(tmp_path / "runs").run(f"p/{made.stdout.strip()}", schema=HParams)
    assert [os.fsencode(arg) for arg in run.meta["argv"]] == [b"--epochs=3", b"--", b"data-\xff\xfe.bin"]
    assert run.typed.epochs == 3
    assert [r.id for r in tc.Api(tmp_path / "runs").runs("p")] == [run.id]


def test_a_broken_run_is_reported_and_the_others_still_listed(tmp_path: Path) -> None:
    good = new_run(tmp_path, "--epochs=3")
    broken = new_run(tmp_path, "--epochs=5")
    (tmp_path / "runs" / "p" / broken / "meta.json").unlink()  # a writer killed between its files

    found = tc.Api(tmp_path / "runs").runs("p")
    listed = python(tmp_path, "-m", "typed_config", "runs", "--columns", "epochs")

    assert [r.id for r in found] == [good]
    meta = tmp_path / "runs" / "p" / broken / "meta.json"
    assert [str(p) for p in found.problems] == [f"{meta}: cannot read file: No such file or directory"]
    created = json.loads((tmp_path / "runs" / "p" / good / "meta.json").read_text())["created"]
    assert (listed.returncode, [line.split() for line in listed.stdout.splitlines()]) == (
        0,
        [["run", "name", "status", "created", "epochs"], [f"p/{good}", "finished", created, "3"]],  # no name
    )
    assert listed.stderr == (
        "typed-config: warning: skipped a run that cannot be read: "
        f"runs/p/{broken}/meta.json: cannot read file: No such file or directory\n"
    )
