"""Wall time and peak memory of one measured process (and every process it waited for)."""

from __future__ import annotations

import shlex
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


#: GNU time (Debian package "time"); without it peak memory is reported as 0.
TIME = shutil.which("time", path="/usr/bin:/bin") or ""


class StageFailed(RuntimeError):
    """A measured command exited non-zero."""


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float


@dataclass
class Timing:
    """The runs of one tool at one stage: median wall time, largest peak resident set."""

    runs: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.runs)


def run_measured(argv: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run argv to completion under GNU time: wall seconds and the peak resident set in MB.

    GNU time reports its child's max RSS from wait4, and Linux folds into it the peak of every
    descendant the child reaped, so a shell script running 10,000 msgmerge processes reports the
    largest of them. (Measuring with wait4 from here instead would report at least this process's
    own size: a forked child keeps its parent's high-water mark across exec.)
    """
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as report:
        wrapped = [TIME, "-f", "%M", "-o", report.name, *argv] if TIME else list(argv)
        start = time.perf_counter()
        result = subprocess.run(wrapped, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, check=False)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            errors.seek(0)
            tail = errors.read()[-1500:].decode("utf-8", "replace")
            raise StageFailed(f"{shlex.join(argv[:6])} exited {result.returncode}: {tail}")
        lines = report.read().split()
    kilobytes = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return Sample(elapsed, kilobytes / 1024)


def run_script(lines: Sequence[Sequence[str]], *, cwd: Path, name: str) -> Sample:
    """Run many commands as one ``sh -e`` script (how a Makefile or CI job loops over files)."""
    script = cwd / f".bench-{name}.sh"
    script.write_text("".join(shlex.join(line) + "\n" for line in lines), encoding="utf-8")
    try:
        return run_measured(["sh", "-e", str(script)], cwd=cwd)
    finally:
        script.unlink()


def run_scripts_in_parallel(lines: Sequence[Sequence[str]], *, cwd: Path, name: str, jobs: int) -> Sample:
    """The same commands split over ``jobs`` scripts run side by side (``make -j``): the peer on every core.

    One job is run_script: the commands one after another.
    """
    if jobs <= 1:
        return run_script(lines, cwd=cwd, name=name)
    scripts = []
    for number in range(jobs):
        script = cwd / f".bench-{name}-{number}.sh"
        script.write_text("".join(shlex.join(line) + "\n" for line in lines[number::jobs]), encoding="utf-8")
        scripts.append(script)
    starts = "".join(f"sh -e {shlex.quote(str(s))} & p{i}=$!; " for i, s in enumerate(scripts))
    waits = " && ".join(f"wait $p{i}" for i in range(len(scripts)))
    try:
        return run_measured(["sh", "-c", starts + waits], cwd=cwd)
    finally:
        for script in scripts:
            script.unlink()


def repeat(prepare: Callable[[], None], measure: Callable[[], Sample], times: int) -> Timing:
    """prepare() (not timed) then measure(), ``times`` times."""
    timing = Timing()
    for _ in range(times):
        prepare()
        timing.runs.append(measure())
    return timing


def interleave(cases: Sequence[tuple[Callable[[], None], Callable[[], Sample]]], times: int) -> list[Timing]:
    """Like repeat() for several cases at once, run round-robin (a, b, c, a, b, c, ...).

    On a shared machine the load drifts over minutes; a case measured in one block and its
    floor in another can differ by more than tlumach's share. Round-robin puts each run of a
    case next to a run of the others, so their medians see the same machine.
    """
    timings = [Timing() for _ in cases]
    for _ in range(times):
        for (prepare, measure), timing in zip(cases, timings):
            prepare()
            timing.runs.append(measure())
    return timings
