"""How many threads BLAS (numpy's matrix products) gets while sgd trains.

A second BLAS thread only pays off for large products: for the lessons'
784-16-16-10 network at batch size 10, starting and stopping threads around
each of the 18,000 products per epoch costs more than they save, so sgd runs
such products on one thread and leaves BLAS its own thread count otherwise.
The limit is set with threadpoolctl when it is installed; without it, BLAS
keeps its own thread count and nothing else changes.
"""

import contextlib
import functools
import itertools

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # optional: without it BLAS keeps its own thread count
    ThreadpoolController = None

# Above this many multiply-adds per matrix product a second BLAS thread pays off.
ONE_THREAD_BELOW = 10_000_000


def largest_product(sizes, batch_size):
    """Multiply-adds of the largest product z = [W | b] [a; 1] in one step of a batch.

    sizes lists the neurons per layer, inputs first; 0 for a single layer size.
    """
    pairs = itertools.pairwise(sizes)
    return batch_size * max((n * (n_prev + 1) for n_prev, n in pairs), default=0)


def threads_for(largest):
    """1 BLAS thread for products of up to `largest` multiply-adds too small for a second
    to pay off, else None (BLAS's own number)."""
    return 1 if largest < ONE_THREAD_BELOW else None


@functools.cache
def controller():
    """A ThreadpoolController for numpy's BLAS (None without threadpoolctl).

    Made once: finding the loaded libraries takes milliseconds once scikit-learn
    is imported, and numpy's BLAS, the one sgd uses, was loaded before this module.
    """
    return ThreadpoolController() if ThreadpoolController else None


def limit(controller, threads):
    """A context running BLAS on `threads` threads (None: as it is).

    It limits BLAS as soon as it is made, and only once: make a new one for
    every `with`.
    """
    if controller is None or threads is None:
        return contextlib.nullcontext()
    return controller.limit(limits=threads, user_api="blas")


def threads_used(controller, threads):
    """The number of BLAS threads a limit(controller, threads) gives (None: unknown)."""
    if controller is None or threads is not None:
        return threads
    info = controller.select(user_api="blas").info()
    return max((lib["num_threads"] for lib in info), default=None)


__all__ = ["ONE_THREAD_BELOW", "controller", "largest_product", "limit", "threads_for",
           "threads_used"]
