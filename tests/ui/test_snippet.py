"""The race's Python file runs where a student saves it — an empty folder, NumPy only — and prints the library's
numbers: the same final points, bit for bit where the operations are the same, and the same blow-ups."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from tests.support.app import open_app
from ui import url
from ui.compute import results_for
from ui.snippet import python_snippet

LINKS = {
    "rosenbrock preset": "surface=rosenbrock&start=-1.2,1&steps=500&run=adamax(beta2=0.99,lr=0.1)&run=adamax(lr=0.1)"
                         "&run=adam(lr=0.1)&run=sgd(lr=0.002,momentum=0.9)",
    "a blow-up": "surface=goldstein_price&start=0.8,-1.8&steps=500&run=adamax(lr=0.05)&run=sgd(lr=0.0001,momentum=0.9)",
    "every rule": "surface=quadratic(condition=50,angle=30)&start=-1.5,1&steps=300&run=adamax(lr=0.05,eps_mode=paper)"
                  "&run=adamax(lr=0.05,eps_mode=keras,eps=0.001)&run=rmsprop(lr=0.01,momentum=0.5)"
                  "&run=adagrad(lr=0.5)&run=adamlp(lr=0.05,p=8)&run=adamlp(lr=0.05,p=3,form=naive)"
                  "&run=sgd(lr=0.01,momentum=0.9,nesterov=true)",
    "periodic": "surface=ackley&start=3.3,4&steps=200&run=adam(lr=0.05)&run=rmsprop(lr=0.01)",
    "a formula": "surface=custom&formula=sin(x)*cos(y)%2B0.1*(x**2%2By**2)&domain=-3,3,-3,3&start=1,1&steps=200"
                 "&run=adamax(lr=0.05)",
}
LINE = re.compile(r"^(?P<label>.+?): (?P<how>ends at|blew up at step (?P<step>\d+), last at) "
                  r"\((?P<x>[^,]+), (?P<y>[^)]+)\), f = (?P<f>.+)$")


def _state(link: str):
    from urllib.parse import parse_qs

    state, notices = url.decode(parse_qs(link, keep_blank_values=True))
    assert notices == []
    return state


@pytest.mark.parametrize("name", list(LINKS))
def test_the_file_runs_in_an_empty_folder_and_prints_the_librarys_numbers(name, tmp_path):
    state = _state(LINKS[name])
    (tmp_path / "race.py").write_text(python_snippet(state), encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", "race.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)  # -I: no repository on the path, no user site: NumPy from the interpreter
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Warning" not in done.stderr
    lines = done.stdout.strip().splitlines()
    results = results_for(state)
    assert len(lines) == len(results)
    for line, result in zip(lines, results, strict=True):
        found = LINE.fullmatch(line)
        assert found and found["label"] == result.label, line
        trajectory = result.trajectory
        blew_up = int(trajectory.diverged_at)
        assert (found["step"] is not None) == (blew_up >= 0), line
        if blew_up >= 0:
            assert int(found["step"]) == blew_up
        printed = np.array([float(found["x"]), float(found["y"])])
        # The same operations in the same order: equal to rounding (a formula's f is SymPy-printed, not lambdified).
        np.testing.assert_allclose(printed, trajectory.points[-1], rtol=1e-12, atol=1e-12, err_msg=line)


def test_the_page_shows_the_file():
    app = open_app({"surface": "rosenbrock", "steps": "100"})
    app.session_state["handout_panel"] = True
    app.run()
    code = next(element.value for element in app.code if "import numpy as np" in element.value)
    assert "from optimizers" not in code and "from surfaces" not in code
    assert any("needs NumPy only" in element.value for element in app.caption)
