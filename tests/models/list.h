/* list.h — the models only the test build has, one X(NAME, a) line each.
 *
 * The tmodel build (tests/module.mk) appends these to MM_MODEL_LIST, to
 * prove that a model is one header plus one line: nothing else names it.
 */
#define MM_MODEL_LIST_EXTRA(X, a) X(nofree, a)
