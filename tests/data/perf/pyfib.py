# Workload of tests/data/perf/make.sh for Python 3.12's -X perf: Python
# functions appear in perf stacks as py::NAME:FILE frames.
import sys


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def churn(n):
    return sum(i * i for i in range(n))


def main(rounds):
    for _ in range(rounds):
        fib(14)
        churn(20000)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
