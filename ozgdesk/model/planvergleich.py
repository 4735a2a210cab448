"""Baselines side by side: two Zahlungsplan versions, and the milestone plan against today (Qt-free).

A Zahlungsplan is never changed in place; every revision is a new version
(``ozgdesk.model.basisplan``). Controllers then ask *what* a revision moved: which quarter, which
Haushaltsstelle, how much in total. Milestones keep their Plandatum as the baseline; the question
there is how far each one has moved by now. Both answers are computed here from plain values and
shown by ``ozgdesk.ui.planvergleich``.

Every difference is „b minus a“ (the later minus the earlier version, as the user chose them) and
comes with a word (neu, entfallen, erhöht, gesenkt, unverändert / später, früher, planmäßig), so no
reader depends on the colour of a cell.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ozgdesk.model.details import PlanDaten
from ozgdesk.model.values import Haushaltsstelle, Kostenart, MeilensteinStatus, Quartal, anzahl, format_datum, format_euro

Position = tuple[Quartal, Haushaltsstelle, Kostenart]
Spalte = tuple[Haushaltsstelle, Kostenart]


# ---------------------------------------------------------------------------------------------- plans
@dataclass(frozen=True)
class Vergleichswert:
    """One amount in version a and in version b (cents)."""

    a: int = 0
    b: int = 0

    @property
    def differenz(self) -> int:
        return self.b - self.a

    @property
    def aenderung(self) -> str:
        """The change in a word."""
        if self.a == self.b:
            return "unverändert"
        if self.a == 0:
            return "neu"
        if self.b == 0:
            return "entfallen"
        return "erhöht" if self.b > self.a else "gesenkt"

    def __add__(self, other: Vergleichswert) -> Vergleichswert:
        return Vergleichswert(self.a + other.a, self.b + other.b)


def differenz_text(cent: int) -> str:
    """A difference with its sign written out: „+1.000,00 €“, „−500,00 €“, „±0,00 €“."""
    if cent > 0:
        return f"+{format_euro(cent)}"
    if cent < 0:
        return f"−{format_euro(-cent)}"
    return f"±{format_euro(0)}"


class Gliederung(enum.Enum):
    """How the comparison is broken down: every cell, per quarter, per Haushaltsstelle."""

    POSITION = ("position", "je Position (Quartal und Haushaltsstelle)")
    QUARTAL = ("quartal", "je Quartal")
    HAUSHALTSSTELLE = ("haushaltsstelle", "je Haushaltsstelle und Kostenart")

    def __init__(self, code: str, label: str) -> None:
        self.code, self.label = code, label


@dataclass(frozen=True)
class Vergleichszeile:
    """One row of the comparison table; ``quartal`` or ``spalte`` is None in an aggregate row."""

    quartal: Quartal | None
    spalte: Spalte | None
    wert: Vergleichswert


@dataclass(frozen=True)
class Zahlungsplanvergleich:
    projekt_id: str
    versionen: tuple[int, ...]
    version_a: int | None
    version_b: int | None
    stand_a: date | None
    stand_b: date | None
    bemerkung_a: str
    bemerkung_b: str
    quartale: tuple[Quartal, ...]
    spalten: tuple[Spalte, ...]
    zellen: dict[Position, Vergleichswert]

    def zelle(self, q: Quartal, h: Haushaltsstelle, k: Kostenart) -> Vergleichswert:
        return self.zellen.get((q, h, k), Vergleichswert())

    def je_quartal(self, q: Quartal) -> Vergleichswert:
        return _summe(w for (qq, _h, _k), w in self.zellen.items() if qq == q)

    def je_spalte(self, h: Haushaltsstelle, k: Kostenart) -> Vergleichswert:
        return _summe(w for (_q, hh, kk), w in self.zellen.items() if (hh, kk) == (h, k))

    def je_haushaltsstelle(self) -> dict[Haushaltsstelle, Vergleichswert]:
        """Sums per Haushaltsstelle over every cost type (deviations are judged per Haushaltsstelle)."""
        summen: dict[Haushaltsstelle, Vergleichswert] = {}
        for (_q, h, _k), w in self.zellen.items():
            summen[h] = summen.get(h, Vergleichswert()) + w
        return dict(sorted(summen.items(), key=lambda hw: str(hw[0])))

    @property
    def summe(self) -> Vergleichswert:
        return _summe(self.zellen.values())

    def zeilen(self, gliederung: Gliederung = Gliederung.POSITION, nur_geaenderte: bool = False) -> list[Vergleichszeile]:
        """The table's rows (without the total, which :attr:`summe` gives)."""
        if gliederung is Gliederung.QUARTAL:
            zeilen = [Vergleichszeile(q, None, self.je_quartal(q)) for q in self.quartale]
        elif gliederung is Gliederung.HAUSHALTSSTELLE:
            zeilen = [Vergleichszeile(None, s, self.je_spalte(*s)) for s in self.spalten]
        else:
            zeilen = [Vergleichszeile(q, s, self.zelle(q, *s)) for q in self.quartale for s in self.spalten]
        if nur_geaenderte:
            zeilen = [z for z in zeilen if z.wert.differenz]
        return zeilen

    def zusammenfassung(self) -> str:
        """The total in one sentence."""
        if self.version_a is None or self.version_b is None:
            return "Für dieses Projekt gibt es noch keinen Zahlungsplan."
        s = self.summe
        if self.version_a == self.version_b:
            return (f"Version {self.version_a} mit sich selbst verglichen (Summe {format_euro(s.a)}). "
                    "Bitte zwei verschiedene Versionen wählen.")
        geaendert = sum(1 for w in self.zellen.values() if w.differenz)
        return (f"Summe Version {self.version_a}: {format_euro(s.a)} · Version {self.version_b}: {format_euro(s.b)} · "
                f"Differenz {differenz_text(s.differenz)} ({s.aenderung}); "
                f"{anzahl(geaendert, 'Position', 'Positionen')} geändert.")


def _summe(werte: Iterable[Vergleichswert]) -> Vergleichswert:
    a = b = 0
    for w in werte:
        a += w.a
        b += w.b
    return Vergleichswert(a, b)


def vergleichen(a: PlanDaten, b: PlanDaten) -> Zahlungsplanvergleich:
    """Two versions of a project's plan, cell by cell (quarter × Haushaltsstelle × Kostenart)."""
    schluessel = set(a.betraege) | set(b.betraege)
    zellen = {k: Vergleichswert(a.betraege.get(k, 0), b.betraege.get(k, 0)) for k in schluessel}
    quartale = tuple(sorted(set(a.quartale) | set(b.quartale) | {k[0] for k in schluessel}))
    spalten = tuple(sorted(set(a.spalten) | set(b.spalten), key=lambda hk: (str(hk[0]), hk[1].value)))
    return Zahlungsplanvergleich(a.projekt_id, b.versionen or a.versionen, a.version, b.version, a.stand, b.stand,
                                 a.bemerkung, b.bemerkung, quartale, spalten, zellen)


def standardversionen(versionen: tuple[int, ...]) -> tuple[int | None, int | None]:
    """What to compare first: the first version (the baseline) with the current one."""
    if not versionen:
        return None, None
    return versionen[0], versionen[-1]


def zahlungsplaene_lesen(s: Any, projekt_id: str, version_a: int | None = None,
                         version_b: int | None = None) -> Zahlungsplanvergleich:
    """Read two versions (default: the first and the current) in one session and compare them."""
    from ozgdesk.model import details

    if version_a is None or version_b is None:
        vorgabe_a, vorgabe_b = standardversionen(details.zahlungsplan(s, projekt_id).versionen)
        version_a = vorgabe_a if version_a is None else version_a
        version_b = vorgabe_b if version_b is None else version_b
    return vergleichen(details.zahlungsplan(s, projekt_id, version_a), details.zahlungsplan(s, projekt_id, version_b))


# ---------------------------------------------------------------------------------------------- milestones
@dataclass(frozen=True)
class Meilensteinvergleich:
    """One milestone: its baseline (Plandatum) against the date that counts today."""

    id: str
    titel: str
    plan: date | None
    prognose: date | None
    ist: date | None
    status: MeilensteinStatus
    verschiebungen: int
    ueberfaellig: bool

    @property
    def termin(self) -> date | None:
        """Actual if reached, else forecast (as the reports count a milestone's shift)."""
        return self.ist or self.prognose or self.plan

    @property
    def tage(self) -> int | None:
        """Days the milestone moved against its baseline (None: no baseline or no date, or dropped)."""
        if self.status is MeilensteinStatus.ENTFALLEN or self.plan is None or self.termin is None:
            return None
        return (self.termin - self.plan).days

    @property
    def richtung(self) -> str:
        """später, früher, planmäßig or offen (nothing to compare) – for colour and sorting."""
        t = self.tage
        if t is None:
            return "offen"
        return "später" if t > 0 else "früher" if t < 0 else "planmäßig"

    @property
    def abweichung(self) -> str:
        """The shift in words: „45 Tage später“, „7 Tage früher“, „planmäßig“."""
        if self.status is MeilensteinStatus.ENTFALLEN:
            return "entfallen"
        t = self.tage
        if t is None:
            return "kein Basisplan" if self.plan is None else "ohne Termin"
        if t == 0:
            return "planmäßig"
        return f"{anzahl(abs(t), 'Tag', 'Tage')} {'später' if t > 0 else 'früher'}"

    @property
    def bewertung(self) -> str:
        """What the row means, in words (the status and whether it is overdue)."""
        teile = [self.status.label]
        if self.ueberfaellig:
            teile.append("überfällig")
        if self.verschiebungen:
            teile.append(f"{self.verschiebungen}-mal verschoben")
        return ", ".join(teile)


@dataclass(frozen=True)
class Meilensteinplanvergleich:
    projekt_id: str
    stichtag: date
    meilensteine: tuple[Meilensteinvergleich, ...]

    def zusammenfassung(self) -> str:
        ms = self.meilensteine
        if not ms:
            return "Das Projekt hat keine Meilensteine."
        spaeter = [m for m in ms if m.richtung == "später"]
        frueher = sum(1 for m in ms if m.richtung == "früher")
        plan = sum(1 for m in ms if m.richtung == "planmäßig")
        ueber = sum(1 for m in ms if m.ueberfaellig)
        text = (f"{anzahl(len(ms), 'Meilenstein', 'Meilensteine')} gegenüber dem Basisplan (Stand "
                f"{format_datum(self.stichtag)}): {plan} planmäßig, {len(spaeter)} später, {frueher} früher")
        if spaeter:
            groesste = max(spaeter, key=lambda m: m.tage or 0)
            text += f"; am weitesten verschoben: „{groesste.titel}“ ({groesste.abweichung})"
        if ueber:
            text += f"; {ueber} überfällig"
        return text + "."


def meilensteine_lesen(s: Any, projekt_id: str, stichtag: date) -> Meilensteinplanvergleich:
    """A project's milestones with baseline, forecast, actual and shift, ordered by the baseline."""
    from ozgdesk.model import details

    p = details.projekt(s, projekt_id)
    ms = p.meilensteine if p is not None else ()

    def ueberfaellig(m: details.MeilensteinDaten) -> bool:
        termin = m.prognose or m.plan
        return m.status in (MeilensteinStatus.OFFEN, MeilensteinStatus.GEFAEHRDET) and termin is not None and termin < stichtag
    zeilen = tuple(Meilensteinvergleich(m.id, m.titel, m.plan, m.prognose, m.ist, m.status, m.verschiebungen,
                                        ueberfaellig(m)) for m in ms)
    return Meilensteinplanvergleich(projekt_id, stichtag, zeilen)


@dataclass(frozen=True)
class Planvergleich:
    """The dialog's one read: the project's name, the plan comparison and the milestones."""

    kennung: str
    titel: str
    zahlungsplan: Zahlungsplanvergleich
    meilensteine: Meilensteinplanvergleich


def lesen(s: Any, projekt_id: str, stichtag: date, version_a: int | None = None,
          version_b: int | None = None) -> Planvergleich:
    from ozgdesk.model.projekte import Projekt

    p = s.get(Projekt, projekt_id)
    return Planvergleich(p.kennung if p else "", p.titel if p else "",
                         zahlungsplaene_lesen(s, projekt_id, version_a, version_b),
                         meilensteine_lesen(s, projekt_id, stichtag))
