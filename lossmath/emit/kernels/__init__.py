"""The stable primitives' kernels of every target, as real Python modules whose functions are
pasted into generated modules (``inspect.getsource``): numpy, numba (scalar) and array (torch,
JAX, array API)."""
