"""Hold a run's write lock and sleep until killed: ``locker.py RUN_DIR``; says "locked" once held."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from typed_config._run.folder import RunFolder

if __name__ == "__main__":
    with RunFolder(Path(sys.argv[1])).lock():
        print("locked", flush=True)
        time.sleep(60)
