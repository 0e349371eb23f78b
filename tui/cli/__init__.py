"""The ``newsdeck`` command line: dispatch in :mod:`tui.cli.main`, one module per command group."""
