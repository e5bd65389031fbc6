"""``python -m lossmath``."""

import sys

from lossmath.cli.main import main

sys.exit(main())
