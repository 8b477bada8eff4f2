"""Lessons: guided sequences of scenes, read from the data files in lessons/ (one TOML file a lesson).

A lesson file, written by a teacher without Python:

    title = "Scale invariance"
    summary = "One sentence on what the class will see."

    [[scenes]]
    title = "A bowl 100 times steeper along x"
    link = "?surface=quadratic(angle=0,condition=100)&steps=300&run=adamax(lr=0.1)&run=sgd(lr=0.019)"
    text = "Two to four sentences on what to notice. SGD is within 1e-4 of f* from step {run2.settled_at}."
    question = "Which run reaches the minimum first?"   # optional: paths stay hidden until Play or Reveal
    answer = "Adam, from step {run2.settled_at}."         # optional: shown once the paths are revealed

`link` is the app's own query string, as copied from the address bar (a whole address works too). Numbers in
`text` may be written as placeholders, `{runN.fact}`, filled from the scene's runs as the page computes them, so
a sentence cannot drift from the picture (facts: RUN_FACTS). Anything wrong in a file — bad TOML, a missing
field, a link the page would have to correct, an unknown placeholder — is a LessonError naming the file and
the scene, which the page shows instead of the lesson.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from .modes.presentation import read_stride
from .state import AppState
from .url import decode

LESSON_DIR = Path(__file__).resolve().parents[1] / "lessons"
NAME = re.compile(r"[a-z0-9_]{1,40}")
PLACEHOLDER = re.compile(r"\{run(\d+)\.([a-z_]+)\}")
RATIO = re.compile(r"\{run(\d+)\.([a-z_]+) / run(\d+)\.([a-z_]+)\}")  # one number over another, e.g. 2.63
RUN_FACTS = {
    "label": "the run's legend label",
    "outcome": "what happened, in the outcome table's words",
    "reached_at": "first step with f − f* ≤ 1e-4",
    "settled_at": "the step from which f − f* ≤ 1e-4 holds to the end (never: not within at the end)",
    "diverged_at": "the step it blew up or escaped at",
    "final_f": "f at the last step",
    "final_point": "(x, y) at the last step",
    "max_step": "the largest move of one coordinate in one step",
    "max_step_lr": "the largest move of one coordinate in one step, in units of the run's lr",
    "median_step": "the median move of one coordinate in one step",
    "median_step_lr": "the median move of one coordinate in one step, in units of the run's lr",
    "lr": "the run's learning rate",
}
NUMERIC_FACTS = ("max_step", "max_step_lr", "median_step", "median_step_lr", "lr", "final_f")
MAX_SCENES = 20


class LessonError(ValueError):
    """A lesson file or link that cannot be shown; the message names the file and the scene."""


@dataclass(frozen=True)
class Scene:
    title: str
    link: str
    text: str
    question: str | None
    state: AppState
    answer: str | None = None
    stride: int = 0   # the animation's stride its link asks for (0: auto), ui/modes/presentation.py


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    summary: str
    scenes: tuple[Scene, ...]

    @property
    def path(self) -> str:
        return f"lessons/{self.name}.toml"


def lesson_names() -> list[str]:
    """The shipped lessons, in file-name order (a file name may start with a number to order them)."""
    return sorted(path.stem for path in LESSON_DIR.glob("*.toml") if NAME.fullmatch(path.stem))


def load_lesson(name: str, directory: Path = LESSON_DIR) -> Lesson:
    """The lesson in `directory/name.toml`, every scene's link checked. Raises LessonError."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise LessonError(f"There is no lesson {name!r:.60}: a lesson name is lower-case letters, digits and _ "
                          f"(the lessons are {', '.join(lesson_names()) or 'none'}).")
    path = directory / f"{name}.toml"
    where = f"lessons/{name}.toml"
    if not path.is_file():
        raise LessonError(f"There is no lesson file {where} (the lessons are {', '.join(lesson_names())}).")
    # Parsed once per version of the file: the page asks for every lesson on every rerun (the sidebar's menu),
    # and decoding each scene's link costs about a millisecond. A teacher's edit changes the file's stat.
    status = path.stat()
    return _parse_lesson(name, path, where, status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=64)
def _parse_lesson(name: str, path: Path, where: str, mtime_ns: int, size: int) -> Lesson:
    """load_lesson's work for one version (mtime, size) of the file; a LessonError is raised again each time."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LessonError(f"{where} is not valid TOML: {error}.") from None
    title = _text(data, "title", where)
    summary = data.get("summary", "")
    scenes = data.get("scenes")
    if not isinstance(scenes, list) or not scenes:
        raise LessonError(f"{where} has no scenes: add [[scenes]] tables with title, link and text.")
    if len(scenes) > MAX_SCENES:
        raise LessonError(f"{where} has {len(scenes)} scenes; at most {MAX_SCENES} are shown.")
    return Lesson(name, title, str(summary), tuple(_scene(raw, f"{where}, scene {number}")
                                                   for number, raw in enumerate(scenes, 1)))


def _text(table: dict, key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LessonError(f"{where}: `{key}` is missing or empty.")
    return value.strip()


def _scene(raw: object, where: str) -> Scene:
    if not isinstance(raw, dict):
        raise LessonError(f"{where} is not a table of title, link and text.")
    unknown = set(raw) - {"title", "link", "text", "question", "answer"}
    if unknown:
        raise LessonError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} "
                          "(a scene has title, link, text and an optional question and answer).")
    link = _text(raw, "link", where)
    state, notices = decode(query_of(link))
    if notices:
        raise LessonError(f"{where}: its link needs correcting — " + " ".join(notices))
    text = _text(raw, "text", where)
    answer = raw.get("answer")
    if answer is not None and (not isinstance(answer, str) or not answer.strip()):
        raise LessonError(f"{where}: `answer` must be text (or left out).")
    for match in PLACEHOLDER.finditer(text + " " + (answer or "")):
        run, fact = int(match.group(1)), match.group(2)
        if fact not in RUN_FACTS:
            raise LessonError(f"{where}: unknown placeholder {match.group(0)} (facts: {', '.join(RUN_FACTS)}).")
        if not 1 <= run <= len(state.runs):
            raise LessonError(f"{where}: {match.group(0)} names run {run}, but the link has {len(state.runs)}.")
    for match in RATIO.finditer(text + " " + (answer or "")):
        if not {match.group(2), match.group(4)} <= set(NUMERIC_FACTS):
            raise LessonError(f"{where}: {match.group(0)} divides facts that are not both numbers "
                              f"({', '.join(NUMERIC_FACTS)}).")
        if not all(1 <= int(match.group(k)) <= len(state.runs) for k in (1, 3)):
            raise LessonError(f"{where}: {match.group(0)} names a run the link does not have ({len(state.runs)}).")
    question = raw.get("question")
    if question is not None and (not isinstance(question, str) or not question.strip()):
        raise LessonError(f"{where}: `question` must be a sentence (or left out).")
    stride, stride_notices = read_stride(query_of(link))
    if stride_notices:
        raise LessonError(f"{where}: its link needs correcting — " + " ".join(stride_notices))
    return Scene(_text(raw, "title", where), link, text, question.strip() if question else None, state,
                 answer.strip() if answer else None, stride or 0)


def query_of(link: str) -> dict[str, list[str]]:
    """The query of a link as copied from the address bar: "?a=1&b=2", "a=1&b=2" or a whole address."""
    query = urlparse(link).query if "://" in link or link.startswith("/") else link.lstrip("?")
    return parse_qs(query, keep_blank_values=True)


def fill(text: str, facts: list[dict[str, str]]) -> str:
    """`text` with each {runN.fact} replaced by facts[N − 1][fact], and each {runA.fact / runB.fact} by the
    ratio of the two numbers (3 digits), both checked at load time.

    >>> fill("{run1.max_step / run2.max_step}× as far; run 2: {run2.max_step}", [{"max_step": "0.5"},
    ...                                                                     {"max_step": "0.19"}])
    '2.63× as far; run 2: 0.19'
    """
    def ratio(match: re.Match) -> str:
        top, bottom = (float(facts[int(match.group(k)) - 1][match.group(k + 1)]) for k in (1, 3))
        return f"{top / bottom:.3g}" if bottom else "∞"

    text = RATIO.sub(ratio, text)
    return PLACEHOLDER.sub(lambda match: facts[int(match.group(1)) - 1][match.group(2)], text)
