"""What a loss is: parameters, references and their markup, the :class:`Loss` and its interval
table. Imports only :mod:`lossmath.base` and :mod:`lossmath.exact` (the decisions the table is
built from), and, lazily, the two display methods' renderers."""
