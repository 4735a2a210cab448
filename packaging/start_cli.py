"""Entry script of the frozen CLI."""

import sys

from ozgdesk.cli import main

sys.exit(main())
