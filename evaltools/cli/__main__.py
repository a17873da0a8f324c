"""``python -m evaltools.cli``: the same command line as the ``evaltools`` script."""

from evaltools.cli import main

main()
