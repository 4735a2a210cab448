"""The receiver's view (programme management, BMDS): read the Ressorts' submission packages from a
folder tree, verify each, keep every Fassung in a database of its own and write the programme-wide
quarterly overview. No Qt; the command line is ``ozgdesk-cli empfang …`` (``ozgdesk/cli/empfang.py``).

* :mod:`ozgdesk.empfang.datenbank` – opening the receiver's database from a SQLAlchemy URL
  (SQLite by default, PostgreSQL for scale; the password from the keychain, never in the URL);
* :mod:`ozgdesk.empfang.tabellen` – its tables;
* :mod:`ozgdesk.empfang.einlesen` – finding, verifying (the verifier of ``paket-pruefen``) and
  loading packages, one transaction each;
* :mod:`ozgdesk.empfang.auswertung` – the overview's figures per Ressort;
* :mod:`ozgdesk.empfang.bericht` – the overview as PDF/A and XLSX.

How the receiver is run: ``docs/empfang.md``.
"""
