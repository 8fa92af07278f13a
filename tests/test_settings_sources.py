""".env files, secret files and stray variables: init's deployment sources, with positions in errors."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest
from pydantic import SecretBytes, SecretStr

import typed_config as tc


class Service(tc.HyperParams):
    api_key: SecretStr = SecretStr("none")
    token: SecretBytes | None = None
    url: str = "http://localhost"


class Settings(tc.HyperParams):
    epochs: int = 10
    lr: float = 0.1
    name: str = "base"
    tags: list[str] = tc.Field(default_factory=list[str])
    service: Service = Service()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("TRAIN_")]:
        monkeypatch.delenv(name)
    return tmp_path


def start(**kwargs: object) -> tc.Run[Settings]:
    return tc.init(Settings, argv=kwargs.pop("argv", []), dir=None, defaults=None, **kwargs)  # type: ignore[arg-type]


def problems_of(**kwargs: object) -> list[str]:
    with pytest.raises(tc.ConfigError) as info:
        start(**kwargs)
    return str(info.value).splitlines()


# --- .env files -----------------------------------------------------------------------------


def test_dotenv_values_with_quotes_export_comments_and_escapes(workdir: Path) -> None:
    (workdir / ".env").write_text(
        "# a comment\n"
        "export TRAIN_EPOCHS=3\n"
        "TRAIN_LR = 0.01  # inline comment\n"
        "TRAIN_NAME='it\\'s #not a comment'\n"
        'TRAIN_TAGS="[a, b]"\n'
        "OTHER=ignored\n"
    )
    cfg = start(env_prefix="TRAIN_", env_file=".env").config
    assert (cfg.epochs, cfg.lr, cfg.name, cfg.tags) == (3, 0.01, "it's #not a comment", ["a", "b"])


def test_dotenv_matches_python_dotenv_on_a_corpus(workdir: Path) -> None:
    dotenv = pytest.importorskip("dotenv")
    text = (
        "A=plain value   # comment\n"
        "B='single \\' quoted # kept'\n"
        'C="double \\"quoted\\" \\n\\t line"\n'
        'D="spans\nlines"\n'
        "export E=exported\n"
        "F=\n"
        "G= # only a comment\n"
        "H=#not-a-comment\n"
        "'I'=quoted key\n"
        "J  =  spaced  \n"
        "K=a=b=c\n"
        'L="unicode \u00e9"\r\n'
        "M=caf\u00e9\n"
    )
    (workdir / ".env").write_text(text, encoding="utf-8", newline="")
    from typed_config._sources.dotenv import read_dotenv  # the parser itself, compared

    ours = {name: variable.value for name, variable in read_dotenv(".env", {})[0].items()}
    assert ours == dotenv.dotenv_values(".env", interpolate=False)


def test_dotenv_expands_variables_from_the_environment_then_earlier_lines(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATA_ROOT", "/data")
    (workdir / ".env").write_text(
        "BASE=runs\nTRAIN_NAME=${DATA_ROOT}/${BASE}/${MISSING:-x}\nTRAIN_SERVICE__URL='\\${DATA_ROOT} stays'\n"
    )
    cfg = start(env_prefix="TRAIN_", env_file=".env").config
    assert cfg.name == "/data/runs/x"
    # Single quotes are literal, as in a shell; `\${` keeps `${` from being a reference to a key.
    assert cfg.service.url == "${DATA_ROOT} stays"


def test_dotenv_unset_variable_is_an_error_at_its_position(workdir: Path) -> None:
    (workdir / ".env").write_text("TRAIN_EPOCHS=4\nTRAIN_NAME=a-${NOWHERE}\n")
    assert problems_of(env_prefix="TRAIN_", env_file=".env") == [
        ".env:2:12: TRAIN_NAME: ${NOWHERE} is set neither in the environment nor earlier in the file "
        "(write ${NOWHERE:-default} for a default)"
    ]


def test_the_real_environment_beats_the_dotenv_file(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / ".env").write_text("TRAIN_EPOCHS=3\nTRAIN_LR=0.5\n")
    monkeypatch.setenv("TRAIN_EPOCHS", "7")
    run = start(env_prefix="TRAIN_", env_file=".env", argv=["--name=cli"])
    assert (run.config.epochs, run.config.lr, run.config.name) == (7, 0.5, "cli")
    assert str(run.origin_of("lr")) == ".env:2:10"
    assert str(run.origin_of("epochs")) == "$TRAIN_EPOCHS"


def test_dotenv_errors_name_the_file_line_and_column(workdir: Path) -> None:
    (workdir / ".env").write_text("TRAIN_EPOCHS=3\n\nTRAIN_LR=fast\nTRAIN_EPOCHS=4\nTRAIN_NAME='open\n")
    assert problems_of(env_prefix="TRAIN_", env_file=".env") == [
        ".env:4:1: TRAIN_EPOCHS: duplicate name (first defined at line 1)",
        ".env:5:12: cannot read this line: a .env line is NAME=value, 'single-quoted' or \"double-quoted\", "
        "optionally after 'export'",
    ]
    (workdir / ".env").write_text("TRAIN_EPOCHS=3\n\nTRAIN_LR=fast\n")
    assert problems_of(env_prefix="TRAIN_", env_file=".env") == [
        ".env:3:10: lr: Input should be a valid number (got 'fast')"
    ]


def test_a_missing_dotenv_file_reads_nothing(workdir: Path) -> None:
    assert start(env_prefix="TRAIN_", env_file=".env").config.epochs == 10


def test_env_file_without_a_prefix_is_a_type_error(workdir: Path) -> None:
    with pytest.raises(TypeError, match="need env_prefix="):
        start(env_file=".env")


# --- stray variables --------------------------------------------------------------------------


def test_a_stray_variable_is_a_warning_and_the_run_goes_on(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAIN_EPOCHZ", "3")
    monkeypatch.setenv("TRAIN_LR", "0.02")
    (workdir / ".env").write_text("TRAIN_BACH=1\n")
    with pytest.warns(UserWarning, match="names no key") as caught:
        cfg = start(env_prefix="TRAIN_", env_file=".env").config
    assert cfg.lr == 0.02
    assert [str(w.message) for w in caught] == [
        ".env:1:1: TRAIN_BACH names no key (ignored; env_strict=True makes it an error)",
        "$TRAIN_EPOCHZ: environment variable names no key; did you mean TRAIN_EPOCHS? "
        "(ignored; env_strict=True makes it an error)",
    ]
    assert caught[0].filename == __file__  # the warning points at the init call


def test_env_strict_makes_a_stray_variable_an_error(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAIN_EPOCHZ", "3")
    assert problems_of(env_prefix="TRAIN_", env_strict=True) == [
        "$TRAIN_EPOCHZ: environment variable names no key; did you mean TRAIN_EPOCHS?"
    ]


# --- secret files -----------------------------------------------------------------------------


def test_secret_files_set_secret_fields_in_both_spellings(workdir: Path) -> None:
    secrets = workdir / "secrets"
    secrets.mkdir()
    (secrets / "service__api_key").write_text("s3cr3t-key\n")
    (secrets / "service.token").write_text("t0ken")
    (secrets / "unrelated_db_password").write_text("other program's")
    (secrets / "..data").mkdir()  # Kubernetes' own entries are skipped
    cfg = start(secrets_dir=secrets).config
    assert cfg.service.api_key.get_secret_value() == "s3cr3t-key"
    assert cfg.service.token is not None
    assert cfg.service.token.get_secret_value() == b"t0ken"


def test_secret_files_sit_below_environment_variables(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "secrets").mkdir()
    (workdir / "secrets" / "service__api_key").write_text("from-file")
    monkeypatch.setenv("TRAIN_SERVICE__API_KEY", "from-env")
    cfg = start(secrets_dir="secrets", env_prefix="TRAIN_").config
    assert cfg.service.api_key.get_secret_value() == "from-env"


def test_a_secret_file_for_a_plain_field_is_an_error_without_its_value(workdir: Path) -> None:
    (workdir / "secrets").mkdir()
    (workdir / "secrets" / "service__url").write_text("http://user:hunter2@host")
    (workdir / "secrets" / "epochs").write_text("hunter2")
    problems = problems_of(secrets_dir="secrets")
    assert problems == [
        "secrets/epochs: epochs: a secret file may only set a SecretStr or SecretBytes field, and this one is not",
        "secrets/service__url: service.url: a secret file may only set a SecretStr or SecretBytes field, "
        "and this one is not",
    ]
    assert "hunter2" not in "\n".join(problems)


def test_secret_file_values_never_reach_the_run_folder(workdir: Path) -> None:
    (workdir / "secrets").mkdir()
    (workdir / "secrets" / "service__api_key").write_bytes(b"hunter2-\xff")
    assert problems_of(secrets_dir="secrets") == [
        "secrets/service__api_key: service.api_key: secret file is not UTF-8 text"
    ]
    (workdir / "secrets" / "service__api_key").write_text("hunter2")
    run = tc.init(Settings, argv=[], defaults=None, secrets_dir="secrets", project="p")
    assert run.config.service.api_key.get_secret_value() == "hunter2"
    assert run.dir is not None
    written = "".join(p.read_text() for p in run.dir.iterdir() if p.is_file())
    assert "hunter2" not in written
    assert json.loads((run.dir / "meta.json").read_text())["project"] == "p"


def test_a_missing_secrets_folder_is_a_warning(workdir: Path) -> None:
    with pytest.warns(UserWarning, match=r"secrets_dir='nowhere' is not a folder; no secret files were read"):
        assert start(secrets_dir="nowhere").config.epochs == 10


def test_no_warning_without_strays(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAIN_EPOCHS", "5")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert start(env_prefix="TRAIN_").config.epochs == 5


def test_a_secret_file_too_large_is_refused_unread(workdir: Path) -> None:
    (workdir / "secrets").mkdir()
    (workdir / "secrets" / "service__api_key").write_bytes(b"x" * (1024 * 1024 + 1))
    assert problems_of(secrets_dir="secrets") == [
        "secrets/service__api_key: service.api_key: secret file larger than 1048576 bytes"
    ]
