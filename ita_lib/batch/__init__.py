"""Batch: many briefings at once: planning, worker pools, warm kernels, manifest and index.

May import :mod:`ita_lib.run` and everything below it (not :mod:`ita_lib.deliver`).
"""
