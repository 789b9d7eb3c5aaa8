// Workload for ember tests: C++ CPU burner whose demangled frames contain
// templates, lambdas, std::function, namespaces, (anonymous namespace) and operators.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

namespace ember_demo {

template <typename T, int N>
struct Vec {
    T v[N];
    Vec operator+(const Vec &o) const {
        Vec r;
        for (int i = 0; i < N; i++) r.v[i] = v[i] + o.v[i] * (T)1.0001;
        return r;
    }
    T operator()(int i) const { return v[i % N]; }
};

template <typename T>
__attribute__((noinline)) T accumulate_hot(const std::vector<T> &xs, std::function<T(T, T)> op) {
    T acc = T();
    for (const T &x : xs) acc = op(acc, x);
    return acc;
}

}  // namespace ember_demo

namespace {

struct Spinner {
    volatile double sink = 0;
    __attribute__((noinline)) void spin(long n) {
        for (long i = 0; i < n; i++) sink = sink * 0.5 + (double)i;
    }
    __attribute__((noinline)) double operator()(long n) { spin(n); return sink; }
};

__attribute__((noinline)) double vec_work(long iters) {
    ember_demo::Vec<double, 8> a{}, b{};
    for (int i = 0; i < 8; i++) { a.v[i] = i; b.v[i] = 8 - i; }
    for (long i = 0; i < iters; i++) a = a + b;
    return a(3);
}

}  // namespace

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::vector<long> xs(200000);
    for (size_t i = 0; i < xs.size(); i++) xs[i] = (long)i;
    double total = 0;
    Spinner sp;
    for (long r = 0; std::chrono::steady_clock::now() < end; r++) {
        auto mul = [r](long a, long b) -> long { return a ^ (b * (r + 1)); };
        total += (double)ember_demo::accumulate_hot<long>(xs, mul);
        std::function<double(long)> f = [&sp](long n) { return sp(n); };
        total += f(300000);
        total += vec_work(200000);
    }
    printf("%g\n", total);
    return 0;
}
