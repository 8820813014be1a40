"""Every benchmark and the cost model in one run: the same as ``python -m bench`` (see bench/__main__.py)."""

from __future__ import annotations

import sys

from bench.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
