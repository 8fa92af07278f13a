"""Sweep distributions: the numbers each takes, how a value is drawn, and where its draws would leave floats."""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable
from typing import Any, Final

_BASIC: Final[dict[str, tuple[str, ...]]] = {
    "constant": ("value",),
    **dict.fromkeys(("categorical", "categorical_w_probabilities"), ("values", "probabilities")),
    **dict.fromkeys(("int_uniform", "uniform", "log_uniform", "log_uniform_values"), ("min", "max")),
    **dict.fromkeys(("inv_log_uniform", "inv_log_uniform_values"), ("min", "max")),
    **dict.fromkeys(("normal", "log_normal"), ("mu", "sigma")),
    "beta": ("a", "b"),
}
_QUANTIZED: Final = ("uniform", "log_uniform", "log_uniform_values", "normal", "log_normal", "beta")
DISTRIBUTIONS: Final = {**_BASIC, **{f"q_{name}": (*_BASIC[name], "q") for name in _QUANTIZED}}
"""Each distribution wandb knows, and the keys its spec takes."""
NUMBERS: Final = ("min", "max", "q", "mu", "sigma", "a", "b")
DEFAULTS: Final = {"q": 1.0, "mu": 0.0, "sigma": 1.0, "a": 1.0, "b": 1.0}  # an int q rounds to ints
SIGMAS: Final = 8
"""A normal draw lies within mu ± 8 sigma but once in 10**15: how far check looks for overflows."""
_LARGEST_EXPONENT: Final = math.log(sys.float_info.max)  # about 709.78

_DRAW: Final[dict[str, Callable[[random.Random, dict[str, Any]], float]]] = {
    "int_uniform": lambda r, s: r.randint(s["min"], s["max"]),
    "uniform": lambda r, s: r.uniform(s["min"], s["max"]),
    "log_uniform": lambda r, s: math.exp(r.uniform(s["min"], s["max"])),
    "inv_log_uniform": lambda r, s: math.exp(-r.uniform(s["min"], s["max"])),
    "log_uniform_values": lambda r, s: math.exp(r.uniform(math.log(s["min"]), math.log(s["max"]))),
    # wandb draws 1/x log-uniformly between the values: x itself is then log-uniform between them.
    "inv_log_uniform_values": lambda r, s: math.exp(r.uniform(math.log(s["min"]), math.log(s["max"]))),
    "normal": lambda r, s: r.normalvariate(s["mu"], s["sigma"]),
    "log_normal": lambda r, s: r.lognormvariate(s["mu"], s["sigma"]),
    "beta": lambda r, s: r.betavariate(s["a"], s["b"]),
}


def filled(dist: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with wandb's defaults for the numbers it leaves out."""
    return {**{k: v for k, v in DEFAULTS.items() if k in DISTRIBUTIONS[dist]}, **spec}


def draw(dist: str, spec: dict[str, Any], rng: random.Random) -> Any:
    """One value of a drawn distribution (not a listed one).

    Raises:
        OverflowError: the value is beyond the largest float (``check`` makes this all but impossible).
    """
    value = _DRAW[dist.removeprefix("q_")](rng, spec)
    if "q" in spec:
        value = quantize(value, spec["q"])
    if isinstance(value, float) and not math.isfinite(value):
        raise OverflowError(f"{dist} drew {value}")
    return value


def quantize(value: float, q: float) -> Any:
    """``value`` rounded to a multiple of ``q`` as wandb rounds it (an int ``q`` gives an int)."""
    steps = value / q
    return round(steps) * q if math.isfinite(steps) else value  # so far out, rounding changes nothing


def exp(x: float) -> float:
    """``e**x``, or infinity beyond the largest float."""
    return math.exp(x) if x <= _LARGEST_EXPONENT else math.inf


def span(dist: str, spec: dict[str, Any]) -> tuple[float, float]:
    """The least and greatest values a distribution draws before rounding (infinite when beyond floats)."""
    base, s = dist.removeprefix("q_"), spec
    if base in ("normal", "log_normal"):
        lo, hi = s["mu"] - SIGMAS * s["sigma"], s["mu"] + SIGMAS * s["sigma"]
        return (exp(lo), exp(hi)) if base == "log_normal" else (lo, hi)
    if base == "beta":
        return 0.0, 1.0
    if base == "log_uniform":
        return exp(s["min"]), exp(s["max"])
    if base == "inv_log_uniform":
        return exp(-s["max"]), exp(-s["min"])
    return float(s["min"]), float(s["max"])


def overflow(dist: str, spec: dict[str, Any]) -> tuple[str, str] | None:
    """The key and message of a spec whose draws would leave floats (a range, a power, a rounding)."""
    if dist == "int_uniform":
        return None  # Python's ints are exact at any size
    s = filled(dist, spec)
    if "min" in s and not math.isfinite(float(s["max"]) - float(s["min"])):
        return "max", f"max - min is beyond the largest float (min {s['min']:g}, max {s['max']:g})"
    lo, hi = span(dist, s)
    base = dist.removeprefix("q_")
    if base in ("log_uniform", "inv_log_uniform") and not math.isfinite(max(lo, hi)):
        power = s["max"] if base == "log_uniform" else -s["min"]
        return (
            "max" if base == "log_uniform" else "min"
        ), f"{dist} draws e**{power:g}, beyond the largest float"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        reach = f"e**{s['mu'] + SIGMAS * s['sigma']:g}" if base == "log_normal" else f"mu ± {SIGMAS} sigma"
        key = "mu" if abs(s["mu"]) > SIGMAS * s["sigma"] else "sigma"
        return key, f"{dist} draws values up to {reach}, beyond the largest float"
    if "q" in s and not math.isfinite((abs(lo) + abs(hi)) / s["q"]):
        return (
            "q",
            f"q {s['q']:g} is too small: values up to {max(abs(lo), abs(hi)):g} / q are beyond the largest float",
        )
    return None
