"""``python -m bench.worker --queue Q``: the platform's own ``qudao worker``
command, under a command line of the bench's own (so nothing that looks for
other people's ``qudao`` processes by name can mistake it for theirs), with
the app's ``JOB_QUEUE`` set to the queue it listens on: jobs that a job
queues (the month-end batch's chunks) must reach this run's workers, not
the default queue other sessions' workers share on the same Redis."""
from __future__ import annotations

import sys


def _queue(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--queue" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--queue="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str]) -> None:
    import core.app
    from core.cli import main as qudao

    queue = _queue(argv)
    if queue:
        create = core.app.create_app

        def create_app(config=None):
            return create({**(config or {}), "JOB_QUEUE": queue})

        core.app.create_app = create_app  # core.cli imports it at call time
    qudao(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
