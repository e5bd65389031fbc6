"""The ``lossmath`` command: :mod:`lossmath.cli.main` parses and dispatches; one module per
subcommand beyond list/show/check (:mod:`lossmath.cli.commands` lists them)."""
