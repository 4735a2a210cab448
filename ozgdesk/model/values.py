"""Value types of the domain: periods, budget lines, money and the fixed code lists.

They are plain, immutable and Qt-free so that the model, the documents and the sync all agree on one
meaning of "2026-Q3" or "0602 532 01". Every parser raises :class:`Eingabefehler` with a German
message, because these strings come from users, spreadsheets and JSON files.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Self, cast

from ozgdesk.model.errors import Eingabefehler


# --------------------------------------------------------------------------------------------- periods
_QUARTAL_RE = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE | re.ASCII)
_QUARTAL_DE_RE = re.compile(r"^\s*Q([1-4])\s*/\s*(\d{4})\s*$", re.IGNORECASE | re.ASCII)


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
    def parse(cls, text: str) -> Quartal:
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
    def von_datum(cls, tag: date) -> Quartal:
        return cls(tag.year, (tag.month - 1) // 3 + 1)

    @property
    def beginn(self) -> date:
        return date(self.jahr, 3 * self.nummer - 2, 1)

    @property
    def ende(self) -> date:
        return self.folgendes().beginn - timedelta(days=1)

    def folgendes(self) -> Quartal:
        return Quartal(self.jahr + 1, 1) if self.nummer == 4 else Quartal(self.jahr, self.nummer + 1)

    def vorheriges(self) -> Quartal:
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


_HALBJAHR_RE = re.compile(r"^\s*(\d{4})\s*-?\s*H([12])\s*$", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True, order=True)
class Halbjahr:
    """A half-year (``2026-H2``), the rhythm of milestone and online monitoring."""

    jahr: int
    nummer: int

    def __post_init__(self) -> None:
        if self.nummer not in (1, 2):
            raise Eingabefehler(f"Halbjahr {self.nummer} gibt es nicht (erlaubt: 1 oder 2).")

    @classmethod
    def parse(cls, text: str) -> Halbjahr:
        if isinstance(text, Halbjahr):
            return text
        m = _HALBJAHR_RE.match(str(text))
        if not m:
            raise Eingabefehler(f"„{text}“ ist kein Halbjahr (erwartet z. B. 2026-H2).")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def von_datum(cls, tag: date) -> Halbjahr:
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
_HHST_RE = re.compile(r"^\s*(\d{4})\s*(\d{3})\s*(\d{2})\s*$", re.ASCII)


@dataclass(frozen=True, order=True)
class Haushaltsstelle:
    """Kapitel (4 digits, the first two the Einzelplan) + Titel (3-digit Gruppe + 2-digit number).

    Stored and shown in the canonical form ``0602 532 01``; input may omit or vary the blanks.
    """

    kapitel: str
    gruppe: str
    nummer: str

    @classmethod
    def parse(cls, text: str) -> Haushaltsstelle:
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

#: The largest amount any field holds: 10 Billionen € (10**15 cents). Far above any budget, far below
#: what a 64-bit column or a float in a spreadsheet would distort; a 5000-digit input stops here.
HOECHSTBETRAG_CENT = 10**15

# German number grammar. A dot is only ever a thousands separator, so it must stand between groups of
# exactly three digits after a first group of one to three; the comma is the one decimal separator.
_GRUPPIERT = r"[1-9]\d{0,2}(?:\.\d{3})+"
_ZAHL_RE = re.compile(rf"^(?P<ganz>{_GRUPPIERT}|\d+)?(?:,(?P<bruch>\d+))?$", re.ASCII)  # ASCII: no ١٢
# Leerzeichen as thousands separator (DIN 5008 allows 1 234 567,89; Excel in de_CH/fr writes it too).
_LEERGRUPPIERT_RE = re.compile(r"^[1-9]\d{0,2}(?: \d{3})+(?:,\d+)?$", re.ASCII)
_ZEICHEN_MINUS = "-\u2212\u2013"  # hyphen-minus, the minus sign and the en dash Word turns "-" into


def _deutsche_zahl(wert: object, *, was: str, beispiel: str, stellen: int) -> Decimal:
    """Read a number the way a German reader reads it, or refuse it with a message that shows the form.

    Accepted: ``12.500`` and ``1.234.567`` (thousands), ``12.500,5``, ``-250,00``, ``250,00-`` (a
    trailing minus as SAP/HKR exports write it), ``1 234,56``, an optional ``€``/``EUR``/``PT``/``%``.
    Refused as ambiguous: a dot that is not a thousands separator (``12.50``, ``1.5``) and any mix
    in English order (``1,234.56``) – silently reading either would shift the value 100× or 1000×.
    """
    roh = str(wert)
    if len(roh) > 60:
        raise Eingabefehler(f"{was}: die Eingabe ist mit {len(roh)} Zeichen zu lang für eine Zahl.")
    s = roh.strip()
    for einheit in ("€", "EUR", "Euro", "PT", "%"):
        if s.endswith(einheit):
            s = s[: -len(einheit)].strip()
        elif s.startswith(einheit):
            s = s[len(einheit):].strip()
    s = s.replace("\u00a0", " ").replace("\u202f", " ").strip()
    negativ = False
    if s[:1] in _ZEICHEN_MINUS:
        negativ, s = True, s[1:].strip()
    elif s[-1:] in _ZEICHEN_MINUS:
        negativ, s = True, s[:-1].strip()
    elif s[:1] == "+":
        s = s[1:].strip()
    if " " in s:
        if not _LEERGRUPPIERT_RE.match(s):
            raise Eingabefehler(f"{was}: „{roh.strip()}“ ist keine Zahl (erwartet z. B. {beispiel}).")
        s = s.replace(" ", "")
    m = _ZAHL_RE.match(s)
    if not m or (m.group("ganz") is None and m.group("bruch") is None):
        if re.fullmatch(r"[0-9.,]+", s) and ("." in s):
            raise Eingabefehler(
                f"{was}: „{roh.strip()}“ ist mehrdeutig. Im Deutschen trennt der Punkt die Tausender und das "
                f"Komma die Nachkommastellen{_englisch_gemeint(s, negativ)}; bitte z. B. {beispiel} schreiben."
            )
        raise Eingabefehler(f"{was}: „{roh.strip()}“ ist keine Zahl (erwartet z. B. {beispiel}).")
    ganz = (m.group("ganz") or "0").replace(".", "")
    bruch = m.group("bruch") or ""
    if len(bruch) > stellen:
        art = "zwei Nachkommastellen" if stellen == 2 else f"{stellen} Nachkommastellen"
        raise Eingabefehler(f"{was}: „{roh.strip()}“ hat mehr als {art} (erwartet z. B. {beispiel}).")
    d = Decimal(f"{ganz}.{bruch or '0'}")
    return -d if negativ else d


def _englisch_gemeint(s: str, negativ: bool) -> str:
    """The German spelling of what ``s`` means in English notation, as a hint in the refusal."""
    if not re.fullmatch(r"\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+\.\d+", s, re.ASCII):
        return ""
    ganz, _, bruch = s.replace(",", "").partition(".")
    text = f"{'-' if negativ else ''}{format_zahl(int(ganz))},{bruch}"
    return f" (gemeint ist vielleicht „{text}“)"


def euro_zu_cent(wert: object) -> int:
    """Parse an amount in euro typed the German way (``12.500``, ``1.234,56``, ``-250,00``) to cents.

    Text follows :func:`_deutsche_zahl`: ``12.500`` is twelve thousand five hundred euro, and
    ``12.50`` is refused rather than guessed. ``int`` (whole euro) and ``Decimal`` come from code and
    are taken as they are. Floats are refused on purpose: a binary float has already lost the cent.
    """
    if isinstance(wert, bool) or isinstance(wert, float):
        raise Eingabefehler("Beträge müssen exakt angegeben werden (keine Gleitkommazahl).")
    if isinstance(wert, int):
        d = Decimal(wert)
    elif isinstance(wert, Decimal):
        if not wert.is_finite():
            raise Eingabefehler(f"„{wert}“ ist kein gültiger Betrag.")
        d = wert
    else:
        d = _deutsche_zahl(wert, was="Betrag", beispiel="1.234,56", stellen=2)
    if abs(d) * 100 >= HOECHSTBETRAG_CENT:
        raise Eingabefehler(f"Betrag: „{wert}“ ist unplausibel hoch (höchstens 9.999.999.999.999,99 €).")
    if d != d.quantize(_CENT):
        raise Eingabefehler(f"Betrag: „{wert}“ hat mehr als zwei Nachkommastellen.")
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


_DATUM_DE_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})", re.ASCII)


def parse_datum(text: object) -> date:
    """Accept German ``31.12.2026``, ``1.10.2026`` and ``1.10.26`` and ISO ``2026-12-31``.

    A two-digit year is 20xx: ozgdesk's dates (projects, payments, milestones) all lie in this century,
    and a German reader writing „1.10.26“ means 2026.
    """
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    s = str(text).strip()
    if len(s) <= 20:
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s, re.ASCII):
                return date.fromisoformat(s)
            m = _DATUM_DE_RE.fullmatch(s)
            if m:
                jahr = int(m.group(3))
                return date(jahr + 2000 if len(m.group(3)) == 2 else jahr, int(m.group(2)), int(m.group(1)))
        except ValueError:
            pass
    raise Eingabefehler(f"„{s[:40]}“ ist kein gültiges Datum (erwartet TT.MM.JJJJ, z. B. 01.10.2026).")


def dezimal_exponent(d: Decimal) -> int:
    """The exponent of a finite Decimal (``12,50`` → -2); its digits follow from ``as_tuple()``.

    ``as_tuple()`` gives the codes "n", "N", "F" for NaN and infinity instead; callers check
    ``is_finite()`` first, so reaching one here is a programming error.
    """
    exponent = d.as_tuple().exponent
    if isinstance(exponent, str):
        raise ValueError(f"{d} is not a finite number")
    return exponent


#: Person-days, percentages and similar quantities: at most this many digits before the comma.
HOECHSTSTELLEN_DEZIMAL = 12


def parse_dezimal(text: object, *, feld: str = "Wert", stellen: int = 2) -> Decimal:
    """Exact decimal for person-days and similar quantities, read the German way (``1.234,5``).

    Same grammar as amounts (:func:`_deutsche_zahl`): ``12.500`` is twelve thousand five hundred,
    ``12.5`` is refused as ambiguous, exponents (``1e999999``) are no number a user types. At most
    ``stellen`` decimal places and :data:`HOECHSTSTELLEN_DEZIMAL` digits before the comma.
    """
    if isinstance(text, float) or isinstance(text, bool):
        raise Eingabefehler(f"{feld}: Gleitkommazahlen sind nicht erlaubt.")
    if isinstance(text, int):
        d = Decimal(text)
    elif isinstance(text, Decimal):
        if not text.is_finite():
            raise Eingabefehler(f"{feld}: „{text}“ ist keine Zahl.")
        d = text
    else:
        d = _deutsche_zahl(text, was=feld, beispiel="12,5", stellen=stellen)
    if d.adjusted() >= HOECHSTSTELLEN_DEZIMAL:
        raise Eingabefehler(f"{feld}: „{text}“ ist unplausibel groß.")
    if dezimal_exponent(d) < -stellen and d != d.quantize(Decimal(1).scaleb(-stellen)):
        raise Eingabefehler(f"{feld}: „{text}“ hat mehr als {stellen} Nachkommastellen.")
    return d


def parse_prozent(text: object, *, feld: str = "Anteil") -> Decimal:
    """A percentage as written in German documents (``87,5 %``), as the number of percent."""
    return parse_dezimal(text, feld=feld, stellen=2)


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def ist_email(text: str | None) -> bool:
    """A plausible e-mail address: one part before and after „@“, a dot in the domain, no spaces."""
    return bool(_EMAIL_RE.match(text or ""))


# ----------------------------------------------------------------------------------------- code lists
class DeutschesEnum(str, enum.Enum):
    """A code list whose members carry a German label for display.

    The value is the stable code written to the database, JSON and change files.
    """

    #: The German label (an annotation only, so no enum member; every member sets it in __new__).
    label: str
    _value_: str

    def __new__(cls, code: str, label: str) -> Self:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    @classmethod
    def parse(cls, text: object) -> Self:
        """The member of *this* code list whose code or label is ``text`` (``Ampel.parse`` → Ampel)."""
        if isinstance(text, cls):
            return text
        s = str(text).strip()
        for m in cls:
            if s == m.value or s.casefold() == m.label.casefold():
                return m
        erlaubt = ", ".join(m.value for m in cls)
        raise Eingabefehler(f"„{s}“ ist nicht erlaubt (erlaubt: {erlaubt}).")

    @classmethod
    def aus_code(cls, code: str) -> Self:
        """The member stored as ``code`` (a value read with plain sqlite3); KeyError if unknown."""
        return cast(Self, cls._value2member_map_[code])

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
