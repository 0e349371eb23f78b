"""newsdeck benchmarks: ``python -m bench`` (or ``make bench``) prints figures.

Nothing here asserts a speed: the machine is shared and noisy, so every figure
is printed beside a baseline measured in the same run.
"""
