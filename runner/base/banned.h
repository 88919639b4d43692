/*
 * Functions that invite buffer overflows or hidden state.  Included by every
 * file in runner/ after the system headers, so using one is a build error.
 */
#ifndef LEAKCHECK_BANNED_H
#define LEAKCHECK_BANNED_H

#define LC_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) LC_BANNED(strcpy)
#undef strcat
#define strcat(x, y) LC_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) LC_BANNED(strncpy)
#undef sprintf
#define sprintf(...) LC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) LC_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) LC_BANNED(strtok)
#undef gets
#define gets(x) LC_BANNED(gets)

#endif
