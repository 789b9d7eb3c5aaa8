/*
 * test_tracefs.c - the tracefs `format` parser on format files copied from
 * this machine's kernel (tests/fixtures/tracefs), its errors (file and line
 * named), and event ids read through a fixture tree made in a temp dir.
 */
#include "../lib/test.h"
#include "record/tracefs.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIX "tests/fixtures/tracefs/"

static int parse_file(const char *path, struct tracefs_format *f, struct em_diag *d)
{
	char *buf;
	size_t len;
	int err = tracefs__read_file(path, &buf, &len);

	if (err)
		return err;
	err = tracefs_format__parse(f, buf, len, path, d);
	free(buf);
	return err;
}

static int parse_text(const char *text, struct tracefs_format *f, struct em_diag *d)
{
	return tracefs_format__parse(f, text, strlen(text), "t.format", d);
}

TEST(test_tracefs__sched_switch_fields)
{
	struct tracefs_format f = { 0 };
	struct em_diag d = { 0 };
	const struct tracefs_field *fl;

	ASSERT(parse_file(FIX "sched_sched_switch.format", &f, &d) == 0);
	ASSERT_STREQ(f.name, "sched_switch");
	ASSERT(f.id > 0);
	ASSERT_EQ_U64(f.nfields, 11);
	fl = tracefs_format__field(&f, "common_type");
	ASSERT(fl && fl->common && fl->offset == 0 && fl->size == 2 && !fl->is_signed);
	fl = tracefs_format__field(&f, "prev_comm");
	ASSERT(fl && !fl->common);
	ASSERT_STREQ(fl->type, "char[16]");
	ASSERT_EQ_U64(fl->array_len, 16);
	ASSERT_EQ_U64(fl->offset, 8);
	ASSERT_EQ_U64(fl->size, 16);
	fl = tracefs_format__field(&f, "prev_pid");
	ASSERT(fl && fl->offset == 24 && fl->size == 4 && fl->is_signed);
	ASSERT_STREQ(fl->type, "pid_t");
	fl = tracefs_format__field(&f, "prev_state");
	ASSERT(fl && fl->offset == 32 && fl->size == 8 && fl->is_signed);
	ASSERT_STREQ(fl->type, "long");
	fl = tracefs_format__field(&f, "next_pid");
	ASSERT(fl && fl->offset == 56 && fl->size == 4);
	ASSERT(tracefs_format__field(&f, "nope") == NULL);
	tracefs_format__release(&f);
}

TEST(test_tracefs__openat_pointer_and_unsigned_fields)
{
	struct tracefs_format f = { 0 };
	struct em_diag d = { 0 };
	const struct tracefs_field *fl;

	ASSERT(parse_file(FIX "syscalls_sys_enter_openat.format", &f, &d) == 0);
	ASSERT_STREQ(f.name, "sys_enter_openat");
	fl = tracefs_format__field(&f, "filename");
	ASSERT(fl && fl->offset == 24 && fl->size == 8 && !fl->is_signed);
	ASSERT_STREQ(fl->type, "const char *");
	fl = tracefs_format__field(&f, "__syscall_nr");
	ASSERT(fl && fl->offset == 8 && fl->size == 4 && fl->is_signed);
	tracefs_format__release(&f);
}

TEST(test_tracefs__data_loc_field)
{
	struct tracefs_format f = { 0 };
	struct em_diag d = { 0 };
	const struct tracefs_field *fl;

	ASSERT(parse_file(FIX "sched_sched_process_exec.format", &f, &d) == 0);
	fl = tracefs_format__field(&f, "filename");
	ASSERT(fl && fl->data_loc && fl->size == 4 && fl->offset == 8);
	ASSERT_STREQ(fl->type, "__data_loc char[]");
	ASSERT_EQ_U64(fl->array_len, 0);
	tracefs_format__release(&f);
}

TEST(test_tracefs__errors_name_file_and_line)
{
	struct tracefs_format f = { 0 };
	struct em_diag d = { 0 };

	ASSERT(parse_text("name: x\nID: 5\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n"
			  "\tfield:int b;\toffset:x;\tsize:4;\tsigned:1;\n", &f, &d) == -EM_E_BAD_INPUT);
	ASSERT_STREQ(d.path, "t.format");
	ASSERT_EQ_U64(d.line, 5);
	ASSERT(strstr(d.msg, "offset"));

	ASSERT(parse_text("name: x\nformat:\n\tfield:int;\toffset:0;\tsize:4;\n", &f, &d) ==
	       -EM_E_BAD_INPUT);
	ASSERT_EQ_U64(d.line, 3);
	ASSERT(strstr(d.msg, "type"));

	ASSERT(parse_text("name: x\nformat:\n\tfield:char a[zz];\toffset:0;\tsize:4;\n", &f, &d) ==
	       -EM_E_BAD_INPUT);
	ASSERT(strstr(d.msg, "array"));

	ASSERT(parse_text("name: x\nformat:\n\tfield:int a;\toffset:65530;\tsize:8;\n", &f, &d) ==
	       -EM_E_BAD_INPUT);
	ASSERT(strstr(d.msg, "past"));

	ASSERT(parse_text("name: x\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:2;\n", &f, &d) ==
	       -EM_E_BAD_INPUT);

	ASSERT(parse_text("name: x\nbogus line here\nformat:\n", &f, &d) == -EM_E_BAD_INPUT);
	ASSERT_EQ_U64(d.line, 2);
	ASSERT(strstr(d.msg, "bogus line"));

	ASSERT(parse_text("name: x\nID: 12\n", &f, &d) == -EM_E_BAD_INPUT);
	ASSERT(strstr(d.msg, "format:"));

	ASSERT(parse_text("\tfield:int a;\toffset:0;\tsize:4;\nformat:\n", &f, &d) == -EM_E_BAD_INPUT);
	ASSERT_EQ_U64(d.line, 1);
	tracefs_format__release(&f);
}

TEST(test_tracefs__old_format_without_signed_and_print_fmt_ignored)
{
	struct tracefs_format f = { 0 };
	struct em_diag d = { 0 };

	ASSERT(parse_text("name: old\r\nID: 7\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\n"
			  "\tfield:u64 __probe_ip;\toffset:8;\tsize:8;\n\n"
			  "print fmt: \"(%lx)\", REC->__probe_ip\ngarbage after print fmt\n", &f, &d) == 0);
	ASSERT_EQ_U64(f.id, 7);
	ASSERT_EQ_U64(f.nfields, 2);
	ASSERT(tracefs_format__field(&f, "__probe_ip")->offset == 8);
	tracefs_format__release(&f);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

TEST(test_tracefs__event_id_from_a_tree)
{
	char root[] = "/tmp/ember-tracefs-XXXXXX", p[512];
	struct tracefs t;
	struct em_diag d = { 0 };
	u32 id = 0;

	ASSERT(mkdtemp(root));
	tracefs__set_root(&t, root);
	snprintf(p, sizeof(p), "%s/events", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/events/sched", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/events/sched/sched_switch", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/events/sched/sched_switch/id", root);
	write_file(p, "372\n");
	ASSERT(tracefs__event_id(&t, "sched", "sched_switch", &id, &d) == 0);
	ASSERT_EQ_U64(id, 372);
	ASSERT(tracefs__event_id(&t, "sched", "sched_nope", &id, &d) == -ENOENT);
	ASSERT(strstr(d.path, "sched_nope/id"));
	ASSERT(tracefs__event_id(&t, "../etc", "x", &id, &d) == -EM_E_BAD_INPUT);
	write_file(p, "12abc\n");
	ASSERT(tracefs__event_id(&t, "sched", "sched_switch", &id, &d) == -EM_E_BAD_INPUT);
	ASSERT_EQ_U64(d.line, 1);
	unlink(p);
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	ASSERT(system(p) == 0);
}

TEST(test_tracefs__live_sched_switch_matches_fixture)
{
	struct tracefs t;
	struct tracefs_format f = { 0 };
	struct em_diag d = { 0 };
	u32 id = 0;

	/* root, or a tracefs readable by this user; otherwise nothing to compare */
	if (tracefs__find(&t, false, &d) || tracefs__event_id(&t, "sched", "sched_switch", &id, &d))
		return;
	ASSERT(tracefs__read_format(&t, "sched", "sched_switch", &f, &d) == 0);
	ASSERT_EQ_U64(f.id, id);
	ASSERT(tracefs_format__field(&f, "prev_state") != NULL);
	ASSERT(tracefs_format__field(&f, "next_pid") != NULL);
	tracefs_format__release(&f);
}

TEST(test_tracefs__field_values_from_a_raw_record)
{
	struct tracefs_format f = { 0 };
	struct em_diag d = { 0 };
	u8 raw[64] = { 0 };
	u64 v = 0;
	s64 neg = -5;
	int32_t pid = 4242;

	ASSERT(parse_file(FIX "sched_sched_switch.format", &f, &d) == 0);
	memcpy(raw + 32, &neg, 8);	/* prev_state */
	memcpy(raw + 24, &pid, 4);	/* prev_pid */
	raw[0] = 0x74;			/* common_type, 2 bytes */
	raw[1] = 0x01;
	ASSERT(tracefs_field__u64(tracefs_format__field(&f, "prev_state"), raw, sizeof(raw), &v));
	ASSERT_EQ_U64(v, (u64)-5);
	ASSERT(tracefs_field__u64(tracefs_format__field(&f, "prev_pid"), raw, sizeof(raw), &v));
	ASSERT_EQ_U64(v, 4242);
	ASSERT(tracefs_field__u64(tracefs_format__field(&f, "common_type"), raw, sizeof(raw), &v));
	ASSERT_EQ_U64(v, 0x174);
	/* a record too short for next_pid (offset 56, 4 bytes) */
	ASSERT(!tracefs_field__u64(tracefs_format__field(&f, "next_pid"), raw, 58, &v));
	/* prev_comm is 16 bytes: not an integer */
	ASSERT(!tracefs_field__u64(tracefs_format__field(&f, "prev_comm"), raw, sizeof(raw), &v));
	tracefs_format__release(&f);
}
