"""The UI speaks English and French: every string of the catalogue is translated and
the compiled catalogue matches its source."""

from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.po"


def test_french_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(catalogue) > 50


def test_compiled_catalogue_is_up_to_date():
    source = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.pofile(str(PO)) if not entry.msgid_plural}
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo if not entry.msgid_plural}
    assert compiled == source
