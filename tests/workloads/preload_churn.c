/*
 * preload_churn.c - a smoke workload for libember.so as a guest: worker
 * threads that malloc/realloc/free and start short-lived threads of their
 * own, while the main thread forks children (which allocate and exit) and
 * runs /bin/true through fork + exec and dlopens/dlcloses libresolv (part of
 * glibc, so always there; not otherwise loaded).
 * Usage: preload_churn [SECONDS] [THREADS]
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;
static void *volatile seen;

static void *tiny(void *arg)
{
	void *p = malloc(64 + (size_t)arg);

	seen = p;
	free(p);
	return NULL;
}

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(size_t)arg, n = 0;
	void *keep[64] = { 0 };

	while (!stop) {
		unsigned i = rand_r(&seed) % 64;
		size_t size = 1 + rand_r(&seed) % 70000;

		free(keep[i]);
		keep[i] = (rand_r(&seed) & 1) ? malloc(size) : calloc(1, size);
		if (keep[i] && (rand_r(&seed) & 7) == 0)
			keep[i] = realloc(keep[i], size * 2);
		if (++n % 2000 == 0) {
			pthread_t t;

			if (!pthread_create(&t, NULL, tiny, (void *)(size_t)i))
				pthread_join(t, NULL);
		}
	}
	for (n = 0; n < 64; n++)
		free(keep[n]);
	return NULL;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 3, nthreads = argc > 2 ? atoi(argv[2]) : 8;
	time_t end = time(NULL) + seconds;
	pthread_t t[64];
	unsigned forks = 0, execs = 0, dlopens = 0;
	int i, st;

	if (nthreads > 64)
		nthreads = 64;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(size_t)(i + 1)))
			return 1;
	while (time(NULL) < end) {
		pid_t pid = fork();

		if (pid == 0) {
			char *p = strdup("child");

			free(p);
			if (forks % 2)
				execl("/bin/true", "true", (char *)NULL);
			exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			return 2;
		execs += forks % 2;	/* the child exec'd when forks was odd */
		forks++;
		{
			void *h = dlopen("libresolv.so.2", RTLD_NOW | RTLD_LOCAL);

			if (h && dlsym(h, "__b64_ntop"))
				dlopens++;
			if (h)
				dlclose(h);
		}
		usleep(20 * 1000);
	}
	stop = 1;
	for (i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	printf("forks %u execs %u dlopens %u\n", forks, execs, dlopens);
	return 0;
}
