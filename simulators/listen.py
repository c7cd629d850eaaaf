"""Where a simulator listens: loopback for the local stack and the tests, every
interface inside a container (compose sets SIMULATOR_HOST=0.0.0.0), so the hub's
services reach it by its service name."""

import os

HOST = os.environ.get("SIMULATOR_HOST", "127.0.0.1")
