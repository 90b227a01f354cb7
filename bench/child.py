"""Run a module as ``__main__`` in this process, then record the process's own peak RSS.

``python -m bench.child RSS_FILE MODULE ARGS...`` is how :mod:`bench.proc` starts every measured
step. Linux keeps, in a process's ``ru_maxrss``, the peak of the parent's memory it was forked
from (the high-water mark survives ``exec``), so ``wait4`` over-reports a child started from a big
parent; ``VmHWM`` in ``/proc/self/status`` belongs to the memory map created by ``exec`` and is
the child's own peak.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def peak_rss_bytes() -> int | None:
    """This process's peak resident set (``VmHWM``), or None where /proc has no such line."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def main() -> None:
    """Run the module given on the command line; write the peak RSS whatever happens."""
    rss_file, module, *arguments = sys.argv[1:]
    sys.argv = [module, *arguments]
    code: int | str | None = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        code = exit_.code
    finally:
        peak = peak_rss_bytes()
        if peak is not None:
            Path(rss_file).write_text(str(peak), encoding="ascii")
    sys.exit(code)


if __name__ == "__main__":
    main()
