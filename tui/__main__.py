"""``python -m tui`` runs the same command line as ``newsdeck``."""

import sys

from tui.cli.main import main

sys.exit(main())
