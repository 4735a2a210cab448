"""``python -m ozgdesk.cli`` – same as ``ozgdesk-cli``."""

import sys

from ozgdesk.cli import main

sys.exit(main())
