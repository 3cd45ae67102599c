"""Qudao benchmarks: ``python -m bench`` generates data sets and measures the
platform against floors and peers run on the same machine in the same run.

Nothing here is imported by the product; see ``bench/README.md``.
"""
