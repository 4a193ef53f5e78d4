/* test_prof_sym.c — naming addresses of this very process.
 *
 * psym_load lists the objects and reads no symbols; psym_read reads one
 * object's, once.  A static function of this file is found by name with
 * its source file; every object's symbols are sorted by address, carry
 * no symbol version, and its PLT stubs are 16-byte entries;
 * libc's malloc is found; an address in no object is in none. */
#include "runtime/probes/prof_sym.h"
#include "tests/support/test.h"

static struct psym_map map; /* large: not on the stack */

__attribute__((noinline)) static int probe_target(int x)
{
	return x * 3 + 1;
}

static int (*volatile target)(int) = probe_target;

static uintptr_t target_pc(void)
{
	return (uintptr_t)target + 1;
}

static const struct psym_object *exe(void)
{
	const struct psym_object *o = psym_object_of(&map, target_pc());
	assert_non_null(o);
	assert_string_equal(o->path, "");
	return o;
}

static int setup(void **state)
{
	(void)state;
	psym_load(&map);
	return map.n > 0 ? 0 : -1; /* the executable at least */
}

static int teardown(void **state)
{
	(void)state;
	psym_free(&map);
	return 0;
}

static void objects_listed_without_symbols(void **state)
{
	(void)state;
	assert_int_equal(target(1), 4);
	assert_true(map.n >= 2);
	for (unsigned i = 0; i < map.n; i++) {
		assert_false(map.obj[i].read);
		assert_int_equal(map.obj[i].nsym, 0);
		assert_true(map.obj[i].lo < map.obj[i].hi);
	}
	struct psym_hit h;
	psym_find(&map, target_pc(), &h);
	assert_non_null(h.object);
	assert_string_equal(h.object, "");
	assert_null(h.name);
	psym_find(&map, 1, &h);
	assert_null(h.object);
	assert_null(psym_object_of(&map, 1));
}

static void a_static_function_is_named_with_its_file(void **state)
{
	(void)state;
	const struct psym_object *o = exe();
	assert_int_equal(psym_read(&map, o), 0);
	size_t n = o->nsym;
	assert_true(n > 0);
	assert_int_equal(psym_read(&map, o), 0); /* once */
	assert_int_equal(o->nsym, n);
	struct psym_hit h;
	psym_find(&map, target_pc(), &h);
	assert_non_null(h.name);
	assert_string_equal(h.name, "probe_target");
	assert_non_null(h.file);
	assert_string_equal(h.file, "test_prof_sym.c");
	assert_null(h.before);
}

static void symbols_sorted_plain_and_plt_stubs_whole(void **state)
{
	(void)state;
	for (unsigned i = 0; i < map.n; i++) {
		const struct psym_object *o = &map.obj[i];
		assert_int_equal(psym_read(&map, o), 0);
		for (size_t k = 0; k < o->nsym; k++) {
			const struct psym *s = &o->sym[k];
			if (k > 0)
				assert_true(o->sym[k - 1].lo <= s->lo);
			assert_true(s->hi >= s->lo);
			if (s->name != NULL) {
				assert_true(s->name[0] != '\0');
				assert_null(strchr(s->name, '@'));
			}
			if (s->file != NULL && strcmp(s->file, PSYM_PLT_FILE) == 0)
				assert_int_equal(s->hi - s->lo, 16); /* unnamed: an IRELATIVE slot */
		}
	}
}

static void libc_malloc_is_found(void **state)
{
	(void)state;
	const struct psym_object *libc = NULL;
	for (unsigned i = 0; i < map.n && libc == NULL; i++) {
		const char *slash = strrchr(map.obj[i].path, '/');
		if (slash != NULL && strncmp(slash + 1, "libc.so", 7) == 0)
			libc = &map.obj[i];
	}
	assert_non_null(libc);
	assert_int_equal(psym_read(&map, libc), 0);
	const struct psym *malloc_sym = NULL;
	for (size_t k = 0; k < libc->nsym && malloc_sym == NULL; k++)
		if (libc->sym[k].name != NULL && strcmp(libc->sym[k].name, "malloc") == 0)
			malloc_sym = &libc->sym[k];
	assert_non_null(malloc_sym);
	struct psym_hit h;
	psym_find(&map, malloc_sym->lo, &h);
	assert_ptr_equal(h.object, libc->path);
	assert_non_null(h.name); /* malloc, or an alias of it */
	assert_null(strchr(h.name, '@'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(objects_listed_without_symbols),
		cmocka_unit_test(a_static_function_is_named_with_its_file),
		cmocka_unit_test(symbols_sorted_plain_and_plt_stubs_whole),
		cmocka_unit_test(libc_malloc_is_found),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
