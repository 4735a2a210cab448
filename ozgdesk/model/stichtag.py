"""The demo Ressort's reference date, in a module of its own.

The demo data and every figure computed from it are built around this date, not today, so the
demo and the tests stay deterministic. The desktop client needs it at start-up, before the demo's
builder (and with it SQLAlchemy) is loaded; :data:`ozgdesk.model.demo.STICHTAG` is the same date.
"""

from datetime import date

DEMO_STICHTAG = date(2026, 11, 15)
