/*
 * ground_truth_signal.c - CPU time spent inside a signal handler, for
 * `ember record` tests of unwinding through the kernel's signal frame
 * (glibc's __restore_rt and its hand-written CFI) back into the interrupted
 * code: main → interrupted_loop, and on top of it, after the signal frame,
 * handler → spin_in_handler. Built -O2 -fomit-frame-pointer.
 * Usage: ground_truth_signal [SIGNALS]   (default 400)
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static volatile uint64_t sink;
static volatile sig_atomic_t pending;

__attribute__((noinline, noipa)) static void spin_in_handler(void)
{
	uint64_t x = sink;

	for (int i = 0; i < 2000000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	sink = x;
}

static void handler(int sig)
{
	(void)sig;
	spin_in_handler();
	pending = 0;
}

/* Spins (without calls) until the handler has run; the signal lands here. */
__attribute__((noinline, noipa)) static void interrupted_loop(void)
{
	uint64_t x = 1;

	pending = 1;
	raise(SIGUSR1);
	while (pending) {
		x = x * 3 + 1;
		__asm__ volatile("" : "+r"(x));
	}
	sink += x;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 400;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < n; i++)
		interrupted_loop();
	return 0;
}
