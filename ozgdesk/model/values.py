"""Value types of the domain: periods, budget lines, money and the fixed code lists.

They are plain, immutable and Qt-free so that the model, the documents and the sync all agree on one
meaning of "2026-Q3" or "0602 532 01". Every parser raises :class:`Eingabefehler` with a German
message, because these strings come from users, spreadsheets and JSON files.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ozgdesk.model.errors import Eingabefehler


# --------------------------------------------------------------------------------------------- periods
_QUARTAL_RE = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
_QUARTAL_DE_RE = re.compile(r"^\s*Q([1-4])\s*/\s*(\d{4})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quartal:
    """A calendar quarter. Written ``2026-Q3`` in files, ``Q3/2026`` for readers."""

    jahr: int
    nummer: int

    def __post_init__(self) -> None:
        if not 1 <= self.nummer <= 4:
            raise Eingabefehler(f"Quartal {self.nummer} gibt es nicht (erlaubt: 1 bis 4).")
        if not 1990 <= self.jahr <= 2100:
            raise Eingabefehler(f"Jahr {self.jahr} liegt außerhalb von 1990 bis 2100.")

    @classmethod
    def parse(cls, text: str) -> "Quartal":
        """Accept ``2026-Q3``, ``2026Q3`` and the German ``Q3/2026``."""
        if isinstance(text, Quartal):
            return text
        s = str(text)
        m = _QUARTAL_RE.match(s)
        if m:
            return cls(int(m.group(1)), int(m.group(2)))
        m = _QUARTAL_DE_RE.match(s)
        if m:
            return cls(int(m.group(2)), int(m.group(1)))
        raise Eingabefehler(f"„{s}“ ist kein Quartal (erwartet z. B. 2026-Q3).")

    @classmethod
    def von_datum(cls, tag: date) -> "Quartal":
        return cls(tag.year, (tag.month - 1) // 3 + 1)

    @property
    def beginn(self) -> date:
        return date(self.jahr, 3 * self.nummer - 2, 1)

    @property
    def ende(self) -> date:
        return self.folgendes().beginn - timedelta(days=1)

    def folgendes(self) -> "Quartal":
        return Quartal(self.jahr + 1, 1) if self.nummer == 4 else Quartal(self.jahr, self.nummer + 1)

    def vorheriges(self) -> "Quartal":
        return Quartal(self.jahr - 1, 4) if self.nummer == 1 else Quartal(self.jahr, self.nummer - 1)

    def enthaelt(self, tag: date) -> bool:
        return self.beginn <= tag <= self.ende

    @property
    def kurz(self) -> str:
        """``Q3/2026`` as German readers write it."""
        return f"Q{self.nummer}/{self.jahr}"

    @property
    def lang(self) -> str:
        return f"{self.nummer}. Quartal {self.jahr}"

    def __str__(self) -> str:
        return f"{self.jahr}-Q{self.nummer}"


_HALBJAHR_RE = re.compile(r"^\s*(\d{4})\s*-?\s*H([12])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Halbjahr:
    """A half-year (``2026-H2``), the rhythm of milestone and online monitoring."""

    jahr: int
    nummer: int

    def __post_init__(self) -> None:
        if self.nummer not in (1, 2):
            raise Eingabefehler(f"Halbjahr {self.nummer} gibt es nicht (erlaubt: 1 oder 2).")

    @classmethod
    def parse(cls, text: str) -> "Halbjahr":
        if isinstance(text, Halbjahr):
            return text
        m = _HALBJAHR_RE.match(str(text))
        if not m:
            raise Eingabefehler(f"„{text}“ ist kein Halbjahr (erwartet z. B. 2026-H2).")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def von_datum(cls, tag: date) -> "Halbjahr":
        return cls(tag.year, 1 if tag.month <= 6 else 2)

    @property
    def beginn(self) -> date:
        return date(self.jahr, 1 if self.nummer == 1 else 7, 1)

    @property
    def ende(self) -> date:
        return date(self.jahr, 6, 30) if self.nummer == 1 else date(self.jahr, 12, 31)

    @property
    def quartale(self) -> tuple[Quartal, Quartal]:
        q = 1 if self.nummer == 1 else 3
        return Quartal(self.jahr, q), Quartal(self.jahr, q + 1)

    def enthaelt(self, tag: date) -> bool:
        return self.beginn <= tag <= self.ende

    @property
    def lang(self) -> str:
        return f"{self.nummer}. Halbjahr {self.jahr}"

    def __str__(self) -> str:
        return f"{self.jahr}-H{self.nummer}"


# ---------------------------------------------------------------------------------------- budget line
_HHST_RE = re.compile(r"^\s*(\d{4})\s*(\d{3})\s*(\d{2})\s*$")


@dataclass(frozen=True, order=True)
class Haushaltsstelle:
    """Kapitel (4 digits, the first two the Einzelplan) + Titel (3-digit Gruppe + 2-digit number).

    Stored and shown in the canonical form ``0602 532 01``; input may omit or vary the blanks.
    """

    kapitel: str
    gruppe: str
    nummer: str

    @classmethod
    def parse(cls, text: str) -> "Haushaltsstelle":
        if isinstance(text, Haushaltsstelle):
            return text
        m = _HHST_RE.match(str(text))
        if not m:
            raise Eingabefehler(
                f"„{text}“ ist keine gültige Haushaltsstelle (erwartet Kapitel Titel, z. B. 0602 532 01)."
            )
        return cls(m.group(1), m.group(2), m.group(3))

    @property
    def einzelplan(self) -> str:
        return self.kapitel[:2]

    def __str__(self) -> str:
        return f"{self.kapitel} {self.gruppe} {self.nummer}"


# ---------------------------------------------------------------------------------------------- money
_CENT = Decimal("0.01")


def euro_zu_cent(wert: object) -> int:
    """Parse an amount in euro (``1234,56``, ``1.234,56``, ``1234.56`` or a Decimal) to integer cents.

    Floats are refused on purpose: a binary float has already lost the cent the user typed.
    """
    if isinstance(wert, bool) or isinstance(wert, float):
        raise Eingabefehler("Beträge müssen exakt angegeben werden (keine Gleitkommazahl).")
    if isinstance(wert, int):
        return wert * 100
    if isinstance(wert, Decimal):
        d = wert
    else:
        s = str(wert).strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
        if "," in s:
            s = s.replace(".", "").replace(",", ".")
        try:
            d = Decimal(s)
        except InvalidOperation:
            raise Eingabefehler(f"„{wert}“ ist kein gültiger Betrag (erwartet z. B. 1.234,56).") from None
    if not d.is_finite():
        raise Eingabefehler(f"„{wert}“ ist kein gültiger Betrag.")
    if d != d.quantize(_CENT):
        raise Eingabefehler(f"„{wert}“ hat mehr als zwei Nachkommastellen.")
    return int((d * 100).to_integral_value(rounding=ROUND_HALF_UP))


def cent_zu_euro(cent: int) -> Decimal:
    return (Decimal(cent) / 100).quantize(_CENT)


def format_zahl(n: int) -> str:
    """A whole number with German thousands separators: ``12.345``."""
    return f"{n:,}".replace(",", ".")


def anzahl(n: int, einzahl: str, mehrzahl: str) -> str:
    """A count with its noun in the right number: ``1 offener Konflikt``, ``3 offene Konflikte``."""
    return f"{format_zahl(n)} {einzahl if abs(n) == 1 else mehrzahl}"


def format_euro(cent: int) -> str:
    """German money format ``1.234.567,89 €`` (no float on the way)."""
    negativ = cent < 0
    euro, rest = divmod(abs(cent), 100)
    return f"{'-' if negativ else ''}{format_zahl(euro)},{rest:02d} €"


def format_datum(tag: date | None) -> str:
    return tag.strftime("%d.%m.%Y") if tag else ""


def parse_datum(text: object) -> date:
    """Accept ISO ``2026-12-31`` and German ``31.12.2026``."""
    if isinstance(text, date):
        return text
    s = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return date.fromisoformat(s)
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise Eingabefehler(f"„{s}“ ist kein gültiges Datum (erwartet TT.MM.JJJJ oder JJJJ-MM-TT).")


def parse_dezimal(text: object, *, feld: str = "Wert") -> Decimal:
    """Exact decimal for person-days and similar quantities; German comma accepted."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, float) or isinstance(text, bool):
        raise Eingabefehler(f"{feld}: Gleitkommazahlen sind nicht erlaubt.")
    s = str(text).strip().replace(".", "").replace(",", ".") if "," in str(text) else str(text).strip()
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise Eingabefehler(f"{feld}: „{text}“ ist keine Zahl.") from None
    if not d.is_finite():
        raise Eingabefehler(f"{feld}: „{text}“ ist keine Zahl.")
    return d


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def ist_email(text: str | None) -> bool:
    """A plausible e-mail address: one part before and after „@“, a dot in the domain, no spaces."""
    return bool(_EMAIL_RE.match(text or ""))


# ----------------------------------------------------------------------------------------- code lists
class DeutschesEnum(str, enum.Enum):
    """A code list whose members carry a German label for display.

    The value is the stable code written to the database, JSON and change files.
    """

    def __new__(cls, code: str, label: str) -> "DeutschesEnum":
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label  # type: ignore[attr-defined]
        return obj

    @classmethod
    def parse(cls, text: object) -> "DeutschesEnum":
        if isinstance(text, cls):
            return text
        s = str(text).strip()
        for m in cls:
            if s == m.value or s.casefold() == m.label.casefold():  # type: ignore[attr-defined]
                return m
        erlaubt = ", ".join(m.value for m in cls)
        raise Eingabefehler(f"„{s}“ ist nicht erlaubt (erlaubt: {erlaubt}).")

    def __str__(self) -> str:
        return self.value


class Verwaltungsart(DeutschesEnum):
    UNMITTELBAR = ("unmittelbar", "unmittelbare Bundesverwaltung")
    MITTELBAR = ("mittelbar", "mittelbare Bundesverwaltung")


class Lagenart(DeutschesEnum):
    LEBENSLAGE = ("lebenslage", "Lebenslage")
    GESCHAEFTSLAGE = ("geschaeftslage", "Geschäftslage")
    QUERSCHNITT = ("querschnitt", "Querschnitt/Weitere")


class Finanzierung(DeutschesEnum):
    VOLL = ("voll", "vollfinanziert aus dem Programm")
    UNTERSTUETZUNG = ("unterstuetzung", "nur zentrale Unterstützungsleistungen")
    EIGEN = ("eigen", "Eigenmittel des Ressorts")


class Ampel(DeutschesEnum):
    GRUEN = ("gruen", "grün")
    GELB = ("gelb", "gelb")
    ROT = ("rot", "rot")


class MeilensteinStatus(DeutschesEnum):
    OFFEN = ("offen", "offen")
    ERREICHT = ("erreicht", "erreicht")
    GEFAEHRDET = ("gefaehrdet", "gefährdet")
    ENTFALLEN = ("entfallen", "entfallen")


class Kostenart(DeutschesEnum):
    DIENSTLEISTUNG = ("dienstleistung", "Externe Dienstleistungen")
    SOFTWARE = ("software", "Software und Lizenzen")
    HARDWARE = ("hardware", "Hardware")
    BETRIEB = ("betrieb", "Betrieb und Wartung")
    SONSTIGES = ("sonstiges", "Sonstige Sachkosten")


class Reifegradmodell(DeutschesEnum):
    V1_1 = ("1.1", "Reifegradmodell 1.1 (Stufen 0–4)")
    V2_0 = ("2.0", "Reifegradmodell 2.0 (Stufen 0–7)")

    @property
    def hoechste_stufe(self) -> int:
        return 4 if self is Reifegradmodell.V1_1 else 7

    def ist_online(self, stufe: int) -> bool:
        """Programme counting: a Leistung is online from level 2 in model 1.1.

        Model 2.0 has no published threshold for the old counting; ozgdesk treats level 3 of 7 as
        "online" (application online), the closest equivalent of 1.1 level 2.
        """
        return stufe >= (2 if self is Reifegradmodell.V1_1 else 3)


REIFEGRAD_1_1 = {
    0: "Offline",
    1: "Information",
    2: "Formular-Assistent",
    3: "Online-Leistung",
    4: "Online-Transaktion",
}


class Komponente(DeutschesEnum):
    """Components of the Dienstekonsolidierung a funded project is expected to reuse."""

    VERWALTUNGSPORTAL = ("verwaltungsportal", "Verwaltungsportal Bund")
    NUTZERKONTO = ("nutzerkonto", "Nutzerkonto Bund")
    GSB = ("gsb", "Government Site Builder (GSB)")
    FMS = ("fms", "Formular-Management-System (FMS)")
    EPAYMENT = ("epayment", "E-Payment")


# LeiKa/FIM type codes as they occur in the catalogue (2/3 is the common combined value).
LEISTUNGSTYPEN = (
    "1", "2", "2a", "2b", "3", "3a", "3b", "2/3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
)


def parse_typ(text: object) -> str:
    s = str(text).strip()
    if s not in LEISTUNGSTYPEN:
        raise Eingabefehler(f"„{s}“ ist kein Leistungstyp (erlaubt: {', '.join(LEISTUNGSTYPEN)}).")
    return s
