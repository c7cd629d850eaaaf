"""Named crash points, armed only through `CROSSDOCK_FAILPOINT` (tests).

A failpoint ends the process on the spot with `os._exit`, the way a kill -9 or an
OOM kill would: no finally blocks, no offset commit, no graceful shutdown. Tests use
it to prove that work committed to PostgreSQL but not yet acknowledged to Kafka is
redelivered and applied exactly once.
"""

import os
import sys

AFTER_COMMIT_BEFORE_ACK = "after-commit-before-ack"


class Failpoints:
    def __init__(self, armed: str) -> None:
        self._armed = frozenset(name.strip() for name in armed.split(",") if name.strip())

    def hit(self, name: str) -> None:
        if name in self._armed:
            sys.stderr.write(f"failpoint {name} reached: exiting abruptly\n")
            sys.stderr.flush()
            os._exit(86)
