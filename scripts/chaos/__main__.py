"""``python scripts/chaos`` (or ``python -m chaos`` with scripts/ on the path)."""

import sys
from pathlib import Path

SCRIPTS = str(Path(__file__).resolve().parent.parent)
if SCRIPTS not in sys.path:
    sys.path.insert(0, SCRIPTS)

from chaos.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
