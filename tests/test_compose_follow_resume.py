"""A resumed run keeps following the references whose value is a secret or a whole mapping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

import typed_config as tc


class Data(tc.HyperParams):
    root: str = "/data"
    cache: str = "/cache"


class Train(tc.HyperParams):
    epochs: int = 10
    token: SecretStr = SecretStr("default-token")
    backup: SecretStr = SecretStr("default-backup")
    other: SecretStr = SecretStr("default-other")
    data: Data = tc.Field(default_factory=Data)
    eval_data: Data = tc.Field(default_factory=Data)
    opts: dict[str, int] = tc.Field(default_factory=dict[str, int])
    copy_opts: dict[str, int] = tc.Field(default_factory=dict[str, int])


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def start(here: Path, text: str, **kwargs: Any) -> tc.Run[Train]:
    (here / "refs.yaml").write_text(text)
    return tc.init(Train, argv=["--configs", "refs.yaml"], defaults=None, project="p", **kwargs)


def provenance(run: tc.Run[Any]) -> dict[str, Any]:
    assert run.dir is not None
    run.update()  # the provenance log folded into provenance.json
    return json.loads((run.dir / "provenance.json").read_text())


def test_a_secret_that_follows_a_reference_follows_after_a_resume_and_stays_redacted(here: Path) -> None:
    first = start(here, "backup: ${token}\nother: pre-${token}\n", config={"token": "first-secret"})
    first.config.token = SecretStr("second-secret")
    assert first.config.backup.get_secret_value() == "second-secret"
    first.finish()
    # A reference with other text stays redacted: that secret must be given again, the other not.
    with pytest.raises(tc.ConfigError) as caught:
        tc.init(Train, argv=[], config={"token": "again"}, project="p", resume=first.id)
    assert [(p.key, p.message) for p in caught.value.problems] == [
        (
            "other",
            "is a secret the stored run keeps only redacted; give it again to resume "
            "(command line, environment, config file or config=)",
        )
    ]
    given = {"token": "third-secret", "other": "given-again"}
    run = tc.init(Train, argv=[], config=given, project="p", resume=first.id)
    assert run.config.backup.get_secret_value() == "third-secret"
    run.config.token = SecretStr("fourth-secret")
    assert run.config.backup.get_secret_value() == "fourth-secret"
    chains = provenance(run)
    assert [e["value"] for e in chains["backup"][:2]] == ["**********", "${token}"]
    assert {e["value"] for e in chains["backup"][2:]} == {"**********"}
    assert chains["backup"][-1]["source"] == "interpolation"
    assert {e["value"] for e in chains["other"]} == {"**********"}
    assert run.dir is not None
    for path in run.dir.iterdir():
        assert "secret" not in path.read_text(), path.name
        assert "pre-" not in path.read_text(), path.name
    assert '  refs.yaml:1:9: "${token}"' in str(run.explain("backup")).splitlines()


def test_a_reference_to_a_whole_mapping_follows_after_a_resume(here: Path) -> None:
    first = start(here, "eval_data: ${data}\nopts: {a: 1}\ncopy_opts: ${opts}\n")
    first.config.data.root = "/first"
    first.config.opts = {"a": 2, "b": 3}
    assert (first.config.eval_data.root, first.config.copy_opts) == ("/first", {"a": 2, "b": 3})
    first.finish()
    run = tc.init(Train, argv=[], project="p", resume=first.id)
    run.config.data.root = "/resumed"
    run.config.opts = {"c": 4}
    assert run.config.eval_data == Data(root="/resumed", cache="/cache")
    assert run.config.copy_opts == {"c": 4}
    lines = str(run.explain("eval_data.root")).splitlines()
    assert '  refs.yaml:1:12: "${data}" (written at eval_data)' in lines
    assert lines[-1].startswith('  refs.yaml:1:12: "/resumed" (interpolated from data (assignment at ')
    run.finish()
    stored = tc.Api().run(f"p/{run.id}", schema=Train)
    stored.config["data.cache"] = "/api"
    stored.update()
    assert stored.typed.eval_data == Data(root="/resumed", cache="/api")


def test_a_mapping_with_a_key_set_explicitly_no_longer_follows_after_a_resume(here: Path) -> None:
    first = start(here, "eval_data: ${data}\nopts: {a: 1}\ncopy_opts: ${opts}\n")
    first.config.eval_data.cache = "/pinned"
    first.finish()
    run = tc.init(Train, argv=[], project="p", resume=first.id)
    run.config.data.root = "/moved"
    run.config.opts = {"z": 9}
    assert run.config.eval_data == Data(root="/data", cache="/pinned")
    assert run.config.copy_opts == {"z": 9}  # the other mapping follows still
