"""Date formats as each language writes them (``FORMAT_MODULE_PATH``), over Django's own: English reads
"1 Dec 2026, 00:25", not the US "12/01/2026 12:25 a.m."; Bengali names the month in Bengali (its digits are the
templates' ``digits`` filter's, ``dxports.numbers.localize_digits``). Each language's input formats start with ISO,
which is what a browser's date input sends and shows, so that no form's value depends on the language."""
