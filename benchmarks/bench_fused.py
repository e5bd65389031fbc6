"""The torch-fused target on CPU against torch's built-ins, the eager formula, and a copy.

Forward + backward (``torch.autograd.grad`` of the loss with respect to ``input``; ``target``
a constant tensor) on ``--n`` elements, float32 and float64, 1 and 2 threads
(``torch.set_num_threads``):

* ``smooth_l1``/``huber``/``l1``/``l2`` of ``lossmath.compile(..., "torch-fused")`` against
  ``F.smooth_l1_loss``/``F.huber_loss``/``F.l1_loss``/``F.mse_loss``, ``reduction="mean"``
  and ``"none"`` (``"none"``: the backward takes a fixed random ``grad_outputs``);
* pseudo-Huber, log-cosh, Welsch, Tukey and Barron (alpha = 1) against the formula a user
  writes in eager torch (below, ``EAGER``), ``reduction="mean"``;
* each fused row also as a multiple of one memory copy of ``input`` (``input.clone()``).

Method: every implementation is called once first (numba compiles each loop on its first
call per dtype: that first call's time is printed as the load cost), then timed ``--rounds``
times in alternation; medians; ratios fused / theirs (below 1: fused is faster) and eager /
fused (above 1: fused is faster). Run ``python benchmarks/bench_fused.py`` (``--n 1000000``
for a quick look; ``--only log_cosh,welsch``, ``--dtypes float32``, ``--threads 1`` to
narrow it).
"""

from __future__ import annotations

import argparse
import statistics
import time

import lossmath

#: the formula a user writes in eager torch for each loss torch does not have
EAGER = {
    "pseudo_huber": lambda t, x: (t.sqrt(1 + x * x) - 1),
    "log_cosh": lambda t, x: t.log(t.cosh(x)),
    "welsch": lambda t, x, c=2.985: c * c / 2 * (1 - t.exp(-(x / c) ** 2 / 2)),
    "tukey": lambda t, x, c=4.685: t.where(x.abs() <= c, c * c / 6 * (1 - (1 - (x / c) ** 2) ** 3),
                                           t.full_like(x, c * c / 6)),
    "barron": lambda t, x: t.sqrt(x * x + 1) - 1,
}


#: the clock of the timed rounds: wall time, or (``--clock process``) the CPU time of the
#: process, all its threads together -- on a machine shared with other work, one thread's CPU
#: time is what an idle machine's wall time would be, where the wall time also counts the
#: time the scheduler gave to others
CLOCK = {"wall": time.perf_counter, "process": time.process_time}
_clock = CLOCK["wall"]


def _median(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = _clock()
        fn()
        times.append(_clock() - t)
    return statistics.median(times)


def _fwd_bwd(torch, fn, a, b, reduction, w):
    def run():
        x = a.detach().requires_grad_(True)
        v = fn(x, b, reduction)
        torch.autograd.grad(v, x, grad_outputs=None if reduction != "none" else w)
    return run


def main() -> None:
    import torch
    import torch.nn.functional as F

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10**7)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--only", default="", help="comma-separated losses (default: all)")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--clock", choices=sorted(CLOCK), default="wall")
    ap.add_argument("--stat", choices=("median", "min"), default="median",
                    help="of the loss rows (the copy stays a median): min is the fastest "
                         "round, what the others' load left untouched")
    args = ap.parse_args()
    global _clock
    _clock = CLOCK[args.clock]
    only = set(filter(None, args.only.split(",")))
    barron = lossmath.get_loss("barron").subs(alpha=1)
    names = ["smooth_l1", "huber", "l1", "l2", "pseudo_huber", "log_cosh", "welsch", "tukey"]
    t0 = time.perf_counter()
    chosen = [n for n in names if not only or n in only]
    if not only or "barron" in only:
        chosen.append(barron)
    mod = lossmath.compile(chosen, "torch-fused")
    print(f"module: generated and imported in {time.perf_counter() - t0:.2f} s")
    builtin = {"smooth_l1": lambda i, t, r: F.smooth_l1_loss(i, t, reduction=r, beta=1.0),
               "huber": lambda i, t, r: F.huber_loss(i, t, reduction=r, delta=1.0),
               "l1": lambda i, t, r: F.l1_loss(i, t, reduction=r),
               "l2": lambda i, t, r: F.mse_loss(i, t, reduction=r)}
    gen = torch.Generator().manual_seed(12345)
    first: dict[str, float] = {}
    print(f"n = {args.n}, rounds = {args.rounds}, clock = {args.clock}, {args.stat}s in ms; "
          "ratio fused/built-in, "
          "eager/fused, fused/copy")
    print(f"{'loss':14} {'dtype':8} {'thr':>3} {'red':5} {'fused':>8} {'theirs':>8} "
          f"{'ratio':>6} {'/copy':>6}")
    for dtype in (getattr(torch, d) for d in args.dtypes.split(",")):
        a = torch.randn(args.n, generator=gen, dtype=torch.float64).mul(2).to(dtype)
        b = torch.randn(args.n, generator=gen, dtype=torch.float64).to(dtype)
        w = torch.rand(args.n, generator=gen, dtype=torch.float64).to(dtype)
        for threads in (int(k) for k in args.threads.split(",")):
            torch.set_num_threads(threads)
            copy = _median(lambda a=a: a.clone(), args.rounds)
            cases = [(n, builtin[n], r, "built-in") for n in builtin for r in ("mean", "none")]
            cases += [(n, EAGER[n], "mean", "eager") for n in EAGER]
            cases = [c for c in cases if not only or c[0] in only]
            for name, ref, red, kind in cases:
                f = getattr(mod, name)
                ours = _fwd_bwd(torch, lambda i, t, r, f=f: f(i, t, reduction=r), a, b, red, w)
                if kind == "built-in":
                    theirs = _fwd_bwd(torch, ref, a, b, red, w)
                else:
                    theirs = _fwd_bwd(torch, lambda i, t, r, ref=ref: getattr(
                        ref(torch, i - t), r)(), a, b, red, w)
                t = time.perf_counter()
                ours()
                first.setdefault(f"{name} {str(dtype)[6:]} {red}", time.perf_counter() - t)
                theirs()
                to, tt = [], []
                for _ in range(args.rounds):
                    to.append(_median(ours, 1))
                    tt.append(_median(theirs, 1))
                stat = statistics.median if args.stat == "median" else min
                mo, mt = stat(to), stat(tt)
                ratio = mo / mt if kind == "built-in" else mt / mo
                label = "fused/built-in" if kind == "built-in" else "eager/fused"
                print(f"{name:14} {str(dtype)[6:]:8} {threads:>3} {red:5} {mo * 1e3:8.2f} "
                      f"{mt * 1e3:8.2f} {ratio:6.2f} {mo / copy:6.2f}  {label}")
    print("first call (numba compiles the loops it runs, per dtype), fwd+bwd, seconds:")
    for k, v in first.items():
        print(f"  {k}: {v:.2f}")


if __name__ == "__main__":
    main()
