// preload_cpp.cc - C++ under libember.so: operator new/delete reach the
// interposed malloc/free, and names come out demangled. At heap rate 1:
//   from main, via shapes::Circle::make(int): 200 objects x 48 bytes, 50 deleted
//   from shapes::grow(std::vector<int>&): 13 blocks (a vector growing to 4096
//     ints), all freed by the time main returns
// libstdc++'s operator new has no frame pointer, so its caller's frame
// (Circle::make) is not in frame-pointer stacks (EMBER_UNWIND=fp: its
// allocations show under main); DWARF CFI keeps it. Build with -O1
// -fno-omit-frame-pointer.
#include <cstdio>
#include <vector>

namespace shapes {
struct Circle {
	double x, y, r, area, perimeter, pad;
	static __attribute__((noinline)) Circle *make(int i)
	{
		Circle *c = new Circle{ double(i), 0, 1, 0, 0, 0 };
		return c;
	}
};

__attribute__((noinline)) void grow(std::vector<int> &v)
{
	for (int i = 0; i < 4096; i++)
		v.push_back(i);
}
}

int main()
{
	static shapes::Circle *keep[200];
	std::vector<int> v;

	for (int i = 0; i < 200; i++)
		keep[i] = shapes::Circle::make(i);
	for (int i = 0; i < 50; i++)
		delete keep[i];
	shapes::grow(v);
	std::printf("circles %zu vector %zu\n", sizeof(shapes::Circle), v.size());
	return 0;
}
