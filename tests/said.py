"""The analysis notes of the core are codes (shockbook.notes); tests read them as the CLI
prints them, in English, so their assertions keep the sentences a reader sees."""

from shockbook.workbook.i18n import render_notes


def english(text) -> str:
    """``text`` (a note cell: codes and free text) said in English."""
    return render_notes(text, "en")
