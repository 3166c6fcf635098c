"""The program profiled for tests/data/speedscope and tests/data/trace: a
recursive function, repeated calls of the same helpers, and a second thread
doing other work."""
import threading
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def parse(text):
    return [int(x) for x in text.split(',')]


def checksum(values):
    total = 0
    for v in values:
        total = (total * 31 + v) % 1000003
    return total


def load(rounds):
    text = ','.join([str(i) for i in range(3000)])
    s = 0
    for _ in range(rounds):
        s += checksum(parse(text))
    return s


def background(rounds):
    for _ in range(rounds):
        load(2)
        time.sleep(0.01)


def main(rounds=3):
    """rounds sets the length of the run (3: about a tenth of a second)."""
    worker = threading.Thread(target=background, args=(rounds,), name='worker')
    worker.start()
    for _ in range(rounds):
        fib(10)
        load(1)
    time.sleep(0.02)
    worker.join()


if __name__ == '__main__':
    import sys
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
