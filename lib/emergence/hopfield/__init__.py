r"""Associative memories: Hopfield's network (P = 2) and dense Hebbian networks (P > 2).

``N`` binary neurons :math:`\sigma_i = \pm 1` store ``K`` patterns :math:`\xi^\mu \in \{\pm1\}^N`
in Hebbian couplings of order ``P`` (the number of neurons each coupling joins),

.. math::

    J_{i_1 \dots i_P} = \frac{1}{N^{P-1}} \sum_{\mu=1}^K \xi^\mu_{i_1} \cdots \xi^\mu_{i_P}
    \quad \text{(all indices distinct; zero otherwise)},

with energy :math:`H(\sigma) = -\frac1P \sum_{i_1 \dots i_P} J_{i_1 \dots i_P}\,
\sigma_{i_1} \cdots \sigma_{i_P}` (a sum over ordered tuples) and local field
:math:`h_i = -\partial H / \partial \sigma_i = \sum_{i_2 \dots i_P} J_{i i_2 \dots i_P}
\sigma_{i_2} \cdots \sigma_{i_P}`. ``P = 2`` is Hopfield's network with :math:`J_{ii} = 0`.
Because no index repeats, :math:`H` is linear in each :math:`\sigma_i`: flipping neuron ``i``
changes the energy by exactly :math:`2\sigma_i h_i`, so zero-temperature asynchronous dynamics
:math:`\sigma_i \leftarrow \operatorname{sign} h_i` never raises it.

**No N^P tensor.** With :math:`x^\mu_j = \xi^\mu_j \sigma_j` the sum over distinct tuples is
an elementary symmetric polynomial, :math:`h_i = \frac{(P-1)!}{N^{P-1}} \sum_\mu \xi^\mu_i\,
e_{P-1}(\{x^\mu_j\}_{j \ne i})`, and since :math:`x^2 = 1` its power sums are
:math:`p_k = S^\mu_i` (``k`` odd) or :math:`N - 1` (``k`` even), where
:math:`S^\mu_i = \sum_{j \ne i} x^\mu_j = N m_\mu - \xi^\mu_i \sigma_i` and :math:`m_\mu` is the
overlap with pattern :math:`\mu`. Newton's identities turn the power sums into
:math:`e_{P-1}`: each field costs O(K P^2), not O(N^{P-1} K). We evaluate them in units of
:math:`N^k`, so every term is O(1) in float32.

Dynamics (``retrieve``): asynchronous (one neuron at a time, a fresh random order each sweep)
or synchronous (all at once) updates, at zero temperature (:math:`\sigma_i \leftarrow
\operatorname{sign} h_i`, a tie leaves the neuron as it is) or at temperature ``T`` with
Glauber's heat bath (:math:`\sigma_i = +1` with probability :math:`1/(1 + e^{-2 h_i / T})`).
Everything is vmapped over leading batch axes (independent networks, or several starting
states of one network).

Also here: the replica-symmetric theory of Amit, Gutfreund and Sompolinsky for ``P = 2``
(``rs_capacity`` gives :math:`\alpha_c \approx 0.138` and the retrieval overlap at it,
``rs_retrieval_overlap`` the retrieval overlap at load :math:`\alpha` and temperature ``T``).

The package: :mod:`~emergence.hopfield.network` (the kernels ``fields_kernel``,
``energy_kernel``, ``retrieve_kernel`` and their validating wrappers),
:mod:`~emergence.hopfield.theory` (exact and asymptotic results) and
:mod:`~emergence.hopfield.capacity` (the capacity experiment ``CAPACITY``, ``capacity_scan``
over loads, and the shipped results). Everything is importable from ``emergence.hopfield``.
"""

from emergence.hopfield.capacity import (
    CAPACITY,
    CapacityExperiment,
    LoadScan,
    capacity_scan,
    load_scans,
    save_scans,
    summarize,
)
from emergence.hopfield.network import (
    DYNAMICS,
    Retrieval,
    corrupt,
    coupling_tensor,
    energy,
    energy_kernel,
    fields_kernel,
    local_fields,
    random_patterns,
    retrieve,
    retrieve_kernel,
)
from emergence.hopfield.theory import rs_capacity, rs_retrieval_overlap, snr_capacity

__all__ = [
    "CAPACITY",
    "DYNAMICS",
    "CapacityExperiment",
    "LoadScan",
    "Retrieval",
    "capacity_scan",
    "corrupt",
    "coupling_tensor",
    "energy",
    "energy_kernel",
    "fields_kernel",
    "load_scans",
    "local_fields",
    "random_patterns",
    "retrieve",
    "retrieve_kernel",
    "rs_capacity",
    "rs_retrieval_overlap",
    "save_scans",
    "snr_capacity",
    "summarize",
]
