"""The UI speaks English and French: the catalogue holds every string of the code and
templates, each one translated, and the compiled catalogue matches its source.

The French is written in locale/fr/LC_MESSAGES/django.po (any gettext editor); `make
messages` refreshes it from the code and compiles it."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale/fr/LC_MESSAGES/django.po"
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _translation(entry: polib.POEntry | polib.MOEntry) -> str | tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[form] for form in sorted(entry.msgstr_plural))
    return entry.msgstr


def _makemessages_ignores() -> list[str]:
    """The --ignore options of `make messages`, read from the Makefile so that this test
    extracts exactly what the target does."""
    makefile = (ROOT / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if "makemessages" in line and "$(PY)" in line)
    return re.findall(r"--ignore=(\S+)", line)


def test_french_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert len(catalogue) > 50


def test_compiled_catalogue_is_up_to_date():
    source = {_key(entry): _translation(entry) for entry in polib.pofile(str(PO))}
    compiled = {_key(entry): _translation(entry) for entry in polib.mofile(str(PO.with_suffix(".mo")))}
    assert compiled == source, "run `make messages` (compilemessages) after editing the .po"


def test_catalogue_holds_every_string_of_the_code_and_templates(tmp_path, monkeypatch):
    """makemessages run on a copy of the catalogue: it finds no string the .po lacks, and
    the .po keeps none the code no longer has."""
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        pytest.skip(f"gettext tools missing ({', '.join(missing_tools)}); to run: sudo apt-get install gettext")
    # The project seen through symlinks, minus its locale folder: makemessages writes the
    # refreshed catalogue into tmp_path/locale and never touches the real one.
    for child in ROOT.iterdir():
        if child.name != "locale" and not child.name.startswith("."):
            (tmp_path / child.name).symlink_to(child)
    copy = tmp_path / "locale/fr/LC_MESSAGES/django.po"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(PO, copy)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command(
            "makemessages",
            locale=["fr"],
            ignore_patterns=_makemessages_ignores(),
            no_obsolete=True,
            symlinks=True,
            verbosity=0,
        )
    committed = {_key(entry) for entry in polib.pofile(str(PO))}
    refreshed = {_key(entry) for entry in polib.pofile(str(copy))}
    new = sorted(refreshed - committed, key=str)
    gone = sorted(committed - refreshed, key=str)
    assert new == [], f"strings missing from the .po (run `make messages`, then translate them): {new}"
    assert gone == [], f"strings no longer in the code (run `make messages`): {gone}"
