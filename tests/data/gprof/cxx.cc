// A small C++ program for the gprof parser's golden tests: namespaces, a
// class template, overloads, an operator and a recursive member function, so
// that gprof prints long demangled names (and mangled ones with
// --no-demangle).  make.sh builds it with -pg.
#include <cstdio>
#include <vector>

namespace shapes {

template <typename T> struct Box {
    std::vector<T> items;
    void add(const T &x) { items.push_back(x); }
    T sum() const
    {
        T s = T();
        for (const T &x : items)
            s = s + x;
        return s;
    }
    // recursion inside a member function
    T depth_sum(std::size_t i) const { return i == items.size() ? T() : items[i] + depth_sum(i + 1); }
};

struct Vec {
    double x, y;
};

__attribute__((noinline)) Vec operator+(const Vec &a, const Vec &b) { return Vec{a.x + b.x, a.y + b.y}; }

__attribute__((noinline)) double area(double r) { return 3.14159 * r * r; }
__attribute__((noinline)) double area(double w, double h) { return w * h; }

} // namespace shapes

int main()
{
    shapes::Box<shapes::Vec> vb;
    shapes::Box<double> db;
    for (int i = 0; i < 500; i++) {
        vb.add(shapes::Vec{double(i), double(-i)});
        db.add(shapes::area(i) + shapes::area(i, 2.0));
    }
    double t = 0;
    for (int k = 0; k < 30000; k++) {
        shapes::Vec v = vb.sum();
        t += v.x + db.sum() + db.depth_sum(400);
    }
    std::printf("%g\n", t);
    return 0;
}
