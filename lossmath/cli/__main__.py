"""``python -m lossmath.cli``."""

import sys

from lossmath.cli.main import main

sys.exit(main())
