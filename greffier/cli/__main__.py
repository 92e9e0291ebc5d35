"""`python -m greffier.cli`: the command line."""

from greffier.cli import main

main()
