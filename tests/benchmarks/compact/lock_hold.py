#!/usr/bin/python3
"""How long a compaction keeps promdir's readers waiting: polls the readers'
lock (flock on the metrics directory, docs/compaction.md) every half
millisecond while a command runs, and prints the longest time it could not
be had shared.

  lock_hold.py DIR promdir compact --grace 0 DIR
"""

import fcntl
import os
import subprocess
import sys
import time

directory = sys.argv[1]
fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
command = subprocess.Popen(sys.argv[2:])
longest, since = 0.0, None
while command.poll() is None:
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        if since is not None:
            longest, since = max(longest, time.monotonic() - since), None
    except BlockingIOError:
        if since is None:
            since = time.monotonic()
    time.sleep(0.0005)
print("longest exclusive hold seen: %.3f s" % longest)
sys.exit(command.returncode)
