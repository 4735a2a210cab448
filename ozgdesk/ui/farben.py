"""Every colour the GUI uses, per design (Hell, Dunkel, Hoher Kontrast), and the WCAG contrast rule.

Qt-free on purpose: the colours are data and the contrast ratio is arithmetic, so both are tested
without a display, and :mod:`ozgdesk.ui.thema` builds the palettes and style sheets from here.

The rule (WCAG 2.1 SC 1.4.3, required by BITV 2.0 / EN 301 549 9.1.4.3): text and the colours that
carry meaning (traffic lights, Reifegrad squares, chart bars, messages) reach a contrast ratio of at
least 4.5:1 against every background they are drawn on. One exception, stated where it is tested
(:data:`PALETTENPAARE`): the text of *disabled* controls. WCAG exempts inactive components
(SC 1.4.3, "incidental"); ozgdesk still keeps it at 3:1 or more so the label can be read, but it
must look different from the active text, and that difference is contrast.

A colour used anywhere in ``ozgdesk/ui`` as ``#rrggbb`` must be declared here (a test greps for
them), so no colour reaches the screen untested.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: the designs in the order of the menu Ansicht › Design
DESIGNS: tuple[str, ...] = ("hell", "dunkel", "kontrast")
DESIGN_NAMEN = {"hell": "Hell", "dunkel": "Dunkel", "kontrast": "Hoher Kontrast"}

#: text on normal backgrounds; WCAG 2.1 SC 1.4.3 (AA)
MINDESTKONTRAST = 4.5
#: text of disabled controls (exempt under SC 1.4.3; kept readable, see the module docstring)
MINDESTKONTRAST_DEAKTIVIERT = 3.0


def _linear(kanal: int) -> float:
    c = kanal / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def leuchtdichte(farbe: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2.1 definition)."""
    h = farbe.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"Farbe {farbe!r} ist kein #rrggbb")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def kontrast(vorne: str, hinten: str) -> float:
    """WCAG contrast ratio of two colours, 1.0 … 21.0."""
    a, b = sorted((leuchtdichte(vorne), leuchtdichte(hinten)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Design:
    """One design: the palette roles ozgdesk sets (``QPalette.ColorRole`` names), the disabled
    group, and the app's own colours by meaning."""

    name: str
    palette: dict[str, str]
    deaktiviert: dict[str, str]
    eigene: dict[str, str]
    #: Reifegrad 0 … 4 (levels above 4 of model 2.0 use the last)
    reifegrad: tuple[str, ...] = field(default=())


HELL = Design(
    "hell",
    # Fusion's light palette with the text roles fixed: its Highlight (#308cc6 under white text,
    # 3.6:1) and its half-transparent placeholder text (about 4:1) fall short of 4.5:1
    palette={"Window": "#efefef", "WindowText": "#000000", "Base": "#ffffff", "AlternateBase": "#f7f7f7",
             "Text": "#000000", "Button": "#efefef", "ButtonText": "#000000", "ToolTipBase": "#ffffdc",
             "ToolTipText": "#000000", "Highlight": "#1d5aa0", "HighlightedText": "#ffffff", "Link": "#0b57d0",
             "LinkVisited": "#6a1b9a", "PlaceholderText": "#595959", "BrightText": "#ffffff"},
    deaktiviert={"WindowText": "#767676", "Text": "#767676", "ButtonText": "#767676"},
    eigene={"fehler": "#b3261e", "negativ": "#b3261e", "status_gefaehrdet": "#b3261e", "status_erreicht": "#2b7530",
            "ampel_gruen": "#2b7530", "ampel_gelb": "#8a6500", "ampel_rot": "#b3261e", "punkt_rand": "#000000",
            "diagramm_plan": "#546e7a", "diagramm_ist": "#1565c0", "diagramm_leistungen": "#2b7530",
            "fehlerbox_text": "#8a1c12", "fehlerbox_grund": "#fdecea", "fehlerbox_rand": "#b3261e",
            "hinweisbox_text": "#4d3800", "hinweisbox_grund": "#fff4d6", "hinweisbox_rand": "#8a6500",
            "zeitleiste_plan": "#1f5fa8", "zeitleiste_prognose": "#9c4a00", "zeitleiste_ist": "#1b6e2a",
            "zeitleiste_basis": "#666666", "zeitleiste_heute": "#c62828", "zeitleiste_warnung": "#b71c1c"},
    reifegrad=("#5c5c5c", "#b34700", "#527a1f", "#2b7530", "#1b5e20"),
)

DUNKEL = Design(
    "dunkel",
    palette={"Window": "#2b2b2b", "WindowText": "#e6e6e6", "Base": "#1e1e1e", "AlternateBase": "#262626",
             "Text": "#e6e6e6", "Button": "#353535", "ButtonText": "#e6e6e6", "ToolTipBase": "#3a3a3a",
             "ToolTipText": "#e6e6e6", "Highlight": "#2f65ca", "HighlightedText": "#ffffff", "Link": "#8ab4f8",
             "LinkVisited": "#d7aefb", "PlaceholderText": "#9a9a9a", "BrightText": "#ff6e6e", "Mid": "#5a5a5a"},
    deaktiviert={"WindowText": "#8c8c8c", "Text": "#8c8c8c", "ButtonText": "#8c8c8c"},
    eigene={"fehler": "#ff8a80", "negativ": "#ff8a80", "status_gefaehrdet": "#ff8a80", "status_erreicht": "#81c784",
            "ampel_gruen": "#66bb6a", "ampel_gelb": "#fdd835", "ampel_rot": "#ff7070", "punkt_rand": "#e6e6e6",
            "diagramm_plan": "#90a4ae", "diagramm_ist": "#64b5f6", "diagramm_leistungen": "#81c784",
            "fehlerbox_text": "#ffdad6", "fehlerbox_grund": "#5c1a14", "fehlerbox_rand": "#ff8a80",
            "hinweisbox_text": "#ffe8a3", "hinweisbox_grund": "#3d3000", "hinweisbox_rand": "#fdd835",
            "zeitleiste_plan": "#82b4ff", "zeitleiste_prognose": "#ffad60", "zeitleiste_ist": "#7fd18b",
            "zeitleiste_basis": "#a8a8a8", "zeitleiste_heute": "#ff7b7b", "zeitleiste_warnung": "#ff8a80"},
    reifegrad=("#b0b0b0", "#ffa54d", "#b5e07a", "#81c784", "#a5d6a7"),
)

#: black ground, white text, yellow links, cyan selection – the scheme of Windows' "Kontrast Schwarz";
#: frames of fields and buttons are drawn white (thema.KONTRAST_STIL), the focus yellow
KONTRAST = Design(
    "kontrast",
    palette={"Window": "#000000", "WindowText": "#ffffff", "Base": "#000000", "AlternateBase": "#1a1a1a",
             "Text": "#ffffff", "Button": "#000000", "ButtonText": "#ffffff", "ToolTipBase": "#000000",
             "ToolTipText": "#ffff00", "Highlight": "#1aebff", "HighlightedText": "#000000", "Link": "#ffff00",
             "LinkVisited": "#ff80ff", "PlaceholderText": "#c8c8c8", "BrightText": "#ffff00", "Mid": "#ffffff",
             "Light": "#ffffff", "Midlight": "#ffffff", "Dark": "#ffffff", "Shadow": "#ffffff"},
    deaktiviert={"WindowText": "#3ff23f", "Text": "#3ff23f", "ButtonText": "#3ff23f"},
    eigene={"fehler": "#ff8080", "negativ": "#ff8080", "status_gefaehrdet": "#ff8080", "status_erreicht": "#80ff80",
            "ampel_gruen": "#00e676", "ampel_gelb": "#ffff00", "ampel_rot": "#ff6e6e", "punkt_rand": "#ffffff",
            "diagramm_plan": "#c8c8c8", "diagramm_ist": "#1aebff", "diagramm_leistungen": "#80ff80",
            "fehlerbox_text": "#ffffff", "fehlerbox_grund": "#000000", "fehlerbox_rand": "#ff8080",
            "hinweisbox_text": "#ffffff", "hinweisbox_grund": "#000000", "hinweisbox_rand": "#ffff00",
            "fokus": "#ffff00", "rahmen": "#ffffff",
            "zeitleiste_plan": "#82b4ff", "zeitleiste_prognose": "#ffad60", "zeitleiste_ist": "#7fd18b",
            "zeitleiste_basis": "#a8a8a8", "zeitleiste_heute": "#ff7b7b", "zeitleiste_warnung": "#ff8a80"},
    reifegrad=("#ffffff", "#ffb366", "#d4ff80", "#80ff80", "#00e676"),
)

ALLE: dict[str, Design] = {d.name: d for d in (HELL, DUNKEL, KONTRAST)}

#: (foreground role, background role, minimum) of every palette pair a widget draws text with
PALETTENPAARE: tuple[tuple[str, str, float], ...] = (
    ("Text", "Base", MINDESTKONTRAST), ("Text", "AlternateBase", MINDESTKONTRAST),
    ("WindowText", "Window", MINDESTKONTRAST), ("ButtonText", "Button", MINDESTKONTRAST),
    ("HighlightedText", "Highlight", MINDESTKONTRAST), ("ToolTipText", "ToolTipBase", MINDESTKONTRAST),
    ("PlaceholderText", "Base", MINDESTKONTRAST), ("Link", "Base", MINDESTKONTRAST),
    ("LinkVisited", "Base", MINDESTKONTRAST), ("Link", "Window", MINDESTKONTRAST),
)
#: the disabled group: text of inactive controls (exempt from SC 1.4.3; see the module docstring)
DEAKTIVIERTE_PAARE: tuple[tuple[str, str], ...] = (("Text", "Base"), ("WindowText", "Window"), ("ButtonText", "Button"))

#: (own colour, palette roles it is drawn on): messages on the window and in fields, cell colours
#: and decorations in tables (plain and alternate rows), traffic-light icons on the Übersicht's
#: buttons, chart bars on the window
EIGENE_HINTERGRUENDE: dict[str, tuple[str, ...]] = {
    "fehler": ("Window", "Base"),
    "negativ": ("Base", "AlternateBase"),
    "status_gefaehrdet": ("Base", "AlternateBase"),
    "status_erreicht": ("Base", "AlternateBase"),
    "ampel_gruen": ("Base", "AlternateBase", "Button"),
    "ampel_gelb": ("Base", "AlternateBase", "Button"),
    "ampel_rot": ("Base", "AlternateBase", "Button"),
    "punkt_rand": ("Base", "AlternateBase", "Button"),
    "diagramm_plan": ("Window",),
    "diagramm_ist": ("Window",),
    "diagramm_leistungen": ("Window",),
    "fokus": ("Window", "Base"),
    "rahmen": ("Window", "Base"),
    # the Zeitleiste draws bars, diamonds, their labels and today's line on its rows (plain, alternate)
    **{f"zeitleiste_{b}": ("Base", "AlternateBase") for b in ("plan", "prognose", "ist", "basis", "heute", "warnung")},
}
#: own colours drawn on own colours (text of a message box on its ground, its frame)
EIGENE_PAARE: tuple[tuple[str, str], ...] = (
    ("fehlerbox_text", "fehlerbox_grund"), ("hinweisbox_text", "hinweisbox_grund"),
    ("fehlerbox_rand", "fehlerbox_grund"), ("hinweisbox_rand", "hinweisbox_grund"),
)

#: colours written as ``#rrggbb`` elsewhere in ``ozgdesk/ui`` that do not change with the design:
#: (where, text colour, background). The field a finding leads to is marked black on light yellow
#: with an orange frame in every design (``formular.HERVORHEBUNG``), so it is the same mark everywhere.
FESTE_PAARE: tuple[tuple[str, str, str], ...] = (
    ("formular.HERVORHEBUNG: Text", "#000000", "#fff8c4"),
    ("formular.HERVORHEBUNG: Rahmen", "#b33f00", "#fff8c4"),
)


def design(name: str | bool | None) -> Design:
    """The design called ``name``; True/False (the old dark-theme switch) mean Dunkel/Hell, an
    unknown name Hell."""
    if name is True:
        return DUNKEL
    if not isinstance(name, str):
        return HELL
    return ALLE.get(name, HELL)


def reifegradfarbe(d: Design, stufe: int) -> str:
    return d.reifegrad[max(0, min(int(stufe), len(d.reifegrad) - 1))]
