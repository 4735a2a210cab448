"""``python -m ozgdesk`` starts the desktop client (the CLI is ``ozgdesk-cli``)."""

import sys

from ozgdesk.ui.app import main

sys.exit(main())
