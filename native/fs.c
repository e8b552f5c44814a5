/* Filesystem primitives Node.js lacks, for publishing folders atomically (src/io/rename.ts):
 * renameat2(2) with RENAME_NOREPLACE moves a staged folder to its final name only if nothing holds
 * that name (plain rename(2) silently replaces an empty folder), in one atomic step; with
 * RENAME_EXCHANGE it swaps two paths atomically (replacing a folder that must never be missing).
 * Errors carry the errno name as `code` ("EEXIST", "EINVAL" when the filesystem lacks the flag). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "args.h"
#include "fs.h"

#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#endif

static const char *errno_name(int error) {
  switch (error) {
    case EEXIST: return "EEXIST";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EROFS: return "EROFS";
    case ENOSPC: return "ENOSPC";
    case EDQUOT: return "EDQUOT";
    case EXDEV: return "EXDEV";
    case EBUSY: return "EBUSY";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EIO: return "EIO";
    default: return "EUNKNOWN";
  }
}

static int get_path(napi_env env, napi_value value, const char *fn, const char *name, char *out) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, out, PATH_MAX, &length) != napi_ok || length == 0 ||
      length >= PATH_MAX - 1) {
    char text[128];
    snprintf(text, sizeof text, "argument '%s' must be a non-empty path shorter than %d bytes", name, PATH_MAX);
    return throw_error(env, fn, text);
  }
  return 1;
}

static napi_value rename_with_flags(napi_env env, napi_callback_info info, unsigned flags, const char *fn) {
  napi_value argv[2];
  char from[PATH_MAX];
  char to[PATH_MAX];
  if (!get_args(env, info, 2, argv, fn) || !get_path(env, argv[0], fn, "from", from) ||
      !get_path(env, argv[1], fn, "to", to))
    return NULL;
#ifdef __linux__
  if (syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags) == 0) return undefined_value(env);
  int error = errno;
#else
  int error = ENOSYS;
#endif
  char text[PATH_MAX * 2 + 64];
  snprintf(text, sizeof text, "%s: %s, rename '%s' -> '%s'", errno_name(error), strerror(error), from, to);
  napi_throw_error(env, errno_name(error), text);
  return NULL;
}

napi_value js_rename_no_replace(napi_env env, napi_callback_info info) {
  return rename_with_flags(env, info, RENAME_NOREPLACE, JS_NAME(js_rename_no_replace));
}

napi_value js_rename_exchange(napi_env env, napi_callback_info info) {
  return rename_with_flags(env, info, RENAME_EXCHANGE, JS_NAME(js_rename_exchange));
}
