/*
 * instream.c - block reader over plain, gzip and xz inputs. The first bytes
 * are peeked to choose a decoder; a truncated or corrupt compressed stream is
 * an error that names the input, never a silent short read.
 */
#include "base/instream.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define INSTREAM_IBUF (256 * 1024)

struct instream {
	const char *name;
	int fd;				/* -1 for memory streams */
	bool owns_fd;
	enum instream_codec codec;
	const unsigned char *mem;	/* memory stream */
	size_t mem_len, mem_pos;
	unsigned char *ibuf;		/* compressed input staging */
	size_t ilen, ipos;
	bool ieof;
	bool zdone;			/* decoder reached end of stream */
	z_stream z;
	lzma_stream lz;
	char *pb;			/* decoded bytes peeked at, returned first by read */
	size_t pb_len, pb_pos;
	void *map;			/* instream__map() */
	size_t map_len;
};

static ssize_t raw_read(struct instream *in, void *buf, size_t n)
{
	ssize_t r;

	if (in->fd < 0) {
		size_t left = in->mem_len - in->mem_pos;

		if (n > left)
			n = left;
		memcpy(buf, in->mem + in->mem_pos, n);
		in->mem_pos += n;
		return n;
	}
	do {
		r = read(in->fd, buf, n);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Fill the staging buffer for a decoder. Returns 0 or -errno. */
static int refill(struct instream *in)
{
	ssize_t r;

	if (in->ipos < in->ilen || in->ieof)
		return 0;
	r = raw_read(in, in->ibuf, INSTREAM_IBUF);
	if (r < 0)
		return (int)r;
	in->ilen = r;
	in->ipos = 0;
	if (r == 0)
		in->ieof = true;
	return 0;
}

static enum instream_codec sniff(const unsigned char *p, size_t n)
{
	static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return INSTREAM_GZIP;
	if (n >= 6 && !memcmp(p, xz_magic, 6))
		return INSTREAM_XZ;
	return INSTREAM_PLAIN;
}

static int setup_decoder(struct instream *in, struct em_diag *diag)
{
	ssize_t r;

	in->ibuf = xmalloc(INSTREAM_IBUF);
	/* Peek at up to 6 bytes; they stay in ibuf for whoever reads next. */
	while (in->ilen < 6 && !in->ieof) {
		r = raw_read(in, in->ibuf + in->ilen, 6 - in->ilen);
		if (r < 0) {
			em_diag__set(diag, in->name, 0, "cannot read: %s", strerror((int)-r));
			return (int)r;
		}
		if (r == 0)
			in->ieof = true;
		in->ilen += r;
	}
	in->codec = sniff(in->ibuf, in->ilen);
	if (in->codec == INSTREAM_GZIP) {
		/* 15 + 32: zlib or gzip header, detected automatically */
		if (inflateInit2(&in->z, 15 + 32) != Z_OK) {
			em_diag__set(diag, in->name, 0, "cannot start gzip decoder");
			return -EM_E_UNSUPPORTED;
		}
	} else if (in->codec == INSTREAM_XZ) {
		lzma_stream init = LZMA_STREAM_INIT;

		in->lz = init;
		if (lzma_stream_decoder(&in->lz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
			em_diag__set(diag, in->name, 0, "cannot start xz decoder");
			return -EM_E_UNSUPPORTED;
		}
	}
	return 0;
}

int instream__open(struct instream **out, const char *path, struct em_diag *diag)
{
	struct instream *in = xcalloc(1, sizeof(*in));
	int err;

	in->name = path;
	if (!strcmp(path, "-")) {
		in->fd = STDIN_FILENO;
	} else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			err = -errno;
			em_diag__set(diag, path, 0, "cannot open: %s", strerror(errno));
			free(in);
			return err;
		}
		in->owns_fd = true;
		posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	err = setup_decoder(in, diag);
	if (err) {
		instream__free(in);
		return err;
	}
	*out = in;
	return 0;
}

struct instream *instream__from_memory(const void *data, size_t len, const char *name)
{
	struct instream *in = xcalloc(1, sizeof(*in));

	in->name = name;
	in->fd = -1;
	in->mem = data;
	in->mem_len = len;
	/* Memory streams are never compressed in practice, but sniff anyway. */
	if (setup_decoder(in, NULL)) {
		in->codec = INSTREAM_PLAIN;
	}
	return in;
}

static ssize_t read_gzip(struct instream *in, void *buf, size_t n, struct em_diag *diag)
{
	int err, zr;

	in->z.next_out = buf;
	in->z.avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	while (in->z.avail_out == n && !in->zdone) {
		err = refill(in);
		if (err) {
			em_diag__set(diag, in->name, 0, "cannot read: %s", strerror(-err));
			return err;
		}
		if (in->ipos == in->ilen && in->ieof) {
			em_diag__set(diag, in->name, 0, "truncated gzip stream");
			return -EM_E_BAD_INPUT;
		}
		in->z.next_in = in->ibuf + in->ipos;
		in->z.avail_in = in->ilen - in->ipos;
		zr = inflate(&in->z, Z_NO_FLUSH);
		in->ipos = in->ilen - in->z.avail_in;
		if (zr == Z_STREAM_END) {
			/* Concatenated gzip members (as `cat a.gz b.gz`) continue. */
			if (refill(in) == 0 && in->ipos < in->ilen) {
				inflateReset(&in->z);
			} else {
				in->zdone = true;
			}
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			em_diag__set(diag, in->name, 0, "corrupt gzip stream: %s",
				     in->z.msg ? in->z.msg : "inflate failed");
			return -EM_E_BAD_INPUT;
		}
	}
	return n - in->z.avail_out;
}

static ssize_t read_xz(struct instream *in, void *buf, size_t n, struct em_diag *diag)
{
	lzma_ret lr;
	int err;

	in->lz.next_out = buf;
	in->lz.avail_out = n;
	while (in->lz.avail_out == n && !in->zdone) {
		err = refill(in);
		if (err) {
			em_diag__set(diag, in->name, 0, "cannot read: %s", strerror(-err));
			return err;
		}
		in->lz.next_in = in->ibuf + in->ipos;
		in->lz.avail_in = in->ilen - in->ipos;
		lr = lzma_code(&in->lz, in->ieof && in->ipos == in->ilen ? LZMA_FINISH : LZMA_RUN);
		in->ipos = in->ilen - in->lz.avail_in;
		if (lr == LZMA_STREAM_END) {
			in->zdone = true;
		} else if (lr == LZMA_BUF_ERROR && in->ieof) {
			em_diag__set(diag, in->name, 0, "truncated xz stream");
			return -EM_E_BAD_INPUT;
		} else if (lr != LZMA_OK && lr != LZMA_BUF_ERROR) {
			em_diag__set(diag, in->name, 0, "corrupt xz stream (liblzma error %d)", (int)lr);
			return -EM_E_BAD_INPUT;
		}
	}
	return n - in->lz.avail_out;
}

static ssize_t read_decoded(struct instream *in, void *buf, size_t n, struct em_diag *diag);

#define INSTREAM_PEEK_MAX (64u * 1024)

ssize_t instream__peek(struct instream *in, const char **data, size_t want, struct em_diag *diag)
{
	if (want > INSTREAM_PEEK_MAX)
		want = INSTREAM_PEEK_MAX;
	if (in->codec == INSTREAM_PLAIN) {
		/* plain input: read ahead into the staging buffer, so mapping still works */
		while (in->ilen < want && !in->ieof) {
			ssize_t r = raw_read(in, in->ibuf + in->ilen, want - in->ilen);

			if (r < 0) {
				em_diag__set(diag, in->name, 0, "cannot read: %s", strerror((int)-r));
				return r;
			}
			if (r == 0)
				in->ieof = true;
			in->ilen += r;
		}
		*data = (const char *)in->ibuf + in->ipos;
		return in->ilen - in->ipos;
	}
	if (!in->pb)
		in->pb = xmalloc(INSTREAM_PEEK_MAX);
	while (in->pb_len < want) {
		ssize_t r = read_decoded(in, in->pb + in->pb_len, want - in->pb_len, diag);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		in->pb_len += r;
	}
	*data = in->pb + in->pb_pos;
	return in->pb_len - in->pb_pos;
}

ssize_t instream__read(struct instream *in, void *buf, size_t n, struct em_diag *diag)
{
	if (n == 0)
		return 0;
	if (in->pb_pos < in->pb_len) {	/* peeked bytes come first */
		size_t k = in->pb_len - in->pb_pos;

		if (k > n)
			k = n;
		memcpy(buf, in->pb + in->pb_pos, k);
		in->pb_pos += k;
		return k;
	}
	return read_decoded(in, buf, n, diag);
}

static ssize_t read_decoded(struct instream *in, void *buf, size_t n, struct em_diag *diag)
{
	ssize_t r;

	switch (in->codec) {
	case INSTREAM_GZIP:
		return read_gzip(in, buf, n, diag);
	case INSTREAM_XZ:
		return read_xz(in, buf, n, diag);
	case INSTREAM_PLAIN:
		break;
	}
	if (in->ipos < in->ilen) {	/* the peeked bytes come first */
		size_t k = in->ilen - in->ipos;

		if (k > n)
			k = n;
		memcpy(buf, in->ibuf + in->ipos, k);
		in->ipos += k;
		return k;
	}
	if (in->ieof)
		return 0;
	r = raw_read(in, buf, n);
	if (r < 0)
		em_diag__set(diag, in->name, 0, "cannot read: %s", strerror((int)-r));
	return r;
}

int instream__map(struct instream *in, const char **data, size_t *len)
{
	struct stat st;
	void *m;

	if (in->map) {
		*data = in->map;
		*len = in->map_len;
		return 0;
	}
	if (in->codec != INSTREAM_PLAIN || in->fd < 0 || in->ipos != 0 ||
	    fstat(in->fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    lseek(in->fd, 0, SEEK_CUR) != (off_t)in->ilen)
		return -ENOTSUP;
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, in->fd, 0);
	if (m == MAP_FAILED)
		return -ENOTSUP;
	madvise(m, st.st_size, MADV_SEQUENTIAL);
	in->map = m;
	in->map_len = st.st_size;
	*data = m;
	*len = in->map_len;
	return 0;
}

const char *instream__name(const struct instream *in)
{
	return in->name;
}

enum instream_codec instream__codec(const struct instream *in)
{
	return in->codec;
}

void instream__free(struct instream *in)
{
	if (!in)
		return;
	if (in->codec == INSTREAM_GZIP)
		inflateEnd(&in->z);
	else if (in->codec == INSTREAM_XZ)
		lzma_end(&in->lz);
	if (in->map)
		munmap(in->map, in->map_len);
	if (in->owns_fd)
		close(in->fd);
	free(in->ibuf);
	free(in->pb);
	free(in);
}
