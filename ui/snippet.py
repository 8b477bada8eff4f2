"""The race as a Python file a student can run anywhere: NumPy only, no AdaMax Lab to install.

The file holds the surface's f and ∇f (the library's own functions, copied with what they call, or a formula's
expression and its exact gradient printed by SymPy), each optimizer's update rule written out in NumPy in the
library's order of operations (optimizers/*.py, `update_into`), and the driver's rule for a run that blows up
(optimizers/trajectory.py: a point beyond the bound, or a non-finite f or ∇f, ends the run at its last good point).
tests/ui/test_snippet.py runs the file in an empty folder and checks its numbers against the library's.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
import types

from optimizers import make_optimizer
from surfaces import make_surface

from .compute import divergence_bound, labels_for
from .state import AppState

# Each rule: step(g, state) → (update, state), the update already signed (θ ← θ + update), as the library's.
RULES = {
    "adamax": '''
def adamax(lr, beta1, beta2, eps, eps_mode):
    """AdaMax: m ← lerp(m, g, 1 − β1), u ← max(β2·u, |g| (+ ε in PyTorch)), θ ← θ − lr/(1 − β1^t)·m/u
    (Keras: m/(u + ε); the paper: no ε, and no move where u = 0)."""
    def step(g, state):
        t, m, u = state
        t += 1
        m = lerp(m, g, 1.0 - beta1)
        u = np.maximum(beta2 * u, np.abs(g) + eps if eps_mode == "pytorch" else np.abs(g))
        if eps_mode == "keras":
            ratio = m / (u + eps)
        elif eps_mode == "paper":
            ratio = np.divide(m, u, out=np.zeros_like(m), where=u > 0)
        else:
            ratio = m / u
        return ratio * lr * (-1.0 / (1.0 - beta1 ** t)), (t, m, u)
    return step, (0, np.zeros(2), np.zeros(2))
''',
    "adam": '''
def adam(lr, beta1, beta2, eps):
    """Adam (PyTorch): θ ← θ − lr·m̂/(√v̂ + ε), √v̂ = √v/√(1 − β2^t)."""
    def step(g, state):
        t, m, v = state
        t += 1
        m = lerp(m, g, 1.0 - beta1)
        v = v * beta2 + np.square(g) * (1.0 - beta2)
        denominator = np.sqrt(v) / np.sqrt(1.0 - beta2 ** t) + eps
        return m / denominator * lr * (-1.0 / (1.0 - beta1 ** t)), (t, m, v)
    return step, (0, np.zeros(2), np.zeros(2))
''',
    "sgd": '''
def sgd(lr, momentum, nesterov):
    """SGD (PyTorch, dampening 0): b ← μ·b + g; θ ← θ − lr·(g + μ·b) with Nesterov, θ ← θ − lr·b without."""
    def step(g, b):
        b = b * momentum + g
        direction = b * momentum + g if nesterov else b
        return -(direction * lr), b
    return step, np.zeros(2)
''',
    "rmsprop": '''
def rmsprop(lr, alpha, eps, momentum):
    """RMSProp (PyTorch, not centred): v ← α·v + (1 − α)·g², b ← μ·b + g/(√v + ε), θ ← θ − lr·b."""
    def step(g, state):
        v, b = state
        v = v * alpha + np.square(g) * (1.0 - alpha)
        b = b * momentum + g / (np.sqrt(v) + eps)
        return -(b * lr), (v, b)
    return step, (np.zeros(2), np.zeros(2))
''',
    "adagrad": '''
def adagrad(lr, eps, initial_accumulator_value):
    """AdaGrad (PyTorch): s ← s + g², θ ← θ − lr·g/(√s + ε)."""
    def step(g, s):
        s = np.square(g) + s
        return -(g / (np.sqrt(s) + eps) * lr), s
    return step, np.full(2, float(initial_accumulator_value))
''',
    "adamlp": '''
def adamlp(lr, beta1, beta2, eps, p, form):
    """Adam with an Lp norm: w ← (β2^p·w^p + (1 − β2^p)·|g|^p)^(1/p), computed without overflow ("stable"),
    θ ← θ − lr/(1 − β1^t)·m/(w/(1 − β2^(p·t))^(1/p) + ε); "naive" keeps w^p itself, as the paper writes it."""
    decay = beta2 ** p
    def step(g, state):
        t, m, w = state
        t += 1
        m = lerp(m, g, 1.0 - beta1)
        if form == "naive":
            w = decay * w + (1.0 - decay) * np.abs(g) ** p
            norm = (w / (1.0 - decay ** t)) ** (1.0 / p)
        else:
            a, b = beta2 * w, (1.0 - decay) ** (1.0 / p) * np.abs(g)
            top = np.maximum(a, b)
            safe = np.where(top > 0, top, 1.0)
            w = np.where(top > 0, top * ((a / safe) ** p + (b / safe) ** p) ** (1.0 / p), 0.0)
            norm = w / (1.0 - decay ** t) ** (1.0 / p)
        return m / (norm + eps) * lr * (-1.0 / (1.0 - beta1 ** t)), (t, m, w)
    return step, (0, np.zeros(2), np.zeros(2))
''',
}

LERP = '''
def lerp(previous, new, weight):
    """(1 − weight)·previous + weight·new, in the form PyTorch's lerp takes for this weight."""
    if weight < 0.5:
        return previous + weight * (new - previous)
    return new - (new - previous) * (1.0 - weight)
'''

DRIVER = '''
def run(step, state, start, steps, bound):
    """The path, and the step at which the run blew up (-1: never): a point beyond ±bound, or a non-finite f or
    gradient, ends the run at its last good point."""
    theta = np.array(start, dtype=np.float64)
    _, g = value_and_grad(theta)
    path, blew_up = [theta], -1
    with np.errstate(all="ignore"):  # a run that blows up overflows on its way; that is detected below
        for t in range(1, steps + 1):
            update, state = step(g, state)
            new = theta + update
            value, new_g = value_and_grad(new)
            if not (np.isfinite(value) and np.all(np.isfinite(new_g)) and np.max(np.abs(new)) <= bound):
                blew_up = t
                break
            theta, g = new, new_g
            path.append(theta)
    return np.array(path), blew_up
'''


def python_snippet(state: AppState) -> str:
    """A Python file, NumPy its only import, that runs the race of `state` and prints where each run ends."""
    surface = make_surface(state.surface, **dict(state.surface_params))
    lines = ['"""' + f"AdaMax Lab: the race on {surface.name}, from ({state.start[0]!r}, {state.start[1]!r}), "
             f"{state.steps} steps. Needs NumPy only.", "", "Link: ?" + _link(state) + '\n"""', "",
             "import math  # noqa: F401  (used by some surfaces)", "", "import numpy as np", "import numpy", ""]
    lines += _surface_code(state, surface)
    lines.append(LERP.strip("\n"))
    used = []
    for spec in state.runs:
        if spec.optimizer not in used:
            used.append(spec.optimizer)
            lines += ["", RULES[spec.optimizer].strip("\n")]
    lines += ["", DRIVER.strip("\n"), "", "", "runs = {"]
    for label, spec in zip(labels_for(state.runs), state.runs, strict=True):
        settings = make_optimizer(spec.optimizer, **spec.kwargs()).hyperparameters()
        arguments = ", ".join(f"{name}={_value(value)}" for name, value in settings.items())
        lines.append(f"    {label!r}: {spec.optimizer}({arguments}),")
    bound = divergence_bound(surface)
    lines += [
        "}",
        "for label, (step, state) in runs.items():",
        f"    path, blew_up = run(step, state, ({state.start[0]!r}, {state.start[1]!r}), {state.steps}, {bound!r})",
        "    x, y = path[-1]",
        '    ending = f"blew up at step {blew_up}, last at" if blew_up >= 0 else "ends at"',
        '    print(f"{label}: {ending} ({float(x)!r}, {float(y)!r}), f = {float(f(path[-1]))!r}")',
    ]
    return "\n".join(lines) + "\n"


def _link(state: AppState) -> str:
    from .url import to_query_string

    return to_query_string(state)


def _value(value) -> str:
    return repr(float(value)) if isinstance(value, float) else repr(value)


def _surface_code(state: AppState, surface) -> list[str]:
    """def f(xy) and def grad(xy) for the surface, with every function and constant of the library they use."""
    if state.surface == "custom":
        return _formula_code(surface)
    f, grad, both = _raw(surface.f), _raw(surface.grad), _raw(surface.value_and_grad)
    fused = isinstance(both, types.FunctionType) or (isinstance(both, functools.partial)
                                                     and isinstance(both.func, types.FunctionType))
    collected: dict[str, str] = {}
    lines = []
    named = [("f", f), ("grad", grad)] + ([("value_and_grad", both)] if fused else [])
    for name, function in named:
        base, keywords = (function.func, function.keywords) if isinstance(function, functools.partial) else \
            (function, {})
        _collect(base, collected)
        arguments = "".join(f", {key}={value!r}" for key, value in keywords.items())
        lines.append(f"def {name}(xy):\n    return {base.__name__}(np.asarray(xy, dtype=np.float64){arguments})")
    if not fused:
        lines.append("def value_and_grad(xy):\n    return f(xy), grad(xy)")
    return [*collected.values(), *lines, ""]


def _raw(function):
    return getattr(function, "function", function)


def _collect(function: types.FunctionType, collected: dict[str, str]) -> None:
    """The source of `function` (docstring and annotations left out) after that of the library's functions and
    constants it uses, each once, in an order where a name is defined before it is used."""
    if function.__name__ in collected:
        return
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    definition = tree.body[0]
    if (definition.body and isinstance(definition.body[0], ast.Expr)
            and isinstance(definition.body[0].value, ast.Constant)):
        definition.body = definition.body[1:] or [ast.Pass()]
    definition.returns = None
    for argument in (*definition.args.args, *definition.args.kwonlyargs):
        argument.annotation = None
    collected[function.__name__] = ""  # placeholder: marks it seen (recursion)
    names = {node.id for node in ast.walk(definition) if isinstance(node, ast.Name)}
    for name in sorted(names):
        value = function.__globals__.get(name)
        if isinstance(value, types.FunctionType) and value.__module__.startswith("surfaces"):
            _collect(value, collected)
        elif isinstance(value, int | float) and not isinstance(value, bool) and name not in collected:
            collected[name] = f"{name} = {value!r}"
    del collected[function.__name__]
    collected[function.__name__] = ast.unparse(definition) + "\n"


def _formula_code(surface) -> list[str]:
    """A user's formula: the very NumPy code the page runs (generated from its exact gradient, checked), so the
    file needs no SymPy and computes what the page computed."""
    def renamed(source: str, name: str) -> str:
        return source.replace("def generated(x, y):", f"def {name}(x, y):", 1).rstrip()

    return [f"# f(x, y) = {surface.formula}", "import numpy", "", "",
            renamed(surface.sources["f"], "_f_parts"), "", "",
            renamed(surface.sources["grad"], "_grad_parts"), "", "",
            "def f(xy):",
            "    x, y = np.asarray(xy, dtype=np.float64)[..., 0], np.asarray(xy, dtype=np.float64)[..., 1]",
            "    with np.errstate(all='ignore'):",
            "        return np.broadcast_to(_f_parts(x, y)[0], x.shape) + 0.0 * x",
            "", "", "def grad(xy):",
            "    x, y = np.asarray(xy, dtype=np.float64)[..., 0], np.asarray(xy, dtype=np.float64)[..., 1]",
            "    with np.errstate(all='ignore'):",
            "        dx, dy = _grad_parts(x, y)",
            "    return np.stack(np.broadcast_arrays(dx + 0.0 * x, dy + 0.0 * y), axis=-1)", "", "",
            "def value_and_grad(xy):", "    return f(xy), grad(xy)", "", ""]
