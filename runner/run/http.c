/*
 * HTTP load over loopback with libcurl's multi interface (see http.h).
 *
 * The socket API (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION) lets the driver
 * keep one poll loop for the program's pipes, its control socket, its
 * pidfd and these connections.  One easy handle per concurrent request; a
 * finished handle is re-added for the next request of the batch, and the
 * multi handle's connection cache keeps the connections alive between
 * requests and between batches.
 */
#include "run/http.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

/*
 * libcurl is loaded when the http drive mode first needs it.  Linked in,
 * it brings its TLS, SSH, Kerberos and LDAP libraries (26 in all) into
 * every run of leakcheck, which costs about 5.5 MB of resident memory and
 * their start-up code even for `leakcheck summary`, for a mode that only
 * speaks plain HTTP to 127.0.0.1.
 */
static struct {
  void *lib;
  CURLcode (*global_init)(long);
  void (*global_cleanup)(void);
  struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
  void (*slist_free_all)(struct curl_slist *);
  CURLM *(*multi_init)(void);
  CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
  CURLMcode (*multi_add_handle)(CURLM *, CURL *);
  CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
  CURLMcode (*multi_cleanup)(CURLM *);
  CURLMsg *(*multi_info_read)(CURLM *, int *);
  CURLMcode (*multi_socket_action)(CURLM *, curl_socket_t, int, int *);
  const char *(*multi_strerror)(CURLMcode);
  CURL *(*easy_init)(void);
  CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
  void (*easy_cleanup)(CURL *);
  const char *(*easy_strerror)(CURLcode);
} cu;

/* Loads libcurl once; returns 0, or -1 with `err` set. */
static int
load_curl(struct lc_err *err)
{
  static const char *const sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};
  const struct {
    const char *name;
    void *slot; /* a function pointer in `cu` */
  } syms[] = {
      {"curl_global_init", &cu.global_init},
      {"curl_global_cleanup", &cu.global_cleanup},
      {"curl_slist_append", &cu.slist_append},
      {"curl_slist_free_all", &cu.slist_free_all},
      {"curl_multi_init", &cu.multi_init},
      {"curl_multi_setopt", &cu.multi_setopt},
      {"curl_multi_add_handle", &cu.multi_add_handle},
      {"curl_multi_remove_handle", &cu.multi_remove_handle},
      {"curl_multi_cleanup", &cu.multi_cleanup},
      {"curl_multi_info_read", &cu.multi_info_read},
      {"curl_multi_socket_action", &cu.multi_socket_action},
      {"curl_multi_strerror", &cu.multi_strerror},
      {"curl_easy_init", &cu.easy_init},
      {"curl_easy_setopt", &cu.easy_setopt},
      {"curl_easy_getinfo", &cu.easy_getinfo},
      {"curl_easy_cleanup", &cu.easy_cleanup},
      {"curl_easy_strerror", &cu.easy_strerror},
  };
  char *why = NULL;
  size_t i;
  void *lib = NULL;
  if (cu.lib)
    return 0;
  for (i = 0; i < sizeof(sonames) / sizeof(sonames[0]) && !lib; i++) {
    lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib && !why)
      why = lc_xstrdup(dlerror());
  }
  if (!lib) {
    lc_err_set(err, LC_ESYSTEM, NULL, 0, 0,
               "the http drive mode needs libcurl: %s; install the Debian "
               "package 'libcurl4'",
               why ? why : "not found");
    free(why);
    return -1;
  }
  free(why);
  for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
    void *f = dlsym(lib, syms[i].name);
    if (!f) {
      lc_err_set(err, LC_ESYSTEM, NULL, 0, 0,
                 "the libcurl found lacks %s; expected libcurl 7.x or 8.x",
                 syms[i].name);
      dlclose(lib);
      return -1;
    }
    /* POSIX lets a dlsym result be used as a function pointer. */
    memcpy(syms[i].slot, &f, sizeof(f));
  }
  cu.lib = lib;
  return 0;
}

#define CONNECT_TIMEOUT_MS 5000L
#define MAX_KINDS 8 /* distinct failure kinds kept; the rest are "other" */

struct sock {
  curl_socket_t fd;
  short events;
};

/* One kind of failure: an HTTP status (code 0) or a libcurl error. */
struct fail_kind {
  long status;
  CURLcode code;
  uint64_t n;
};

struct lc_http {
  const struct lc_http_drive *d;
  CURLM *multi;
  CURL **easy;
  unsigned char *in_multi; /* [concurrency]: the handle is added */
  unsigned neasy;
  struct curl_slist *headers;
  char *url;
  struct sock *socks;
  size_t nsocks, socks_alloc;
  uint64_t timer_at; /* UINT64_MAX: no timer */
  unsigned to_start; /* requests of the batch not started yet */
  unsigned in_flight;
  unsigned batch_done;
  uint64_t sent, ok;
  struct fail_kind kinds[MAX_KINDS];
  size_t nkinds;
  uint64_t other_failures;
};

static uint64_t
now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static size_t
discard(char *p, size_t size, size_t n, void *u)
{
  (void)p;
  (void)u;
  return size * n;
}

static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
  struct lc_http *h = userp;
  size_t i;
  (void)easy;
  (void)sockp;
  for (i = 0; i < h->nsocks; i++)
    if (h->socks[i].fd == fd)
      break;
  if (what == CURL_POLL_REMOVE) {
    if (i < h->nsocks)
      h->socks[i] = h->socks[--h->nsocks];
    return 0;
  }
  if (i == h->nsocks) {
    LC_ALLOC_GROW(h->socks, h->nsocks + 1, h->socks_alloc);
    h->nsocks++;
    h->socks[i].fd = fd;
  }
  h->socks[i].events = (short)(((what & CURL_POLL_IN) ? POLLIN : 0) |
                               ((what & CURL_POLL_OUT) ? POLLOUT : 0));
  return 0;
}

static int
on_timer(CURLM *multi, long timeout_ms, void *userp)
{
  struct lc_http *h = userp;
  (void)multi;
  h->timer_at = timeout_ms < 0 ? UINT64_MAX : now_ms() + (uint64_t)timeout_ms;
  return 0;
}

static int
setup_easy(struct lc_http *h, CURL *e)
{
  const struct lc_http_drive *d = h->d;
  CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                          \
  do {                                                                         \
    if (rc == CURLE_OK)                                                        \
      rc = cu.easy_setopt(e, opt, val);                                        \
  } while (0)
  SET(CURLOPT_URL, h->url);
  /* Loopback only: no proxy (whatever the environment says), no redirect,
   * plain http. */
  SET(CURLOPT_PROXY, "");
  SET(CURLOPT_NOPROXY, "*");
  SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
  SET(CURLOPT_PROTOCOLS_STR, "http");
#endif
  SET(CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V4);
  SET(CURLOPT_NOSIGNAL, 1L);
  SET(CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
  SET(CURLOPT_WRITEFUNCTION, discard);
  SET(CURLOPT_HTTPHEADER, h->headers);
  SET(CURLOPT_USERAGENT, "leakcheck");
  if (!strcmp(d->method, "POST")) {
    SET(CURLOPT_POST, 1L);
  } else if (strcmp(d->method, "GET")) {
    SET(CURLOPT_CUSTOMREQUEST, d->method);
  }
  if (d->body || !strcmp(d->method, "POST")) {
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(d->body ? d->body_len : 0));
    SET(CURLOPT_POSTFIELDS, d->body ? d->body : "");
  }
#undef SET
  return rc == CURLE_OK ? 0 : -1;
}

struct lc_http *
lc_http_new(const struct lc_http_drive *d, unsigned port, struct lc_err *err)
{
  struct lc_http *h;
  size_t i;
  if (load_curl(err) < 0)
    return NULL;
  if (cu.global_init(CURL_GLOBAL_NOTHING) != CURLE_OK) {
    lc_err_set(err, LC_ESYSTEM, NULL, 0, 0, "cannot initialise libcurl");
    return NULL;
  }
  h = lc_xcalloc(1, sizeof(*h));
  h->d = d;
  h->timer_at = UINT64_MAX;
  h->url = lc_xasprintf("http://127.0.0.1:%u%s", port, d->target);
  h->neasy = d->concurrency ? d->concurrency : 1;
  h->easy = lc_xcalloc(h->neasy, sizeof(*h->easy));
  h->in_multi = lc_xcalloc(h->neasy, 1);
  /* An empty "Expect:" stops curl from waiting for 100-continue. */
  h->headers = cu.slist_append(NULL, "Expect:");
  for (i = 0; h->headers && i < d->nheaders; i++) {
    struct curl_slist *n = cu.slist_append(h->headers, d->headers[i]);
    if (!n) {
      cu.slist_free_all(h->headers);
      h->headers = NULL;
    }
    h->headers = n;
  }
  h->multi = cu.multi_init();
  if (!h->multi || !h->headers)
    goto fail;
  if (cu.multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket) ||
      cu.multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h) ||
      cu.multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer) ||
      cu.multi_setopt(h->multi, CURLMOPT_TIMERDATA, h) ||
      cu.multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)h->neasy) ||
      cu.multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)h->neasy) ||
      cu.multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING))
    goto fail;
  for (i = 0; i < h->neasy; i++) {
    h->easy[i] = cu.easy_init();
    if (!h->easy[i] || setup_easy(h, h->easy[i]) < 0)
      goto fail;
  }
  return h;
fail:
  lc_http_free(h);
  lc_err_set(err, LC_ESYSTEM, NULL, 0, 0,
             "cannot set up libcurl for the HTTP requests");
  return NULL;
}

void
lc_http_free(struct lc_http *h)
{
  unsigned i;
  if (!h)
    return;
  for (i = 0; i < h->neasy; i++) {
    if (!h->easy[i])
      continue;
    if (h->in_multi[i])
      cu.multi_remove_handle(h->multi, h->easy[i]);
    cu.easy_cleanup(h->easy[i]);
  }
  if (h->multi)
    cu.multi_cleanup(h->multi);
  cu.slist_free_all(h->headers);
  free(h->easy);
  free(h->in_multi);
  free(h->socks);
  free(h->url);
  free(h);
  cu.global_cleanup();
}

/* Adds idle handles while the batch has requests left to start. */
static void
start_more(struct lc_http *h)
{
  unsigned i;
  for (i = 0; i < h->neasy && h->to_start; i++) {
    if (h->in_multi[i])
      continue;
    if (cu.multi_add_handle(h->multi, h->easy[i]) != CURLM_OK)
      break;
    h->in_multi[i] = 1;
    h->to_start--;
    h->in_flight++;
  }
}

void
lc_http_start(struct lc_http *h, unsigned n)
{
  h->to_start = n;
  h->batch_done = 0;
  start_more(h);
}

int
lc_http_busy(const struct lc_http *h)
{
  return h->to_start || h->in_flight;
}

void
lc_http_abort(struct lc_http *h)
{
  unsigned i;
  for (i = 0; i < h->neasy; i++)
    if (h->in_multi[i]) {
      cu.multi_remove_handle(h->multi, h->easy[i]);
      h->in_multi[i] = 0;
    }
  h->to_start = 0;
  h->in_flight = 0;
}

size_t
lc_http_pollfds(const struct lc_http *h, struct pollfd *pf, size_t max)
{
  size_t i, n = 0;
  for (i = 0; i < h->nsocks && n < max; i++) {
    pf[n].fd = h->socks[i].fd;
    pf[n].events = h->socks[i].events;
    pf[n].revents = 0;
    n++;
  }
  return n;
}

uint64_t
lc_http_wake_ms(const struct lc_http *h)
{
  return h->timer_at;
}

static void
count_failure(struct lc_http *h, long status, CURLcode code)
{
  size_t i;
  for (i = 0; i < h->nkinds; i++)
    if (h->kinds[i].status == status && h->kinds[i].code == code) {
      h->kinds[i].n++;
      return;
    }
  if (h->nkinds == MAX_KINDS) {
    h->other_failures++;
    return;
  }
  h->kinds[h->nkinds].status = status;
  h->kinds[h->nkinds].code = code;
  h->kinds[h->nkinds].n = 1;
  h->nkinds++;
}

/* Counts finished requests and re-adds their handles. */
static void
collect(struct lc_http *h)
{
  CURLMsg *m;
  int left;
  while ((m = cu.multi_info_read(h->multi, &left)) != NULL) {
    CURL *e = m->easy_handle;
    CURLcode code = m->data.result;
    long status = 0;
    unsigned i;
    if (m->msg != CURLMSG_DONE)
      continue;
    cu.easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    for (i = 0; i < h->neasy; i++)
      if (h->easy[i] == e)
        break;
    cu.multi_remove_handle(h->multi, e);
    if (i < h->neasy)
      h->in_multi[i] = 0;
    h->in_flight--;
    h->batch_done++;
    h->sent++;
    if (code == CURLE_OK && status >= 200 && status <= 299)
      h->ok++;
    else if (code == CURLE_OK)
      count_failure(h, status, CURLE_OK);
    else
      count_failure(h, 0, code);
  }
  start_more(h);
}

int
lc_http_perform(struct lc_http *h, struct pollfd *pf, size_t n,
                struct lc_err *err)
{
  size_t i;
  int running;
  CURLMcode mc;
  for (i = 0; i < n; i++) {
    int ev = 0;
    if (!pf[i].revents)
      continue;
    if (pf[i].revents & POLLIN)
      ev |= CURL_CSELECT_IN;
    if (pf[i].revents & POLLOUT)
      ev |= CURL_CSELECT_OUT;
    if (pf[i].revents & (POLLERR | POLLHUP | POLLNVAL))
      ev |= CURL_CSELECT_ERR;
    mc = cu.multi_socket_action(h->multi, pf[i].fd, ev, &running);
    if (mc != CURLM_OK)
      goto fail;
    collect(h);
  }
  if (h->timer_at != UINT64_MAX && now_ms() >= h->timer_at) {
    h->timer_at = UINT64_MAX;
    mc = cu.multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    if (mc != CURLM_OK)
      goto fail;
  }
  collect(h);
  return 0;
fail:
  return lc_err_set(err, LC_ESYSTEM, NULL, 0, 0,
                    "libcurl failed while sending requests: %s",
                    cu.multi_strerror(mc));
}

void
lc_http_counts(const struct lc_http *h, struct lc_http_counts *out)
{
  out->sent = h->sent;
  out->ok = h->ok;
  out->failed = h->sent - h->ok;
  out->batch_done = h->batch_done;
}

static int
kind_cmp(const void *pa, const void *pb)
{
  const struct fail_kind *a = pa, *b = pb;
  return a->n < b->n ? 1 : a->n > b->n ? -1 : 0;
}

/* libcurl's words for the failures a loopback server causes, lowercase. */
static const char *
code_words(CURLcode code)
{
  switch (code) {
  case CURLE_COULDNT_CONNECT:
    return "connection refused";
  case CURLE_GOT_NOTHING:
    return "connection closed without an answer";
  case CURLE_RECV_ERROR:
    return "connection reset while reading the answer";
  case CURLE_SEND_ERROR:
    return "connection reset while sending the request";
  case CURLE_OPERATION_TIMEDOUT:
    return "timed out";
  case CURLE_PARTIAL_FILE:
    return "answer cut short";
  case CURLE_WEIRD_SERVER_REPLY:
    return "not an HTTP answer";
  default:
    return cu.easy_strerror(code);
  }
}

void
lc_http_describe_failures(const struct lc_http *h, struct lc_buf *out)
{
  struct fail_kind sorted[MAX_KINDS];
  size_t i;
  memcpy(sorted, h->kinds, sizeof(sorted));
  qsort(sorted, h->nkinds, sizeof(sorted[0]), kind_cmp);
  for (i = 0; i < h->nkinds; i++) {
    lc_buf_addf(out, "%s%llu x ", i ? ", " : "",
                (unsigned long long)sorted[i].n);
    if (sorted[i].code == CURLE_OK)
      lc_buf_addf(out, "HTTP %ld", sorted[i].status);
    else
      lc_buf_addstr(out, code_words(sorted[i].code));
  }
  if (h->other_failures)
    lc_buf_addf(out, ", %llu x other", (unsigned long long)h->other_failures);
}

int
lc_http_probe(unsigned port, int wait_ms)
{
  struct sockaddr_in sa;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int ok = 0;
  if (fd < 0)
    return 0;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
    ok = 1;
  } else if (errno == EINPROGRESS) {
    struct pollfd pf = {fd, POLLOUT, 0};
    int e = 0;
    socklen_t len = sizeof(e);
    if (poll(&pf, 1, wait_ms) == 1 &&
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0)
      ok = 1;
  }
  close(fd);
  return ok;
}

int
lc_http_find_port(const char *text, size_t len, unsigned *port)
{
  static const char re_text[] =
      "(https?://(127\\.0\\.0\\.1|localhost):|listening on (port )?)"
      "([0-9]{1,5})";
  regex_t re;
  regmatch_t m[5];
  char *lines;
  const char *p, *nl;
  size_t end = len;
  int found = 0;

  while (end && text[end - 1] != '\n')
    end--;
  if (!end)
    return 0;
  lines = lc_xstrndup(text, end);
  if (regcomp(&re, re_text, REG_EXTENDED | REG_ICASE) != 0) {
    free(lines);
    return 0;
  }
  /* Line by line: a match never spans lines, and NUL bytes in the output
   * only hide the rest of their own line. */
  for (p = lines; !found && p < lines + end; p = nl + 1) {
    const char *s = p;
    nl = memchr(p, '\n', (size_t)(lines + end - p));
    lines[nl - lines] = '\0';
    while (!found && regexec(&re, s, 5, m, s == p ? 0 : REG_NOTBOL) == 0) {
      const char *d = s + m[4].rm_so;
      const char *after = s + m[4].rm_eo;
      unsigned long v = strtoul(d, NULL, 10);
      if ((*after < '0' || *after > '9') && v >= 1 && v <= 65535) {
        *port = (unsigned)v;
        found = 1;
      }
      s += m[0].rm_eo;
    }
  }
  regfree(&re);
  free(lines);
  return found;
}
