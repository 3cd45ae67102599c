"""``python -m bench.worker --queue Q``: the platform's own ``qudao worker``
command, under a command line of the bench's own, so nothing that looks
for other people's ``qudao`` processes by name can mistake it for theirs."""
from core.cli import main

if __name__ == "__main__":
    main(["worker", *__import__("sys").argv[1:]])
