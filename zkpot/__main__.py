"""``python -m zkpot`` is the ``zkpot`` command."""

import sys

from zkpot.cli import main

sys.exit(main())
