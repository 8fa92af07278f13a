"""typed_config: experiment configuration as typed, validated, traceable data.

Declare hyperparameters once as ``HyperParams`` models; fill them from ``config-defaults.yaml``,
config files and command-line overrides; get one ``ConfigError`` naming every problem with its
file, line and column; hand training code an object mypy and pyright understand.
"""

from typed_config import (
    search as search,
)  # the distributions a field's space is written with: tc.search.Choice
from typed_config._errors import ConfigError, Origin, Problem
from typed_config._flat.fingerprint import fingerprint
from typed_config._flat.flatten import flatten
from typed_config._keys.dotted import unflatten
from typed_config._launch import LaunchResult, Local, Ray, RunResult, Slurm, launch
from typed_config._model.defaults_file import dump_defaults
from typed_config._model.load import load, loads
from typed_config._model.model import Field, HyperParams
from typed_config._run.api import Api, RunList, StoredConfig, StoredRun
from typed_config._run.explain import Explanation, Setting
from typed_config._run.run import Run
from typed_config._script.argparse_flags import add_arguments
from typed_config._script.call import call
from typed_config._script.init import VERSION, init

__all__ = [
    "Api",
    "ConfigError",
    "Explanation",
    "Field",
    "HyperParams",
    "LaunchResult",
    "Local",
    "Origin",
    "Problem",
    "Ray",
    "Run",
    "RunList",
    "RunResult",
    "Setting",
    "Slurm",
    "StoredConfig",
    "StoredRun",
    "add_arguments",
    "call",
    "dump_defaults",
    "fingerprint",
    "flatten",
    "init",
    "launch",
    "load",
    "loads",
    "unflatten",
]

__version__ = VERSION  # its one home is _script/init.py, which records it in meta.json
del VERSION

# Classes report the public module as theirs (in reprs, docs and pickles), as httpx does.
for _public in [globals()[name] for name in __all__]:
    if isinstance(_public, type) and _public.__module__.startswith("typed_config._"):
        _public.__module__ = __name__
