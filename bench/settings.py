"""Omni's settings, served with the benchmarks' URLconf (``bench.ping_urls``): the
product's routes and the floor the benchmarks measure them against."""

from omni.settings import *  # noqa: F403 - every setting as production has it

ROOT_URLCONF = "bench.ping_urls"
