"""Three-valued decisions about expressions in ``x``: sample points, roots, singularities,
domains, zero tests, asymptotics and interval-arithmetic certificates (no Loss, no printing)."""
