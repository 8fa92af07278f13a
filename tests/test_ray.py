"""typed_config.ray with the real Ray Tune on a local Ray instance (``num_cpus=2``).

The functions Ray runs live in ``procs/search_schema.py``: Ray's workers import them by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ray
from procs import search_schema
from procs.search_schema import SGD, Adam, SearchParams
from ray import tune

from typed_config import ConfigError, search
from typed_config.ray import param_space, trainable, validated

TESTS = Path(__file__).parent


def test_param_space_is_nested_with_a_tune_domain_for_every_searched_key() -> None:
    space = param_space(SearchParams)
    assert set(space) == {"dropout", "batch_size", "model", "optimizer"}
    assert set(space["model"]) == {"width", "depth", "activation"}
    assert set(space["optimizer"]) == {"name", "lr", "momentum"}
    assert space["batch_size"].categories == [16, 32, 64]
    assert (space["dropout"].lower, space["dropout"].upper) == (0.0, 0.5)
    assert (space["model"]["width"].lower, space["model"]["width"].upper) == (16, 257)  # Ray's upper is open
    assert space["model"]["depth"].categories == [2, 4, 6, 8]
    assert isinstance(space["optimizer"]["lr"], tune.search.sample.Function)  # conditional on the variant


def test_validated_takes_nested_or_dotted_configs_and_drops_the_other_variants_keys() -> None:
    nested = {"dropout": 0.1, "optimizer": {"name": "adam", "lr": 0.02, "momentum": None}}
    assert validated(SearchParams, nested).optimizer == Adam(lr=0.02)
    dotted = {"optimizer.name": "sgd", "optimizer.lr": 0.3, "optimizer.momentum": 0.2}
    assert validated(SearchParams, dotted).optimizer == SGD(lr=0.3, momentum=0.2)
    with pytest.raises(ConfigError) as info:
        validated(SearchParams, {"dropout": 1.5, "optimizer.name": "sgd"}, "ray tune trial t1")
    assert str(info.value) == "ray tune trial t1: dropout: Input should be less than or equal to 1 (got 1.5)"


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": str(TESTS)}},
    )
    try:
        yield
    finally:
        ray.shutdown()


def fit(space: dict[str, Any], samples: int, storage: Path) -> tune.ResultGrid:
    tuner = tune.Tuner(
        trainable(search_schema.scored, SearchParams),
        param_space=space,
        tune_config=tune.TuneConfig(num_samples=samples, metric="score", mode="min"),
        run_config=tune.RunConfig(storage_path=str(storage), verbose=0),
    )
    return tuner.fit()


def test_tune_trials_get_validated_configs_inside_the_space_and_refused_ones_fail(
    local_ray: None, tmp_path: Path
) -> None:
    # The schema's own space, and one key overridden by a user-written grid the schema partly refuses.
    space = {**param_space(SearchParams), "dropout": tune.grid_search([0.125, 1.5])}
    results = fit(space, 3, tmp_path)
    good = [r for r in results if r.error is None]
    bad = [r for r in results if r.error is not None]
    assert (len(good), len(bad)) == (3, 3)
    for result in good:
        assert result.metrics["dropout"] == 0.125
        cfg = validated(SearchParams, result.config)
        assert result.metrics["score"] == search_schema.objective(cfg)
        flat = cfg.to_flat()
        for item in search.spaced(SearchParams):
            if item.key != "dropout" and all(flat[tag_key] == tag for tag_key, tag in item.when):
                assert item.distribution.contains(flat[item.key]), (item.name, flat[item.key])
    for result in bad:
        message = str(result.error)
        assert "SearchParams refused the trial's config:" in message
        assert ": dropout: Input should be less than or equal to 1 (got 1.5)" in message
        assert "ray tune trial " in message
