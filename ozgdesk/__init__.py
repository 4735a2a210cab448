"""ozgdesk – Werkzeug der Ressorts für das Digitalisierungsprogramm Bund (OZG)."""

__version__ = "0.1.0"
