"""Secrets never leak: each surface where a value or an argument shows, for secrets at every depth."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from pydantic import SecretStr
from secret_schema import Keys, Model
from shown import shown_by

import typed_config as tc

SECRET = "hunter2"  # noqa: S105 - every test's secrets contain it; no output may


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def assert_hidden(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text


def files_of(run: tc.Run[Keys]) -> dict[str, str]:
    assert run.dir is not None
    return {p.name: p.read_text() for p in run.dir.iterdir() if not p.name.startswith(".")}


def start(argv: list[str], **kwargs: object) -> tc.Run[Keys]:
    return tc.init(Keys, argv=argv, defaults=None, **kwargs)  # type: ignore[arg-type]


def secrets_everywhere(epochs: int = 1) -> Keys:
    """A config with the secret at every depth: a field, a list, a dict, a list of models, a tuple."""
    return Keys(
        api_key=SecretStr(SECRET),
        model=Model(secrets=[SecretStr(SECRET)]),
        creds={"db": SecretStr(SECRET)},
        servers=[{"password": SECRET}],  # type: ignore[list-item]
        pair=(SecretStr(SECRET),),
        epochs=epochs,
    )


def test_meta_json_keeps_each_argument_that_gives_a_secret_redacted_whole() -> None:
    argv = [
        "--api-key=hunter2",
        "--pin",
        "hunter2-pin",
        '--model.secrets=[a, "hunter2\\"quoted"]',
        '{"creds": {"db": "hunter2\\u00e9"}, "epochs": 3}',
        "servers=[{host: h, password: hunter2}]",
        "--pair",
        "hunter2-a",
        "hunter2-b",
        "--model.lr=0.5",
    ]
    run = start(argv)
    assert run.config.model.secrets[1].get_secret_value() == 'hunter2"quoted'
    assert run.config.creds["db"].get_secret_value() == "hunter2é"
    assert run.config.epochs == 3
    meta = json.loads(files_of(run)["meta.json"])
    assert meta["argv"] == [
        "--api-key=**********",
        "--pin",
        "**********",
        "--model.secrets=**********",
        "**********",
        "servers=**********",
        "--pair",
        "**********",
        "**********",
        "--model.lr=0.5",
    ]
    for text in files_of(run).values():
        assert_hidden(text)
    run.finish()


def test_provenance_and_explain_redact_secrets_in_containers_and_their_arguments() -> None:
    run = start(["--model.secrets=[hunter2-1, hunter2-2]", '{"creds": {"db": "hunter2"}}', "--epochs=2"])
    assert str(run.explain("model.secrets")).splitlines() == [
        'model.secrets = ["**********", "**********"]',
        "  schema default: []",
        '  --model.secrets=**********: ["**********", "**********"]',
    ]
    assert str(run.explain("creds.db")).splitlines() == [
        'creds.db = "**********"',
        "  **********['creds']: \"**********\"",
    ]
    provenance = json.loads(files_of(run)["provenance.json"])
    assert provenance["creds.db"] == [
        {"source": "command line", "origin": "**********['creds']", "value": "**********"}
    ]
    assert_hidden(*files_of(run).values())
    run.finish()


def test_to_flat_and_trackers_redact_secrets_at_every_depth() -> None:
    cfg = secrets_everywhere()
    flat = cfg.to_flat()
    assert flat["model.secrets"] == ["**********"]
    assert flat["servers"] == [{"host": "localhost", "password": "**********"}]
    assert_hidden(json.dumps(flat), json.dumps(cfg.to_flat(scalars=True)), repr(cfg), tc.dump_defaults(cfg))


def test_a_secret_option_takes_a_value_that_starts_with_a_dash() -> None:
    run = start(["--api-key", "-hunter2", "--epochs", "2"])
    assert (run.config.api_key.get_secret_value(), run.config.epochs) == ("-hunter2", 2)
    run.finish()
    with pytest.raises(tc.ConfigError) as info:  # a known option is not taken as the secret
        start(["--api-key", "--epochs", "2"])
    assert str(info.value) == "--api-key: api_key: expected a value"


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["--api-kye=hunter2"], {}, "--api-kye=**********: unknown option; did you mean '--api_key'?"),
        (["api_kye=hunter2"], {}, "api_kye=**********: unexpected argument"),
        (
            ['{"api_key": "hunter2", '],
            {},
            "**********: not a JSON object: Expecting property name enclosed in",
        ),
        (
            ["--model.secrets=[*hunter2]"],
            {},
            "--model.secrets=**********: model.secrets: cannot read the value (not",
        ),
        (
            ["--pin=hunt"],
            {},
            "--pin=**********: pin: Value should have at least 6 items after validation, not 4",
        ),
        (
            ["--pin", "hunt"],
            {},
            "--pin **********: pin: Value should have at least 6 items after validation, no",
        ),
        (
            ["--model={secrets: hunter2}"],
            {},
            "--model=**********: model.secrets: Input should be a valid array (got",
        ),
        (
            ['{"servers": [{"password": ["hunter2"]}]}'],
            {},
            "**********['servers']: servers[0].password: Input s",
        ),
        (
            ["--api-key=hunter2", "--api-key", "hunter2-b"],
            {},
            "--api-key **********: api_key: is also set by --api-",
        ),
        (
            ["--creds.db=hunter2", "--creds={db: hunter2-b}"],
            {},
            "--creds=**********: creds: is also set by --creds.db=",
        ),
        (
            [],
            {"K_MODEL__SECRETS": "[!hunter2 a]"},
            "$K_MODEL__SECRETS: model.secrets: cannot read the value (not ",
        ),
    ],
)
def test_messages_never_show_a_secret(argv: list[str], env: dict[str, str], expected: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with pytest.raises(tc.ConfigError) as info:
            start(argv, env_prefix="K_")
    assert str(info.value).startswith(expected[:100].replace("hunter2", "**********"))
    assert_hidden(shown_by(info.value))


def test_an_invalid_secret_chains_no_pydantic_error() -> None:
    run = start(["--pin=hunter2-pin"], dir=None)
    for attempt in (
        lambda: setattr(run.config, "pin", "hunt"),
        lambda: run.config.update({"pin": "hunt"}),
        lambda: tc.load(Keys, overrides={"pin": "hunt"}),
        lambda: tc.load(Keys, overrides={"model.secrets": "hunter2"}),
    ):
        with pytest.raises(tc.ConfigError) as info:
            attempt()
        chained: BaseException | None = info.value
        while chained is not None:  # pydantic's errors hold the input: none may be chained
            assert isinstance(chained, tc.ConfigError)
            chained = chained.__cause__ or chained.__context__
        assert "hunt" not in shown_by(info.value)
    assert run.config.pin is not None
    assert run.config.pin.get_secret_value() == "hunter2-pin"


def test_print_config_shows_neither_the_secret_nor_the_argument_that_gave_it() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        start(["--print-config", "--api-key", "hunter2", "--model.secrets", "hunter2-a", "hunter2-b"])
    lines = out.getvalue().splitlines()
    # Left out of the YAML that --configs takes back, with a comment saying how to pass them.
    assert (
        lines[0] == "# api_key: a secret, not printed; pass it with --api-key=... or an environment variable"
    )
    assert (
        "# model.secrets: a secret, not printed; pass it with --model.secrets=... or an environment variable"
        in lines
    )
    assert_hidden(out.getvalue())


def test_a_resumed_run_must_be_given_again_each_secret_a_source_set() -> None:
    first = start(
        ["--api-key=hunter2", "--model.secrets", "hunter2-a", "--creds.db=hunter2-db", "--epochs=3"]
    )
    first.finish()
    with pytest.raises(tc.ConfigError) as info:
        start([], resume=first.id)
    lines = str(info.value).splitlines()
    assert [line.split(": ", 2)[1] for line in lines] == ["api_key", "model.secrets", "creds.db"]
    assert lines[0] == (
        f"runs/default/{first.id}/config.yaml:2:1: api_key: is a secret the stored run keeps only "
        "redacted; give it again to resume (command line, environment, config file or config=)"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("K_CREDS__DB", "hunter2-env")
        again = start(
            ["--api-key=hunter2-new", "--model.secrets=[hunter2-b]"], resume=first.id, env_prefix="K_"
        )
    assert again.config.api_key.get_secret_value() == "hunter2-new"
    assert [s.get_secret_value() for s in again.config.model.secrets] == ["hunter2-b"]
    assert again.config.creds["db"].get_secret_value() == "hunter2-env"
    assert again.config.epochs == 3
    assert_hidden(*files_of(again).values())
    again.finish()


def test_a_resumed_secret_that_held_its_default_gets_the_default_and_defaults_files_are_read_again() -> None:
    Path("config-defaults.yaml").write_text(
        "api_key: hunter2-from-defaults\nservers: [{password: hunter2-s}]\n"
    )
    first = tc.init(Keys, argv=["--epochs=4"])
    assert first.config.api_key.get_secret_value() == "hunter2-from-defaults"
    first.finish()
    again = tc.init(Keys, argv=[], resume=first.id)
    assert again.config.api_key.get_secret_value() == "hunter2-from-defaults"
    assert again.config.servers[0].password.get_secret_value() == "hunter2-s"
    assert again.config.blob.get_secret_value() == b""  # only ever the default: not asked for again
    assert again.config.epochs == 4
    assert_hidden(*files_of(again).values())
    again.finish()


def test_from_wandb_never_takes_the_marker_for_a_secret_in_containers_either() -> None:
    cfg = secrets_everywhere(epochs=5)
    import typed_config.wandb as tcw

    pushed = tcw.to_wandb(cfg)
    assert_hidden(json.dumps(pushed))
    back = tcw.from_wandb(Keys, pushed)
    assert back == Keys(epochs=5)  # every secret falls back to its default
    with pytest.raises(tc.ConfigError) as info:
        tcw.from_wandb(Keys, {"creds": {"db": "hunter2-a"}, "creds.db": "hunter2-b"})
    assert str(info.value) == (
        "wandb.config['creds.db']: creds.db: wandb.config['creds.db'] gives '**********', "
        "but wandb.config['creds'] gives '**********'"
    )


def test_a_secret_is_locked_and_set_like_any_value_and_shown_redacted() -> None:
    run = start(["--api-key=hunter2"], config={"pin": "hunter2-pin"}, dir=None)
    with pytest.raises(tc.ConfigError) as info:
        run.config.api_key = SecretStr("hunter2-b")
    assert str(info.value).endswith(
        "api_key: is locked: --api-key=********** set it (a command-line or sweep value); code cannot change it"
    )
    with pytest.raises(tc.ConfigError) as info:
        run.config.update({"pin": "hunter2-new"})
    assert str(info.value).endswith(
        "pin: already set to '**********' by config={...}['pin']; changing it to '**********' "
        "needs allow_val_change=True"
    )
    run.config.update({"pin": "hunter2-new"}, allow_val_change=True)
    assert run.config.pin is not None
    assert run.config.pin.get_secret_value() == "hunter2-new"
    assert str(run.explain("pin")).splitlines()[-1].endswith(': "**********"')
    assert_hidden(str(run.explain("pin")), str(run.explain("api_key")))
