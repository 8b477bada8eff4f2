"""The app's URL: the one place that knows how an AppState is written into a link and read back.

    ?surface=beale&start=1,1.5&steps=500&view=contour
     &run=adamax(lr=0.05)&run=adam(lr=0.05,beta2=0.99)&run=sgd(lr=0.001,momentum=0.9)

`surface` may carry the surface's own parameters in the same call syntax: `surface=quadratic(condition=50,angle=30)`.
A user's own surface is `surface=custom` with its formula in a parameter of its own, since a formula is no
call of numbers and words: `formula=` (percent-encoded by the browser, at most MAX_FORMULA_CHARS characters,
read only by the safe parser of surfaces/formula.py), `domain=x0,x1,y0,y1` (optional, default -2,2,-2,2) and
`minimum=x,y` (optional). The page's gradient noise is a call: `noise=gaussian(scale=0.1,relative=true,seed=1)`
or `noise=spikes(every=50,factor=100,seed=1)`; absent means off.
Links come from whoever wrote them, so `decode` never raises and never does unbounded work: each value is
capped in length, at most MAX_RUNS runs and MAX_ARGUMENTS arguments per call are read, and the call syntax
is read by a small hand-written parser that knows only `name` and `name(key=value, ...)`, where a value is a
plain decimal number (optionally negative) or a bare word. Nothing is ever evaluated. (A hand-written parser
rather than `ast.parse`: the latter warns on text like `1if`, NFKC-folds identifiers and accepts `1_0`, `0x1`
and `1j` as numbers, all of which would need policing after the fact.) Whatever cannot be used as written
is dropped, clamped or replaced by the surface's preset, and `decode` says so in a list of notices.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import islice
from urllib.parse import urlencode

from optimizers.base import Hyperparameter
from optimizers.noise import EVERY_RANGE, FACTOR_RANGE, SCALE_RANGE, SEED_RANGE, GradientNoise
from optimizers.registry import OPTIMIZERS, make_optimizer
from surfaces import SURFACE_PARAMETER_RANGES, SURFACES, make_surface

from . import model_spec
from .custom import CUSTOM, DEFAULT_DOMAIN, DEFAULT_PARAMS, build, custom_params, custom_preset
from .presets import DEFAULT_SURFACE, preset_for
from .sections import SECTIONS
from .state import (
    MAX_RUNS,
    MAX_STEPS,
    MIN_STEPS,
    SWEEP_METRICS,
    SWEEP_RESOLUTIONS,
    AppState,
    RunSpec,
    SweepSpec,
)

MAX_VALUE_CHARS = 300   # longer than any link the app writes; longer values are ignored unread
MAX_ARGUMENTS = 16      # per call; no optimizer has more than 6 hyperparameters
MAX_NOTICES = 12
LOG_SCALE_FLOOR = 1e-12  # a log-scale slider cannot show 0, so its range starts here
VIEWS = ("contour", "3d")
# Every parameter a link may carry, with what it sets: a key not in this table gets an "unknown" notice. The view's
# own are read here (`decode`); the classroom's by the module named, which gets the same query.
PARAMETERS = {
    "surface": "a surface key, or a call with its parameters: quadratic(condition=50,angle=30)",
    "start": "x,y", "steps": f"{MIN_STEPS}–{MAX_STEPS}", "view": " or ".join(("contour", "3d")),
    "run": f"an optimizer call, repeatable up to {MAX_RUNS} times", "section": "the section on screen",
    "formula": "surface=custom's formula", "domain": "surface=custom's x0,x1,y0,y1", "minimum": "surface=custom's x,y",
    "noise": "gaussian(…) or spikes(…)", "sweep": "the Sweeps section's call",
    "model": "the real-model section's call (ui/model_spec.py)",
    "lesson": "a lesson (ui/modes/classroom.py)", "scene": "its scene (ui/modes/classroom.py)",
    "present": "presentation mode (ui/modes/presentation.py)",
    "stride": "steps between animation frames (ui/modes/presentation.py)",
    "sections": "the sections offered (ui/modes/teacher.py)", "lock": "locked controls (ui/modes/teacher.py)",
    "hide": "hidden controls (ui/modes/teacher.py)",
}
KEYS = tuple(PARAMETERS)
MAX_FORMULA_VALUE_CHARS = 500  # = surfaces.formula.MAX_FORMULA_CHARS (not imported: it would import SymPy)
# The Sweeps section's settings as a call: sweep=adamax(x=lr,y=beta2,vs=adam,color=gap,cells=64), only the
# arguments that differ from SweepSpec's defaults written; vs=none shows no second map.
SWEEP_ARGUMENTS = {"x": "x", "y": "y", "vs": "compare", "color": "metric", "cells": "resolution"}

_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_TOKEN = re.compile(rf"\s*(?:(?P<number>{_NUMBER})|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[(),=-]))")
_SIGNED_NUMBER = re.compile(rf"\s*-?{_NUMBER}\s*")
_STEPS = re.compile(r"\s*-?[0-9]{1,9}\s*")  # more digits than that is not a step count anyone meant
_TRUE, _FALSE = ("true", "True"), ("false", "False")

Domain = tuple[tuple[float, float], tuple[float, float]]


# ---------------------------------------------------------------- writing

def encode(state: AppState) -> dict[str, str | list[str]]:
    """`state` as query parameters for `st.query_params.from_dict` (the repeated `run` as a list)."""
    query: dict[str, str | list[str]] = {
        "surface": _call(state.surface, state.surface_params) if state.surface != CUSTOM else CUSTOM,
        **(_custom_query(state.surface_params) if state.surface == CUSTOM else {}),
        "start": ",".join(_number(value) for value in state.start),
        "steps": str(int(state.steps)),
        "view": state.view,
    }
    if state.runs:
        query["run"] = [_call(spec.optimizer, _non_default(spec)) for spec in state.runs]
    if state.section != "race":  # the default section is left out, so older links read the same
        query["section"] = state.section
    if state.noise is not None:
        query["noise"] = _noise_call(state.noise)
    if state.section == "sweep" or state.sweep != SweepSpec():
        query["sweep"] = _sweep_call(state.sweep)
    if state.section == "model" or state.model != model_spec.ModelSpec():
        query["model"] = _model_call(state.model)
    return query


def _custom_query(params) -> dict[str, str]:
    """formula=, domain= and (when given) minimum= of a custom surface."""
    values = dict(params)
    query = {"formula": str(values["formula"]),
             "domain": ",".join(_number(value) for pair in values["domain"] for value in pair)}
    if values.get("minimum") is not None:
        query["minimum"] = ",".join(_number(value) for value in values["minimum"])
    return query


def _noise_call(noise: GradientNoise) -> str:
    if noise.kind == "spikes":
        return _call("spikes", (("every", noise.every), ("factor", noise.factor), ("seed", noise.seed)))
    return _call("gaussian", (("scale", noise.scale), ("relative", noise.relative), ("seed", noise.seed)))


def _sweep_call(sweep: SweepSpec) -> str:
    default = SweepSpec()
    params = tuple((key, getattr(sweep, field) or "none") for key, field in SWEEP_ARGUMENTS.items()
                   if getattr(sweep, field) != getattr(default, field))
    return _call(sweep.optimizer, params)


def to_query_string(state: AppState) -> str:
    """`state` as an urlencoded query string (without the leading "?"), keeping `,()=` readable."""
    return urlencode(encode(state), doseq=True, safe=",()=")


def _call(name: str, params: tuple[tuple[str, object], ...]) -> str:
    if not params:
        return name
    return f"{name}({','.join(f'{key}={_word(value)}' for key, value in params)})"


def _word(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(float(value))
    return str(value)


def _number(value: float) -> str:
    """Shortest text that reads back as exactly `value`: 20 for 20.0, 0.05, 1e-08; no "+" (a space in URLs)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value).replace("e+", "e")


def _non_default(spec: RunSpec) -> tuple[tuple[str, object], ...]:
    cls = OPTIMIZERS.get(spec.optimizer)
    if cls is None:
        return spec.params
    defaults = cls().hyperparameters()
    return tuple((name, value) for name, value in spec.params if name not in defaults or value != defaults[name])


# ---------------------------------------------------------------- the call syntax

class _SyntaxProblem(ValueError):
    pass


@dataclass(frozen=True)
class _Value:
    """One argument's value as written: a number (`number` is its float, maybe ±inf) or a bare word."""

    text: str
    number: float | None = None
    word: str | None = None


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            unexpected = text[position:].lstrip()[:1]
            if not unexpected:
                break
            raise _SyntaxProblem(f"unexpected {unexpected!r}")
        kind = match.lastgroup or ""
        token = match.group(kind)
        position = match.end()
        if kind == "number" and re.match(r"[A-Za-z0-9_.]", text[position:position + 1]):
            raise _SyntaxProblem(f"malformed number {token + text[position]!r}")
        tokens.append((kind, token))
    return tokens


def _read_call(text: str, notices: _Notices, problem_words: str) -> tuple[str, list[tuple[str, _Value]]] | None:
    """`text` as a call, or None with a notice: `problem_words` formatted with {text} and {problem}."""
    try:
        return _parse_call(text)
    except _SyntaxProblem as problem:
        notices.add(problem_words.format(text=_show(text), problem=problem))
        return None


def _parse_call(text: str) -> tuple[str, list[tuple[str, _Value]]]:
    """Read `name` or `name(key=value, ...)`; a value is [-]number or a bare word. Raises _SyntaxProblem."""
    tokens = _tokens(text)
    if not tokens or tokens[0][0] != "word":
        raise _SyntaxProblem("expected a name")
    name, rest = tokens[0][1], tokens[1:]
    if not rest:
        return name, []
    if rest[0] != ("punct", "(") or rest[-1] != ("punct", ")"):
        raise _SyntaxProblem("expected name(key=value, ...)")
    arguments: list[tuple[str, _Value]] = []
    inner, index = rest[1:-1], 0
    while index < len(inner):
        if inner[index][0] != "word" or inner[index + 1:index + 2] != [("punct", "=")]:
            raise _SyntaxProblem("expected key=value arguments")
        key, index = inner[index][1], index + 2
        negative = inner[index:index + 1] == [("punct", "-")]
        index += negative
        if index >= len(inner) or inner[index][0] == "punct":
            raise _SyntaxProblem(f"no value for {key}")
        kind, token = inner[index]
        index += 1
        if index < len(inner):
            if inner[index] != ("punct", ","):
                raise _SyntaxProblem(f"unexpected {inner[index][1]!r} after {key}={token}")
            index += 1
        shown = "-" * negative + token
        if kind == "number":
            arguments.append((key, _Value(shown, number=-float(token) if negative else float(token))))
        else:
            arguments.append((key, _Value(shown, word=None if negative else token)))
    return name, arguments


# ---------------------------------------------------------------- reading

class _Notices:
    """What the link asked for that could not be used as written, in the order found; capped."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.hidden = 0  # notices counted but not written out (unknown keys past the first few)

    def add(self, message: str) -> None:
        self.items.append(message)

    def result(self) -> list[str]:
        hidden = self.hidden + max(len(self.items) - MAX_NOTICES, 0)
        return self.items[:MAX_NOTICES] + ([f"… and {hidden} more."] if hidden else [])


def _show(text: object, limit: int = 40) -> str:
    """User text, quoted and escaped for a notice, cut short if long."""
    text = text if isinstance(text, str) else str(type(text).__name__)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _brief(text: str, limit: int = 30) -> str:
    """An argument as written (parsed tokens are plain ASCII words and numbers), cut short if long."""
    return text if len(text) <= limit else text[:limit] + "…"


def _values(query: Mapping, key: str) -> list[object]:
    values = query.get(key)
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    if isinstance(values, list | tuple):
        return list(values[:MAX_RUNS + 1])  # nobody reads further
    return [values]


def _single(query: Mapping, key: str, notices: _Notices, limit: int = MAX_VALUE_CHARS) -> str | None:
    """The one value of `key`, or None when absent or unusable (with a notice)."""
    values = _values(query, key)
    if not values:
        return None
    if len(values) > 1:
        notices.add(f"The link sets {key} more than once; used the first ({_show(values[0])}).")
    value = values[0]
    if not isinstance(value, str):
        notices.add(f"Could not read the {key} value; ignored it.")
        return None
    if len(value) > limit:
        notices.add(f"The {key} value is too long ({len(value):,} characters); ignored it.")
        return None
    return value


def decode(query: Mapping[str, list[str]]) -> tuple[AppState, list[str]]:
    """The state a link describes, and a notice for everything in it that was ignored, clamped or replaced.

    `query` maps each key to its values (a single str is accepted too). Missing parts come from the
    surface's preset. Never raises; the work done is bounded whatever the input.
    """
    notices = _Notices()
    try:
        state = _decode(query if isinstance(query, Mapping) else {}, notices)
    except Exception as error:  # a bug here must not take the page down: open the default view instead
        notices.add(f"Could not read this link ({type(error).__name__}); showing the default view.")
        state = preset_for(DEFAULT_SURFACE)
    return state, notices.result()


def _decode(query: Mapping, notices: _Notices) -> AppState:
    surface_text = _single(query, "surface", notices)
    if surface_text is not None and surface_text.strip() == CUSTOM:
        surface, surface_params, domain = _read_custom(query, notices)
    else:
        surface, surface_params, domain = _read_surface(surface_text, notices)
        ignored = [key for key in ("formula", "domain", "minimum") if key in query]
        if ignored:
            notices.add(f"{', '.join(ignored)} apply only with surface=custom; ignored.")
    preset = custom_preset(surface_params) if surface == CUSTOM else _preset(surface, domain)
    state = AppState(
        surface=surface,
        surface_params=surface_params if surface_params is not None else preset.surface_params,
        start=_read_start(_single(query, "start", notices), domain, preset.start, notices),
        steps=_read_steps(_single(query, "steps", notices), preset.steps, notices),
        view=_read_choice("view", _single(query, "view", notices), VIEWS, "contour", notices),
        runs=_read_runs(query, preset.runs, notices),
        section=_read_choice("section", _single(query, "section", notices), tuple(SECTIONS), "race", notices),
        noise=_read_noise(_single(query, "noise", notices), notices),
        sweep=_read_sweep(_single(query, "sweep", notices), notices),
        model=_read_model(_single(query, "model", notices), notices),
    )
    _report_unknown_keys(query, notices)
    return state


def _report_unknown_keys(query: Mapping, notices: _Notices) -> None:
    """A notice per unknown key, naming the first few and counting the rest (never a walk over them all)."""
    unknown = len(query) - sum(1 for key in KEYS if key in query)
    named = 0
    for key in islice(query, len(KEYS) + MAX_NOTICES):
        if key not in KEYS:
            notices.add(f"Ignored the unknown link parameter {_show(key)}.")
            named += 1
    notices.hidden += unknown - named


def _preset(surface: str, domain: Domain) -> AppState:
    """The preset of `surface`, with its start inside `domain` (a surface without a preset borrows the default's)."""
    preset = preset_for(surface)
    if preset.surface != surface:
        preset = AppState(surface, _default_surface_params(surface), preset.start, preset.steps, "contour",
                          preset.runs)
    start = tuple(min(max(value, low), high) for value, (low, high) in zip(preset.start, domain, strict=True))
    return AppState(preset.surface, preset.surface_params, start, preset.steps, preset.view, preset.runs)


def _default_surface_params(surface: str) -> tuple[tuple[str, float], ...]:
    preset = preset_for(surface)
    known = dict(preset.surface_params) if preset.surface == surface else {}
    built = getattr(SURFACES[surface], "parameters", None) or {}
    params = {}
    for name, (low, high) in SURFACE_PARAMETER_RANGES.get(surface, {}).items():
        value = known.get(name, built.get(name, low))
        params[name] = min(max(float(value), float(low)), float(high))
    return tuple(sorted(params.items()))


def _read_surface(text: str | None, notices: _Notices) -> tuple[str, tuple[tuple[str, float], ...] | None, Domain]:
    """(surface key, its parameters or None for the preset's, its domain)."""
    default = DEFAULT_SURFACE
    if text is None:
        return default, None, SURFACES[default].domain
    call = _read_call(text, notices, f"Could not read surface {{text}} ({{problem}}): showing {default} instead.")
    if call is None:
        return default, None, SURFACES[default].domain
    name, arguments = call
    if name not in SURFACES:
        notices.add(f"Unknown surface {_show(name)}: showing {default} instead.")
        return default, None, SURFACES[default].domain
    ranges = SURFACE_PARAMETER_RANGES.get(name, {})
    if not ranges:
        if arguments:
            written = ", ".join(f"{key}={value.text}" for key, value in arguments[:3])
            notices.add(f"Surface {name} takes no parameters; ignored {_brief(written, 60)}.")
        return name, None, SURFACES[name].domain
    where = f"Surface {name}"
    readers = {key: functools.partial(_number_reader, where, float(low), float(high), notices)
               for key, (low, high) in ranges.items()}
    given, _ = _read_arguments(arguments, where, readers, notices,
                               unknown=f"{where} has no parameter {{key}} (it has {{known}}); ignored it.")
    surface_params = tuple(sorted({**dict(_default_surface_params(name)), **given}.items()))
    try:
        domain = make_surface(name, **dict(surface_params)).domain
    except Exception as error:
        notices.add(f"Surface {name} rejected {_show(_call(name, surface_params), 80)} ({error}); "
                    "using its preset parameters.")
        surface_params = _default_surface_params(name)
        domain = SURFACES[name].domain
    return name, surface_params, domain


def _read_custom(query: Mapping, notices: _Notices) -> tuple[str, tuple | None, Domain]:
    """surface=custom: its formula=, domain= and minimum=, checked by building the surface (never executed)."""
    formula = _single(query, "formula", notices, limit=MAX_FORMULA_VALUE_CHARS)
    if formula is None:  # absent: the example formula, like any missing part of a link
        if "formula" in query:
            notices.add("surface=custom has no usable formula=…; showing the example formula.")
        formula = dict(DEFAULT_PARAMS)["formula"]
    domain = _read_domain(_single(query, "domain", notices), notices)
    minimum = _read_minimum(_single(query, "minimum", notices), notices)
    for given in ((minimum, None) if minimum is not None else (None,)):
        try:
            params = custom_params(formula, domain, given)
            return CUSTOM, params, build(params).domain
        except ValueError as error:  # FormulaError is a ValueError
            problem = str(error)  # notices are shown as plain text (ui/plain.py): nothing to escape
        if given is not None:
            notices.add(f"The link's minimum could not be used ({problem}); ignored it.")
    notices.add(f"The link's formula {_show(formula)} could not be used: {problem}. "
                f"Showing {DEFAULT_SURFACE} instead.")
    return DEFAULT_SURFACE, None, SURFACES[DEFAULT_SURFACE].domain


def _finite_numbers(text: str, count: int) -> list[float] | None:
    """`text` as exactly `count` comma-separated finite decimal numbers ("x,y", "x0,x1,y0,y1"), or None."""
    parts = text.split(",", count)
    if len(parts) != count or not all(_SIGNED_NUMBER.fullmatch(part) for part in parts):
        return None
    numbers = [float(part) for part in parts]
    return numbers if all(map(math.isfinite, numbers)) else None


def _read_domain(text: str | None, notices: _Notices) -> Domain:
    if text is None:
        return DEFAULT_DOMAIN
    numbers = _finite_numbers(text, 4)
    if numbers is not None and numbers[0] < numbers[1] and numbers[2] < numbers[3]:
        return (numbers[0], numbers[1]), (numbers[2], numbers[3])
    notices.add(f"Could not read domain {_show(text)} (expected x0,x1,y0,y1 with x0 < x1 and y0 < y1): "
                "using -2,2,-2,2.")
    return DEFAULT_DOMAIN


def _read_minimum(text: str | None, notices: _Notices) -> tuple[float, float] | None:
    if text is None:
        return None
    numbers = _finite_numbers(text, 2)
    if numbers is not None:
        return numbers[0], numbers[1]
    notices.add(f"Could not read minimum {_show(text)} (expected x,y); searching for the minima instead.")
    return None


_NOISE_ARGUMENTS = {  # kind → {argument: (low, high, kind of value)}
    "gaussian": {"scale": (*SCALE_RANGE, "number"), "relative": (0, 1, "bool"), "seed": (*SEED_RANGE, "integer")},
    "spikes": {"every": (*EVERY_RANGE, "integer"), "factor": (*FACTOR_RANGE, "number"),
               "seed": (*SEED_RANGE, "integer")},
}


def _read_noise(text: str | None, notices: _Notices) -> GradientNoise | None:
    """noise=gaussian(scale=…,relative=…,seed=…) or spikes(every=…,factor=…,seed=…); off/absent: None."""
    if text is None:
        return None
    call = _read_call(text, notices, "Could not read noise {text} ({problem}); the gradients are exact.")
    if call is None:
        return None
    kind, arguments = call
    if kind == "off":
        return None
    if kind not in _NOISE_ARGUMENTS:
        notices.add(f"Unknown noise {_show(kind)} (expected gaussian, spikes or off); the gradients are exact.")
        return None
    where = f"Noise {kind}"
    readers = {key: (functools.partial(_bool_reader, where, notices) if kind_of_value == "bool" else
                     functools.partial(_number_reader, where, float(low), float(high), notices,
                                       whole=kind_of_value == "integer"))
               for key, (low, high, kind_of_value) in _NOISE_ARGUMENTS[kind].items()}
    settings, _ = _read_arguments(arguments, where, readers, notices,
                                  unknown=f"{where} has no setting {{key}} (it has {{known}}); ignored it.")
    return GradientNoise(kind=kind, **settings)


def _bool_reader(where: str, notices: _Notices, key: str, value: _Value) -> bool | None:
    if value.word in _TRUE or value.word in _FALSE:
        return value.word in _TRUE
    notices.add(f"{where}: {key}={_brief(value.text)} is not true or false; ignored it.")
    return None


def _choice_reader(where: str, options, what: str, instead: str, notices: _Notices) -> Callable:
    """A reader of a bare word among `options`; otherwise a notice saying what it is not and what is done instead."""
    def read(key: str, value: _Value) -> str | None:
        if value.word in options:
            return value.word
        notices.add(f"{where}: {key}={_brief(value.text)} is not {what}; {instead}.")
        return None
    return read


def _nearest_reader(where: str, options, fallback: int, notices: _Notices) -> Callable:
    """A reader of a number that snaps to the nearest of `options` (with a notice when it had to)."""
    def read(key: str, value: _Value) -> int | None:
        if value.number is None or not math.isfinite(value.number):
            notices.add(f"{where}: {key}={_brief(value.text)} is not a number; using {fallback}.")
            return None
        nearest = min(options, key=lambda option: abs(option - value.number))
        if nearest != value.number:
            notices.add(f"{where}: {key}={_brief(value.text)} is not one of {', '.join(map(str, options))}; "
                        f"using {nearest}.")
        return nearest
    return read


def _number_reader(where: str, low: float, high: float, notices: _Notices, key: str, value: _Value, *,
                   whole: bool = False) -> float | int | None:
    """`value` clamped into [low, high] (`_number_in_range`), rounded to a whole number where `whole` (noted)."""
    number = _number_in_range(where, key, value, low, high, notices)
    if number is not None and whole:
        if not float(number).is_integer():
            notices.add(f"{where}: {key}={_brief(value.text)} is not a whole number; rounded it.")
        return round(number)
    return number


def _read_arguments(arguments: list[tuple[str, _Value]], where: str, readers: Mapping[str, Callable],
                    notices: _Notices, *, unknown: str) -> tuple[dict[str, object], dict[str, str]]:
    """A call's arguments, each known key read once by its reader (key, value) → value or None (with its own notice).

    Returns (values read, the text written for every known key). Past MAX_ARGUMENTS nothing is read; an unknown
    key gets `unknown` formatted with {key} and {known}; a repeated key keeps its first value.
    """
    if len(arguments) > MAX_ARGUMENTS:
        notices.add(f"{where}: only the first {MAX_ARGUMENTS} arguments were read; "
                    f"ignored the other {len(arguments) - MAX_ARGUMENTS}.")
    values: dict[str, object] = {}
    written: dict[str, str] = {}
    for key, value in arguments[:MAX_ARGUMENTS]:
        if key not in readers:
            notices.add(unknown.format(key=_show(key), known=", ".join(readers)))
        elif key in written:
            notices.add(f"{where}: {key} is given more than once; used the first.")
        else:
            written[key] = value.text
            read = readers[key](key, value)
            if read is not None:
                values[key] = read
    return values, written


def _number_in_range(where: str, key: str, value: _Value, low: float, high: float,
                     notices: _Notices) -> float | None:
    """`value` as a float clamped into [low, high] (with a notice), or None if it is not a finite number."""
    if value.number is None:
        notices.add(f"{where}: {key}={_brief(value.text)} is not a number; ignored it.")
        return None
    if not math.isfinite(value.number):
        notices.add(f"{where}: {key}={_brief(value.text)} is not a finite number; ignored it.")
        return None
    if value.number > high:
        notices.add(f"{where}: {key}={_brief(value.text)} is above the slider range; clamped to {_number(high)}.")
        return high
    if value.number < low:
        notices.add(f"{where}: {key}={_brief(value.text)} is below the slider range; clamped to {_number(low)}.")
        return low
    return value.number


def _read_start(text: str | None, domain: Domain, preset_start: tuple[float, float],
                notices: _Notices) -> tuple[float, float]:
    if text is None:
        return preset_start
    numbers = _finite_numbers(text, 2)
    if numbers is None:
        notices.add(f"Could not read start {_show(text)} (expected two finite numbers x,y): "
                    f"starting at the preset's {_number(preset_start[0])},{_number(preset_start[1])}.")
        return preset_start
    start = []
    for axis, value, (low, high) in zip("xy", numbers, domain, strict=True):
        clamped = min(max(value, float(low)), float(high))
        if clamped != value:
            notices.add(f"start {axis}={_number(value)} is outside the surface's domain "
                        f"[{_number(low)}, {_number(high)}]; clamped to {_number(clamped)}.")
        start.append(clamped)
    return start[0], start[1]


def _read_steps(text: str | None, preset_steps: int, notices: _Notices) -> int:
    if text is None:
        return preset_steps
    if not _STEPS.fullmatch(text):
        notices.add(f"Could not read steps={_show(text)} (expected a whole number from {MIN_STEPS} to "
                    f"{MAX_STEPS}): using the preset's {preset_steps}.")
        return preset_steps
    steps = int(text)
    clamped = min(max(steps, MIN_STEPS), MAX_STEPS)
    if clamped != steps:
        side = "above the maximum" if steps > MAX_STEPS else "below the minimum"
        notices.add(f"steps={steps} is {side} ({MIN_STEPS} to {MAX_STEPS}); clamped to {clamped}.")
    return clamped


def _read_choice(key: str, text: str | None, choices, default: str, notices: _Notices) -> str:
    """`text` if it is one of `choices` (case and spaces aside), else `default` with a notice."""
    if text is None:
        return default
    value = text.strip().lower()
    if value not in choices:
        notices.add(f"Unknown {key} {_show(text)} (expected {' or '.join(choices)}): showing {default}.")
        return default
    return value


def _read_runs(query: Mapping, preset_runs: tuple[RunSpec, ...], notices: _Notices) -> tuple[RunSpec, ...]:
    values = query.get("run")
    if values is None:
        return preset_runs
    count = len(values) if isinstance(values, list | tuple) else 1
    if count == 0:
        return preset_runs
    if count > MAX_RUNS:
        notices.add(f"Only {MAX_RUNS} runs are allowed; ignored the other {count - MAX_RUNS:,}.")
    runs = [_read_run(index, text, notices) for index, text in enumerate(_values(query, "run")[:MAX_RUNS], 1)]
    kept = tuple(run for run in runs if run is not None)
    if not kept:
        notices.add("None of the link's runs could be used; showing this surface's preset runs instead.")
        return preset_runs
    return kept


def _read_run(index: int, text: object, notices: _Notices) -> RunSpec | None:
    where = f"Run {index}"
    if not isinstance(text, str):
        notices.add(f"{where}: could not read it; ignored that run.")
        return None
    if len(text) > MAX_VALUE_CHARS:
        notices.add(f"{where} is too long ({len(text):,} characters); ignored that run.")
        return None
    call = _read_call(text, notices, f"{where}: could not read {{text}} ({{problem}}); ignored that run.")
    if call is None:
        return None
    key, arguments = call
    if key not in OPTIMIZERS:
        notices.add(f"{where}: unknown optimizer {_show(key)} (valid: {', '.join(OPTIMIZERS)}); ignored that run.")
        return None
    where = f"Run {index} ({key})"
    readers = {spec.name: functools.partial(_hyperparameter, where, spec, notices)
               for spec in OPTIMIZERS[key].HYPERPARAMETERS}
    params, written = _read_arguments(
        arguments, where, readers, notices,
        unknown=f"{where}: {OPTIMIZERS[key].title} has no hyperparameter {{key}} (it has {{known}}); ignored it.")
    params = _constructible(key, params, written, where, notices)
    defaults = OPTIMIZERS[key]().hyperparameters()
    return RunSpec(key, tuple(sorted((name, value) for name, value in params.items() if value != defaults[name])))


def _hyperparameter(where: str, spec: Hyperparameter, notices: _Notices, _key: str,
                    value: _Value) -> float | bool | str | None:
    """`value` checked against `spec`: a bool, one of its choices, or a number clamped into its slider range."""
    name = spec.name
    if spec.scale == "bool":
        if value.word in _TRUE or value.number == 1.0:
            return True
        if value.word in _FALSE or value.number == 0.0:
            return False
        notices.add(f"{where}: {name}={_brief(value.text)} is not true or false; ignored it.")
        return None
    if spec.scale == "choice":
        if value.word in spec.choices:
            return value.word
        notices.add(f"{where}: {name}={_brief(value.text)} is not one of {', '.join(spec.choices)}; ignored it.")
        return None
    low = LOG_SCALE_FLOOR if spec.scale == "log" and spec.low <= 0 else float(spec.low)
    return _number_in_range(where, name, value, low, float(spec.high), notices)


def _constructible(key: str, params: dict, written: dict[str, str], where: str, notices: _Notices) -> dict:
    """`params` minus whatever makes the optimizer refuse them together (e.g. nesterov without momentum)."""
    try:
        make_optimizer(key, **params)
        return params
    except Exception as error:
        problem = error
    for name in params:
        fewer = {other: value for other, value in params.items() if other != name}
        try:
            make_optimizer(key, **fewer)
        except Exception:
            continue
        notices.add(f"{where}: {problem}; ignored {name}={_brief(written[name])}.")
        return fewer
    notices.add(f"{where}: {problem}; ignored all its settings.")
    return {}


def numeric_hyperparameters(optimizer: str) -> list[str]:
    """The hyperparameters of `optimizer` a sweep map can put on an axis (log, one-minus-log or linear)."""
    return [spec.name for spec in OPTIMIZERS[optimizer].HYPERPARAMETERS
            if spec.scale in ("log", "one_minus_log", "linear")]


def _read_sweep(text: str | None, notices: _Notices) -> SweepSpec:
    """The Sweeps settings of `sweep=optimizer(x=…,y=…,vs=…,color=…,cells=…)`; anything unusable → its default."""
    default = SweepSpec()
    if text is None:
        return default
    call = _read_call(text, notices, "Could not read sweep {text} ({problem}); showing the default sweep.")
    if call is None:
        return default
    name, arguments = call
    if name not in OPTIMIZERS:
        notices.add(f"Sweep: unknown optimizer {_show(name)} (valid: {', '.join(OPTIMIZERS)}); "
                    f"using {default.optimizer}.")
        name = default.optimizer
    readers = {"x": lambda key, value: value.word or value.text, "y": lambda key, value: value.word or value.text,
               "vs": _choice_reader("Sweep", {"none", *OPTIMIZERS}, "an optimizer or none",
                                    f"comparing with {default.compare}", notices),
               "color": _choice_reader("Sweep", SWEEP_METRICS, f"one of {', '.join(SWEEP_METRICS)}",
                                       f"using {default.metric}", notices),
               "cells": _nearest_reader("Sweep", SWEEP_RESOLUTIONS, default.resolution, notices)}
    given, _ = _read_arguments(arguments, "Sweep", readers, notices,
                               unknown="Sweep has no setting {key} (it has {known}); ignored it.")
    values: dict[str, object] = {"optimizer": name,
                                 **{SWEEP_ARGUMENTS[key]: value for key, value in given.items()}}
    if values.get("compare") == "none":
        values["compare"] = ""
    axes = numeric_hyperparameters(name)
    for field, fallback in (("x", 0), ("y", 1)):
        wanted = values.get(field, getattr(default, field))
        if wanted not in axes:
            replacement = next(axis for axis in axes[fallback:] + axes if axis != values.get("x"))
            if field in values:
                notices.add(f"Sweep: {OPTIMIZERS[name].title} has no numeric hyperparameter {_show(str(wanted))} "
                            f"(it has {', '.join(axes)}); using {replacement}.")
            values[field] = replacement
        else:
            values[field] = wanted
    if values["x"] == values["y"]:
        values["y"] = next(axis for axis in axes if axis != values["x"])
        notices.add(f"Sweep: both axes were {values['x']}; using {values['y']} for y.")
    return SweepSpec(**values)


# ---------------------------------------------------------------- the section "On a real model"
# model=mlp(epochs=20,batch=64,seed=0,plane=pca,adamax=0.02,…): the network, then only the settings that differ
# from ModelSpec's defaults; an optimizer's key sets its learning rate.

def _model_call(spec: model_spec.ModelSpec) -> str:
    default = model_spec.ModelSpec()
    params = tuple((name, getattr(spec, name)) for name in ("epochs", "batch", "seed", "plane")
                   if getattr(spec, name) != getattr(default, name))
    return _call(spec.network, params + spec.lrs)


def _read_model(text: str | None, notices: _Notices) -> model_spec.ModelSpec:
    """The section's settings from `model=network(…)`; anything unusable → its default, with a notice."""
    default = model_spec.ModelSpec()
    if text is None:
        return default
    call = _read_call(text, notices, "Could not read model {text} ({problem}); showing the default network.")
    if call is None:
        return default
    name, arguments = call
    if name not in model_spec.NETWORKS:
        notices.add(f"Model: unknown network {_show(name)} (valid: {', '.join(model_spec.NETWORKS)}); using "
                    f"{default.network}.")
        name = default.network
    readers: dict[str, Callable] = {
        "epochs": functools.partial(_number_reader, "Model", *map(float, model_spec.EPOCH_RANGE), notices, whole=True),
        "batch": _nearest_reader("Model", model_spec.BATCHES, default.batch, notices),
        "seed": functools.partial(_number_reader, "Model", *map(float, model_spec.SEED_RANGE), notices, whole=True),
        "plane": _choice_reader("Model", model_spec.PLANES, f"one of {', '.join(model_spec.PLANES)}",
                                f"using {default.plane}", notices),
        **{key: functools.partial(_number_reader, "Model", *map(float, model_spec.LR_RANGE), notices)
           for key in model_spec.MODEL_OPTIMIZERS}}
    given, _ = _read_arguments(arguments, "Model", readers, notices,
                               unknown="Model has no setting {key} (it has {known}); ignored it.")
    rates = {key: value for key, value in given.items() if key in model_spec.MODEL_OPTIMIZERS}
    values = {key: value for key, value in given.items() if key not in rates}
    spec = model_spec.ModelSpec(network=name, **values)
    return model_spec.with_rates(spec, {**spec.learning_rates(), **rates})
