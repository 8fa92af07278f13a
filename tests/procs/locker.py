"""Hold a run's write lock and sleep until killed: ``locker.py RUN_DIR``; says "locked" once held."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from typed_config._run.folder_files import locked

if __name__ == "__main__":
    with locked(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(60)
