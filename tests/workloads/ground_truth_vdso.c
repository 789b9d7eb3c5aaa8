/*
 * ground_truth_vdso.c - time spent in the vDSO (clock_gettime, no system
 * call) reached through the PLT: `ember record` must name the vDSO's frames
 * from the kernel's vDSO image and unwind through its CFI, and name the PLT
 * stub clock_gettime@plt. Usage: ground_truth_vdso [MILLION_CALLS] (default 20)
 */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	long n = (argc > 1 ? atol(argv[1]) : 20) * 1000000L, sum = 0;
	struct timespec ts;

	for (long i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		sum += ts.tv_nsec;
	}
	return sum == 1;
}
