"""A small workload for the pstats test files (see make_pstats.sh).

Runs unchanged under Python 2.7 and 3.6+.  The argument picks the parts to
run, so that several runs can be merged: f = fib (recursion), m = is_even /
is_odd (mutual recursion), b = builtins (sorted, len, sum, a generator).
"""
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


def builtins_work():
    data = [(i * 7919) % 101 for i in range(200)]
    total = sum(x * x for x in data)
    return sorted(data), len(data), total


def main(parts):
    if 'f' in parts:
        fib(10)
    if 'm' in parts:
        is_even(20)
    if 'b' in parts:
        builtins_work()


main(sys.argv[1] if len(sys.argv) > 1 else 'fmb')
