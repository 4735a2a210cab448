"""Entry script of the frozen GUI (PyInstaller needs a script, not a module path)."""

import sys

from ozgdesk.ui.app import main

sys.exit(main())
