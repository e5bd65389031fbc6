"""The runtime helpers a generated numba module carries besides the numpy target's argument
handling (:func:`lossmath.emit.numpy_runtime.arguments`): the numba decorator ``_jit``, the
``threads=`` check and the loop runner that cuts x into pieces for a thread pool."""

from __future__ import annotations

__all__ = ["MIN_CHUNK", "RUNTIME"]

#: Elements below which threads=k still runs on one thread: a pool's dispatch (tens of
#: microseconds) costs more than it saves on a smaller piece.
MIN_CHUNK = 1 << 16

RUNTIME = f'''

#: Elements below which threads=k still runs on one thread.
_MIN_CHUNK = {MIN_CHUNK}

# numba caches machine code next to the module's file, and a cached loop finds its module
# again by importing its name: so only for a module imported from a file (an exec'd module
# has no file; one executed by hand from a spec is not in sys.modules)
_CACHE = (
    isinstance(globals().get("__file__"), str)
    and os.path.isfile(__file__)
    and sys.modules.get(__name__) is not None
)


def _jit(func):
    """No fastmath (IEEE results, no FMA contraction); error_model="numpy": x/0 is inf, as
    in numpy, not ZeroDivisionError; nogil, so threads can run loops side by side."""
    return numba.njit(func, error_model="numpy", nogil=True, cache=_CACHE)


def _threads(func, threads):
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"{{func}}: threads must be a positive integer, got {{threads!r}}")
    if threads < 1:
        raise ValueError(f"{{func}}: threads must be a positive integer, got {{threads!r}}")
    return int(threads)


_POOLS = {{}}


def _loop(func, loop, threads, arrays, consts):
    """Run the compiled loop on x and the outputs (1-d, the working dtype), cut into at most
    ``threads`` contiguous pieces of at least _MIN_CHUNK elements, one per thread; return
    what the loop returns (a fast loop: how many elements needed its full version)."""
    x = arrays[0]
    if x.dtype.itemsize > 8:
        raise TypeError(
            f"{{func}}: the numba target computes in float32 or float64, not {{x.dtype}}; "
            "pass float64 input, or use the numpy target"
        )
    arrays = (np.ascontiguousarray(x), *arrays[1:])  # one compiled layout per dtype
    parts = min(threads, x.size // _MIN_CHUNK)
    if parts <= 1:
        return loop(*arrays, *consts)
    if parts not in _POOLS:
        _POOLS[parts] = concurrent.futures.ThreadPoolExecutor(parts - 1)
    cuts = [x.size * k // parts for k in range(parts + 1)]
    jobs = [
        _POOLS[parts].submit(loop, *(a[cuts[k]: cuts[k + 1]] for a in arrays), *consts)
        for k in range(1, parts)
    ]
    first = loop(*(a[: cuts[1]] for a in arrays), *consts)
    rest = [job.result() for job in jobs]
    return None if first is None else first + sum(rest)  # the fast loops count rare cases
'''
