"""Emergence: the shared library behind the book.

Submodules
----------
scale     the EMERGENCE_SCALE knob (``ci`` | ``default`` | ``full``)
style     the book's matplotlib style
runtime   JAX's persistent compilation cache (on at import; EMERGENCE_JAX_CACHE=off turns it off)
data      shipped data: finding data/, loading a file checked against its experiment, provenance
prose     numbers in a chapter's prose glued from the run
claims    executable claim checks and the claims ledger
inference NUTS fits that check their convergence (run_nuts); exact Gaussian likelihood from moments
calibration simulation-based calibration of an inference (ranks, coverage, their tests)
streams   NumPy randomness seeded from a jax.random key
sandpile  the Bak-Tang-Wiesenfeld sandpile (relaxation, driving, exact Green function)
ising     the 2D Ising model: checkerboard Metropolis, Swendsen-Wang, exact finite and infinite
          lattices
kuramoto  phase oscillators coupled through their mean field, with noise; Ott-Antonsen's exact
          reduction
percolation directed percolation (the Domany-Kinzel automaton) and A + A -> 0; exact small rings
langevin  overdamped Langevin dynamics with work and heat (Sekimoto), 1D Boltzmann quadrature
markov    Markov jump processes: Gillespie paths, snapshots, the generator's exact results
flows     chaotic flows (Lorenz, Roessler, Thomas): diffrax integration, Lyapunov spectra,
          forecast horizons
hopfield  associative memories: Hebbian networks of any order P, zero-T and Glauber dynamics,
          the replica-symmetric capacity of Hopfield's network
"""

from emergence import claims, runtime, scale, style

runtime.enable_compilation_cache()

__all__ = ["claims", "runtime", "scale", "style"]
__version__ = "0.1.0"
