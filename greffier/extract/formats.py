"""The file types greffier reads (a light module: importing it loads no parser)."""

SUPPORTED_SUFFIXES = (".pdf", ".txt")
