/*
 * http.c - the /debug/pprof endpoint of libember.so: one server thread on
 * one TCP address (loopback unless told otherwise), one request at a time,
 * requests capped at 8 KiB and 5 s, 4xx for anything it does not serve.
 * Profiles are built by export.c; this file only speaks HTTP/1.0-style
 * (Connection: close).
 */
#include "preload/preload.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAX 8192
#define PROFILE_MAX_SECONDS 3600

static int listen_fd = -1;
static pthread_t http_thread;
static atomic_int http_run;

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= n;
	}
}

static void respond(int fd, int code, const char *type, const void *body, size_t len)
{
	const char *reason = code == 200 ? "OK" : code == 400 ? "Bad Request" : code == 404 ? "Not Found" :
			     code == 405 ? "Method Not Allowed" : code == 431 ? "Request Header Fields Too Large" :
			     code == 503 ? "Service Unavailable" : "Internal Server Error";
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n", code, reason, type, len);

	send_all(fd, head, n);
	send_all(fd, body, len);
}

static void respond_text(int fd, int code, const char *text)
{
	respond(fd, code, "text/plain; charset=utf-8", text, strlen(text));
}

static void respond_profile(int fd, enum preload_kind kind, const struct stackmap *since, s64 dur)
{
	u8 *buf;
	size_t len;

	if (export__encode(kind, since, dur, &buf, &len)) {
		respond_text(fd, 500, "cannot encode the profile\n");
		return;
	}
	respond(fd, 200, "application/octet-stream", buf, len);
	free(buf);
}

/* Sleep @s seconds, in steps, giving up when the server is stopped. */
static bool sleep_while_running(long s)
{
	struct timespec step = { 0, 100 * 1000 * 1000 };
	long i;

	for (i = 0; i < s * 10; i++) {
		if (!atomic_load(&http_run))
			return false;
		nanosleep(&step, NULL);
	}
	return true;
}

static void serve_cpu(int fd, const char *query)
{
	const char *q = query ? strstr(query, "seconds=") : NULL;
	struct stackmap before;
	long seconds = 30;
	bool started = false;
	u64 t0;
	char *end;

	if (q) {
		seconds = strtol(q + 8, &end, 10);
		if (end == q + 8 || (*end && *end != '&') || seconds < 1 || seconds > PROFILE_MAX_SECONDS) {
			respond_text(fd, 400, "seconds must be 1..3600\n");
			return;
		}
	}
	if (!sigprof__running()) {
		if (aggregator__start() || sigprof__start(100)) {
			respond_text(fd, 503, "cannot start CPU profiling\n");
			return;
		}
		started = true;
	}
	stackmap__init(&before, 2);
	export__cpu_snapshot(&before);
	t0 = preload_now_ns();
	if (sleep_while_running(seconds))
		respond_profile(fd, PRELOAD_CPU, &before, preload_now_ns() - t0);
	if (started)
		sigprof__stop();
	stackmap__release(&before);
}

static void serve_cmdline(int fd)
{
	char buf[4096];
	int f = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = f < 0 ? 0 : read(f, buf, sizeof(buf));

	if (f >= 0)
		close(f);
	if (n < 0)
		n = 0;
	if (n > 0 && buf[n - 1] == 0)
		n--;
	respond(fd, 200, "text/plain; charset=utf-8", buf, n);
}

static void serve_threads(int fd)
{
	char buf[4096];
	size_t len = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	len += snprintf(buf, sizeof(buf), "tid name\n");
	while (d && (e = readdir(d)) && len + 64 < sizeof(buf)) {
		char path[64], comm[32] = "";
		ssize_t n = 0;
		int f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.16s/comm", e->d_name);
		f = open(path, O_RDONLY | O_CLOEXEC);
		if (f >= 0) {
			n = read(f, comm, sizeof(comm) - 1);
			close(f);
		}
		comm[n > 0 ? n : 0] = 0;
		comm[strcspn(comm, "\n")] = 0;
		len += snprintf(buf + len, sizeof(buf) - len, "%s %s\n", e->d_name, comm);
	}
	if (d)
		closedir(d);
	respond(fd, 200, "text/plain; charset=utf-8", buf, len);
}

static const char index_html[] =
	"<html><head><title>/debug/pprof/</title></head><body>\n"
	"<p>ember /debug/pprof/ (libember.so)</p>\n<ul>\n"
	"<li><a href=\"profile?seconds=30\">profile</a>: CPU profile over ?seconds=N</li>\n"
	"<li><a href=\"heap\">heap</a>: sampled live and allocated memory (default inuse_space)</li>\n"
	"<li><a href=\"allocs\">allocs</a>: the same samples, default alloc_space</li>\n"
	"<li><a href=\"cmdline\">cmdline</a>: the program's command line</li>\n"
	"<li><a href=\"threads\">threads</a>: the process's threads</li>\n"
	"</ul></body></html>\n";

static void handle(int fd)
{
	char req[REQ_MAX + 1], *sp1, *sp2, *query;
	size_t len = 0;
	struct timeval tv = { 5, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t n;

		if (len == REQ_MAX) {
			respond_text(fd, 431, "request too large\n");
			return;
		}
		n = recv(fd, req + len, REQ_MAX - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* closed or timed out: nothing to answer */
		len += n;
		req[len] = 0;
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	sp1 = strchr(req, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7)) {
		respond_text(fd, 400, "malformed request line\n");
		return;
	}
	*sp1 = *sp2 = 0;
	if (strcmp(req, "GET")) {
		respond_text(fd, 405, "only GET is served\n");
		return;
	}
	query = strchr(sp1 + 1, '?');
	if (query)
		*query++ = 0;
	if (!strcmp(sp1 + 1, "/debug/pprof/") || !strcmp(sp1 + 1, "/debug/pprof"))
		respond(fd, 200, "text/html; charset=utf-8", index_html, sizeof(index_html) - 1);
	else if (!strcmp(sp1 + 1, "/debug/pprof/profile"))
		serve_cpu(fd, query);
	else if (!strcmp(sp1 + 1, "/debug/pprof/heap"))
		respond_profile(fd, PRELOAD_HEAP, NULL, 0);
	else if (!strcmp(sp1 + 1, "/debug/pprof/allocs"))
		respond_profile(fd, PRELOAD_ALLOCS, NULL, 0);
	else if (!strcmp(sp1 + 1, "/debug/pprof/cmdline"))
		serve_cmdline(fd);
	else if (!strcmp(sp1 + 1, "/debug/pprof/threads"))
		serve_threads(fd);
	else
		respond_text(fd, 404, "not found; see /debug/pprof/\n");
}

/*
 * Close after the response has gone out: stop sending, then read and drop
 * what the client still sends (at most 64 KiB, 200 ms), so that closing
 * with unread data does not reset the connection before the client has
 * read an error response.
 */
static void drain_close(int fd)
{
	struct timeval tv = { 0, 200 * 1000 };
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	shutdown(fd, SHUT_WR);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (total < 64 * 1024 && (n = recv(fd, buf, sizeof(buf), 0)) > 0)
		total += n;
	close(fd);
}

static void *http_main(void *unused)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_setname_np(pthread_self(), "ember-http");
	preload_self.in_hook++;
	while (atomic_load(&http_run)) {
		struct pollfd p = { listen_fd, POLLIN, 0 };
		int fd;

		if (poll(&p, 1, 100) <= 0)
			continue;
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		handle(fd);
		drain_close(fd);
	}
	return NULL;
}

int http__serve(const char *addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *colon = strrchr(addr, ':');
	char host[64];
	long port;
	char *end;
	int fd, one = 1, err;

	if (atomic_load(&http_run))
		return -EBUSY;
	if (!colon || (size_t)(colon - addr) >= sizeof(host))
		return -EINVAL;
	memcpy(host, addr, colon - addr);
	host[colon - addr] = 0;
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end || port < 0 || port > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &sa.sin_addr) != 1)
		return -EINVAL;
	sa.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		err = -errno;
		close(fd);
		return err;
	}
	listen_fd = fd;
	atomic_store(&http_run, 1);
	err = preload_real_pthread_create(&http_thread, NULL, http_main, NULL);
	if (err) {
		atomic_store(&http_run, 0);
		close(fd);
		listen_fd = -1;
		return -err;
	}
	return 0;
}

void http__stop(void)
{
	if (!atomic_exchange(&http_run, 0))
		return;
	pthread_join(http_thread, NULL);
	close(listen_fd);
	listen_fd = -1;
}

/* In a forked child the server thread does not exist: drop its state, keep the parent's socket. */
void http__child_forget(void)
{
	if (!atomic_exchange(&http_run, 0))
		return;
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
}
