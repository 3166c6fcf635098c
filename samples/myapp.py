"""The demo program of the cProfile article that prof2png grew from.

    python3 -m cProfile -o myapp.stats samples/myapp.py
    prof2png -f pstats myapp.stats -o output.png
"""
import time


def medium():
    time.sleep(0.01)


def light():
    time.sleep(0.001)


def heavy():
    for i in range(100):
        light()
        medium()
        medium()
    time.sleep(2)


def main():
    for i in range(2):
        heavy()


if __name__ == '__main__':
    main()
