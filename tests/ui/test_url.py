"""ui/url.py: valid states survive a link unchanged; any link at all opens a valid state, with notices."""

from __future__ import annotations

import dataclasses
import math
import time
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers.registry import OPTIMIZERS, make_optimizer
from surfaces import SURFACE_PARAMETER_RANGES, SURFACES, make_surface
from ui import url
from ui.presets import PRESETS, preset_for
from ui.state import MAX_RUNS, MAX_STEPS, MIN_STEPS, AppState, RunSpec

DESIGN_LINK = ("surface=beale&start=1,1.5&steps=500&view=contour&run=adamax(lr=0.05)"
               "&run=adam(lr=0.05,beta2=0.99)&run=sgd(lr=0.001,momentum=0.9)")


def as_lists(query: dict) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [value] for key, value in query.items()}


def slider_low(spec) -> float:
    return 1e-12 if spec.scale == "log" and spec.low <= 0 else spec.low


def assert_valid(state: AppState) -> None:
    """Everything the page relies on: a known surface with in-range parameters, a start inside its domain,
    steps and view in range, 1–8 runs that each build, holding only non-default, in-range, typed values."""
    assert state.surface in SURFACES
    ranges = SURFACE_PARAMETER_RANGES.get(state.surface, {})
    assert [name for name, _ in state.surface_params] == sorted(ranges)
    for name, value in state.surface_params:
        assert type(value) is float and ranges[name][0] <= value <= ranges[name][1]
    surface = make_surface(state.surface, **dict(state.surface_params))
    for value, (low, high) in zip(state.start, surface.domain, strict=True):
        assert type(value) is float and math.isfinite(value) and low <= value <= high
    assert type(state.steps) is int and MIN_STEPS <= state.steps <= MAX_STEPS
    assert state.view in ("contour", "3d")
    assert 1 <= len(state.runs) <= MAX_RUNS
    for run in state.runs:
        make_optimizer(run.optimizer, **run.kwargs())
        assert list(run.params) == sorted(run.params)
        defaults = OPTIMIZERS[run.optimizer]().hyperparameters()
        specs = {spec.name: spec for spec in OPTIMIZERS[run.optimizer].HYPERPARAMETERS}
        for name, value in run.params:
            assert value != defaults[name]
            spec = specs[name]
            if spec.scale == "bool":
                assert type(value) is bool
            elif spec.scale == "choice":
                assert value in spec.choices
            else:
                assert type(value) is float and slider_low(spec) <= value <= spec.high
    # whatever decode returns is itself a valid state, so it must survive a link unchanged
    assert url.decode(url.encode(state)) == (state, [])


# ---------------------------------------------------------------- valid states

@st.composite
def run_specs(draw) -> RunSpec:
    key = draw(st.sampled_from(sorted(OPTIMIZERS)))
    params: dict[str, float | bool | str] = {}
    for spec in OPTIMIZERS[key].HYPERPARAMETERS:
        if not draw(st.booleans()):
            continue
        if spec.scale == "bool":
            params[spec.name] = draw(st.booleans())
        elif spec.scale == "choice":
            params[spec.name] = draw(st.sampled_from(spec.choices))
        else:
            params[spec.name] = draw(st.floats(slider_low(spec), spec.high))
    if params.get("nesterov") and not params.get("momentum"):
        del params["nesterov"]  # Nesterov needs momentum > 0
    defaults = OPTIMIZERS[key]().hyperparameters()
    return RunSpec(key, tuple(sorted((n, v) for n, v in params.items() if v != defaults[n])))


@st.composite
def app_states(draw) -> AppState:
    surface = draw(st.sampled_from(sorted(SURFACES)))
    ranges = SURFACE_PARAMETER_RANGES.get(surface, {})
    params = tuple(sorted((name, draw(st.floats(low, high))) for name, (low, high) in ranges.items()))
    (x0, x1), (y0, y1) = SURFACES[surface].domain
    return AppState(surface, params, (draw(st.floats(x0, x1)), draw(st.floats(y0, y1))),
                    draw(st.integers(MIN_STEPS, MAX_STEPS)), draw(st.sampled_from(["contour", "3d"])),
                    tuple(draw(st.lists(run_specs(), min_size=1, max_size=MAX_RUNS))))


@pytest.mark.parametrize("surface", sorted(PRESETS))
def test_every_preset_round_trips(surface):
    state = PRESETS[surface]
    assert url.decode(url.encode(state)) == (state, [])
    assert url.decode(as_lists(url.encode(state))) == (state, [])
    assert_valid(state)


@settings(max_examples=300, deadline=None)
@given(app_states())
def test_valid_states_round_trip(state):
    assert url.decode(as_lists(url.encode(state))) == (state, [])
    assert url.decode(parse_qs(url.to_query_string(state))) == (state, [])  # through real URL encoding


def test_design_example_link_decodes_exactly():
    state, notices = url.decode(parse_qs(DESIGN_LINK))
    assert notices == []
    assert state == AppState(
        "beale", (), (1.0, 1.5), 500, "contour",
        (RunSpec("adamax", (("lr", 0.05),)),
         RunSpec("adam", (("beta2", 0.99), ("lr", 0.05))),
         RunSpec("sgd", (("momentum", 0.9),))))  # lr=0.001 is SGD's default, so it is not kept


def test_encode_writes_the_documented_format():
    state = AppState("quadratic", (("angle", -30.0), ("condition", 50.0)), (1.0, 1.5), 500, "3d", (
        RunSpec("adamax", (("eps", 1e-05), ("eps_mode", "keras"), ("lr", 0.05))),
        RunSpec("sgd", (("momentum", 0.9), ("nesterov", True))),
        RunSpec("adam", (("lr", 0.001),)),  # Adam's default: not written
    ))
    assert url.encode(state) == {
        "surface": "quadratic(angle=-30,condition=50)", "start": "1,1.5", "steps": "500", "view": "3d",
        "run": ["adamax(eps=1e-05,eps_mode=keras,lr=0.05)", "sgd(momentum=0.9,nesterov=true)", "adam"],
    }
    assert url.to_query_string(PRESETS["beale"]) == (
        "surface=beale&start=1,1.5&steps=500&view=contour&run=adamax(lr=0.05)&run=adam(lr=0.05)"
        "&run=sgd(lr=0.005,momentum=0.9)")


def test_missing_parts_come_from_the_preset():
    assert url.decode({}) == (preset_for("rosenbrock"), [])
    assert url.decode({"surface": ["saddle"]}) == (PRESETS["saddle"], [])
    assert url.decode({"surface": ["quadratic"]}) == (PRESETS["quadratic"], [])  # the preset's condition, angle
    state, notices = url.decode({"surface": ["quadratic(condition=50)"], "run": ["adamax"]})
    assert notices == []
    assert state.surface_params == (("angle", 30.0), ("condition", 50.0))
    assert state.runs == (RunSpec("adamax"),)
    assert state.start == PRESETS["quadratic"].start and state.steps == PRESETS["quadratic"].steps


def test_values_are_normalised():
    state, notices = url.decode({"run": ["adamax(lr=0.002, beta1=1)", "sgd(momentum=0.5, nesterov=1)",
                                         "sgd(nesterov=false)", "adamax( lr = .5 , eps_mode = paper , )"]})
    assert state.runs == (RunSpec("adamax", (("beta1", 0.999),)),  # default lr dropped; 1 clamped
                          RunSpec("sgd", (("momentum", 0.5), ("nesterov", True))),
                          RunSpec("sgd"),
                          RunSpec("adamax", (("eps_mode", "paper"), ("lr", 0.5))))
    assert notices == ["Run 1 (adamax): beta1=1 is above the slider range; clamped to 0.999."]


# ---------------------------------------------------------------- links from anyone

BIG = "x" * 100_000
BAD_LINKS: list[tuple[dict[str, list[str]], str]] = [
    ({"surface": ["foo"]}, "Unknown surface 'foo': showing rosenbrock instead."),
    ({"run": ["foo(lr=1)"]}, "unknown optimizer 'foo'"),
    ({"run": ["adamax(foo=1)"]}, "no hyperparameter 'foo'"),
    ({"run": ["__import__('os').system('x')"]}, "__import__('os')"),
    ({"run": ["adamax(lr=1e309)"]}, "lr=1e309 is not a finite number"),
    ({"run": ["adamax(lr=nan)"]}, "lr=nan is not a number"),
    ({"run": ["adamax(lr=-inf)"]}, "lr=-inf is not a number"),
    ({"run": ["adamax(lr=-1)"]}, "lr=-1 is below the slider range; clamped to 0.0001"),
    ({"run": ["adamax(lr=50)"]}, "lr=50 is above the slider range; clamped to 2."),
    ({"run": ["adamax(lr=1e-400)"]}, "lr=1e-400 is below"),
    ({"steps": ["1e9"]}, "steps='1e9'"),
    ({"steps": ["abc"]}, "steps='abc'"),
    ({"steps": ["-5"]}, "steps=-5 is below the minimum"),
    ({"steps": ["99999"]}, "steps=99999 is above the maximum"),
    ({"steps": ["500.0"]}, "steps='500.0'"),
    ({"steps": ["9" * 40]}, "steps='9999"),
    ({"start": ["1"]}, "start '1'"),
    ({"start": ["a,b"]}, "start 'a,b'"),
    ({"start": ["1e400,0"]}, "start '1e400,0'"),
    ({"start": ["1,2,3"]}, "start '1,2,3'"),
    ({"start": ["nan,0"]}, "start 'nan,0'"),
    ({"start": ["100,-100"]}, "start x=100 is outside the surface's domain"),
    ({"run": ["adamax(lr=0.05)"] * 50}, "Only 8 runs are allowed; ignored the other 42."),
    ({"surface": [BIG]}, "surface value is too long (100,000 characters)"),
    ({"run": [BIG]}, "Run 1 is too long (100,000 characters)"),
    ({"start": [BIG], "steps": [BIG], "view": [BIG]}, "start value is too long"),
    ({"run": ["adamax(lr=adam(lr=1))"]}, "'adamax(lr=adam(lr=1))'"),
    ({"run": ["adamax(lr=0.1)(lr=0.2)"]}, "'adamax(lr=0.1)(lr=0.2)'"),
    ({"run": ["os.system(1)"]}, "'os.system(1)'"),
    ({"run": ["adamax(lr=x.y)"]}, "'adamax(lr=x.y)'"),
    ({"run": ["lambda: 0"]}, "'lambda: 0'"),
    ({"run": ["adamax(*args)"]}, "'adamax(*args)'"),
    ({"run": ["adamax(**{'lr': 1})"]}, "adamax(**"),
    ({"run": ["adamax(0.05)"]}, "'adamax(0.05)'"),
    ({"run": ["adamax(lr=0x10)"]}, "'adamax(lr=0x10)'"),
    ({"run": ["adamax(lr=1_000)"]}, "'adamax(lr=1_000)'"),
    ({"run": ["adamax(lr=1j)"]}, "'adamax(lr=1j)'"),
    ({"run": ["adamax(lr=1 if 1 else 2)"]}, "'adamax(lr=1 if 1 else 2)'"),
    ({"run": ["adamax(lr=--1)"]}, "'adamax(lr=--1)'"),
    ({"run": ["adamax(lr='0.1')"]}, "adamax(lr='0.1')"),
    ({"run": ["adamax(lr=true)"]}, "lr=true is not a number"),
    ({"run": ["adamax(lr=0.05,lr=0.1)"]}, "lr is given more than once"),
    ({"run": ["adamax(beta1=1.5)"]}, "beta1=1.5 is above the slider range; clamped to 0.999"),
    ({"run": ["adamax(eps=0)"]}, "eps=0 is below the slider range; clamped to 1e-12"),
    ({"run": ["adamax(eps_mode=tensorflow)"]}, "eps_mode=tensorflow is not one of pytorch, keras, paper"),
    ({"run": ["adamax(eps_mode=3)"]}, "eps_mode=3 is not one of"),
    ({"run": ["sgd(nesterov=maybe)"]}, "nesterov=maybe is not true or false"),
    ({"run": ["sgd(nesterov=2)"]}, "nesterov=2 is not true or false"),
    ({"run": ["sgd(nesterov=true)"]}, "ignored nesterov=true"),
    ({"run": ["adamax(p=3)"]}, "AdaMax has no hyperparameter 'p'"),
    ({"run": ["adamlp(p=1000,form=naive)"]}, "p=1000 is above the slider range"),
    ({"run": ["ADAMAX"]}, "unknown optimizer 'ADAMAX'"),
    ({"run": ["adamax(" + ",".join(f"k{i}=1" for i in range(40)) + ")"]}, "only the first 16 arguments"),
    ({"surface": ["quadratic(condition=1e9)"]}, "condition=1e9 is above the slider range"),
    ({"surface": ["quadratic(condition=abc,angle=1)"]}, "condition=abc is not a number"),
    ({"surface": ["quadratic(skew=2)"]}, "no parameter 'skew'"),
    ({"surface": ["quadratic(condition=1(2))"]}, "'quadratic(condition=1(2))'"),
    ({"surface": ["beale(angle=3)"]}, "Surface beale takes no parameters; ignored angle=3."),
    ({"surface": ["beale", "booth"]}, "sets surface more than once"),
    ({"run": ["ädämax(lr=0.05)"]}, "'ädämax(lr=0.05)'"),
    ({"surface": ["💥\x00\u202e\ufeff"]}, "Could not read surface '💥\\x00"),
    ({"run": ["ａｄａｍａｘ(lr=0.05)"]}, "'ａｄａｍａｘ(lr=0.05)'"),  # fullwidth: not adamax, unlike in Python
    ({"run": ["adamax(lr=0.05\x00)"]}, "adamax(lr=0.05\\x00)"),
    ({"surface": [""]}, "Could not read surface ''"),
    ({"start": [""]}, "start ''"),
    ({"steps": [""]}, "steps=''"),
    ({"view": [""]}, "view ''"),
    ({"run": [""]}, "Run 1: could not read ''"),
    ({"view": ["4d"]}, "Unknown view '4d'"),
    ({"utm_source": ["mail"]}, "Ignored the unknown link parameter 'utm_source'."),
    ({"run": ["nope", "(((", "x=1"]}, "None of the link's runs could be used"),
]


@pytest.mark.parametrize(("query", "named"), BAD_LINKS, ids=[str(i) for i in range(len(BAD_LINKS))])
def test_bad_links_open_a_valid_state_and_say_why(query, named):
    state, notices = url.decode(query)
    assert_valid(state)
    assert any(named in notice for notice in notices), notices


def test_unusable_parts_fall_back_to_the_preset():
    state, notices = url.decode({"surface": ["beale"], "start": ["a,b"], "steps": ["abc"], "view": ["4d"],
                                 "run": ["nope(lr=1)"]})
    assert state == PRESETS["beale"]
    assert len(notices) == 5
    state, _ = url.decode({"surface": ["foo"], "run": ["adam"]})
    assert state == AppState("rosenbrock", (), PRESETS["rosenbrock"].start, 500, "contour", (RunSpec("adam"),))


def test_notices_are_capped():
    state, notices = url.decode({f"junk{i}": ["1"] for i in range(40)})
    assert state == preset_for("rosenbrock")
    assert len(notices) == 13
    assert notices[-1] == "… and 28 more."


def test_decode_is_fast_on_hostile_input():
    megabyte = "adamax(" + "lr=1," * 200_000 + ")"
    query: dict = {"surface": [megabyte], "start": ["1," * 500_000], "steps": ["9" * 1_000_000],
                   "view": [megabyte], "run": [megabyte] * 1_000_000}
    query.update({f"junk{i}": [megabyte] for i in range(100_000)})
    nasty = {"run": ["-" * 290 + "1", "adamax(" + "(" * 290 + ")", "a" * 300, "adamax(lr=" + "9" * 289 + ")"]}
    began = time.perf_counter()
    state, notices = url.decode(query)
    other, more = url.decode(nasty)
    elapsed = time.perf_counter() - began
    assert elapsed < 2.0
    assert_valid(state)
    assert_valid(other)
    assert len(notices) == 13 and len(more) == 4


def test_decode_accepts_odd_containers():
    assert url.decode({"surface": "beale"}) == (PRESETS["beale"], [])  # a bare str, as encode writes it
    state, notices = url.decode({"surface": [None], "run": [3, "adam"], 7: ["x"]})  # type: ignore[dict-item]
    assert_valid(state)
    assert state.runs == (RunSpec("adam"),) and len(notices) == 3


# ---------------------------------------------------------------- fuzzing

CALLISH = st.from_regex(r"[a-z_]{0,8}(\((([a-z_0-9]{1,6})=(-?[0-9.e+-]{1,8}|[a-z]{1,6}),?){0,4}\))?", fullmatch=True)
VALUES = st.one_of(st.text(max_size=40), CALLISH, st.sampled_from(
    ["adamax", "sgd(nesterov=true)", "quadratic(angle=-200)", "1,1", "-0,-0", "3d", "10", "5000", "1e5"]))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*url.KEYS, "junk"]), st.lists(VALUES, max_size=10), max_size=6))
def test_any_link_decodes_to_a_valid_state(query):
    state, notices = url.decode(query)
    assert_valid(state)
    assert all(isinstance(notice, str) for notice in notices) and len(notices) <= 13
    assert not any(notice.startswith("Could not read this link") for notice in notices)  # no safety-net catch


@settings(max_examples=200, deadline=None)
@given(app_states(), st.data())
def test_mangled_links_decode_to_valid_states(state, data):
    query = as_lists(url.encode(state))
    key = data.draw(st.sampled_from(sorted(query)))
    index = data.draw(st.integers(0, len(query[key]) - 1))
    text = query[key][index]
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(alphabet="()=,.-+e0123456789aflrstu_ ", max_size=4))
    query[key][index] = text[:cut] + junk + text[cut + data.draw(st.integers(0, 3)):]
    decoded, notices = url.decode(query)
    assert_valid(decoded)
    assert not any(notice.startswith("Could not read this link") for notice in notices)


def test_a_bug_in_decode_opens_the_default_view(monkeypatch):
    def broken(*args):
        raise ZeroDivisionError
    monkeypatch.setattr(url, "_read_steps", broken)
    assert url.decode({"steps": ["100"]}) == (
        preset_for("rosenbrock"), ["Could not read this link (ZeroDivisionError); showing the default view."])


def test_section_round_trips_and_is_left_out_when_default():
    base = url.decode({"surface": ["beale"]})[0]
    assert "section" not in url.encode(base)
    for section in ("inside", "lp", "eps"):
        state = dataclasses.replace(base, section=section)
        assert url.encode(state)["section"] == section
        assert url.decode(url.encode(state)) == (state, [])


def test_unknown_section_falls_back_to_the_race_with_a_notice():
    state, notices = url.decode({"section": ["debug"]})
    assert state.section == "race"
    assert any("section" in notice for notice in notices)
