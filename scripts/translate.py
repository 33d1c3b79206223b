"""Fill the French catalogue from the dictionaries in scripts/fr_*.py and compile it.

    .venv/bin/python scripts/translate.py   (after manage.py makemessages -l fr)

Reports the msgids still without a French string; the test suite fails while any is left.
"""

import importlib
import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PO = ROOT / "locale/fr/LC_MESSAGES/django.po"


def dictionary() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    merged: dict[str, str] = {}
    for path in sorted((ROOT / "scripts").glob("fr_*.py")):
        merged.update(importlib.import_module(path.stem).FR)
    return merged


def main() -> int:
    fr = dictionary()
    catalogue = polib.pofile(str(PO))
    catalogue.metadata["Language"] = "fr"
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    missing = []
    for entry in catalogue:
        # A string with a context (pgettext) is keyed "context\x04msgid", as gettext does.
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if key in fr:
            translated = fr[key]
            if entry.msgid_plural:
                singular, plural = translated if isinstance(translated, tuple) else (translated, translated)
                entry.msgstr_plural = {0: singular, 1: plural}
            else:
                entry.msgstr = translated
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif "fuzzy" in entry.flags or not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing.append(key)  # a fuzzy guess from a similar string is no translation
    catalogue.save(str(PO))
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(catalogue)} entries, {len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
