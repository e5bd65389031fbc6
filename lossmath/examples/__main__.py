"""``python -m lossmath.examples``: where the example specs are, one path a line."""

from lossmath.examples import names, path

for name in names():
    print(path(name))
