#include <stdio.h>
#include <editline/readline.h>

// Swift 6 cannot assign libedit's global hooks and settings; these setters do it.

typedef char **ie_completion_fn(const char *text, int start, int end);

/// Installs the completion function and stops libedit from falling back to file names.
static inline void ie_rl_set_completion(ie_completion_fn *f) {
    rl_attempted_completion_function = f;
    rl_completion_append_character = '\0';
}
static inline void ie_rl_completion_over(void) { rl_attempted_completion_over = 1; }
/// Words for completion break at these, but not at '.' and ':', so "m:enc" is one word.
static inline void ie_rl_set_lua_word_breaks(void) {
    rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{}()[],+-*/%^~#";
}
/// Lets the application handle SIGINT itself (libedit would otherwise re-raise it).
static inline void ie_rl_set_catch_signals(int on) { rl_catch_signals = on; }
/// The name ~/.editrc settings apply to.
static inline void ie_rl_set_name(void) { rl_readline_name = "instructedit"; }

#include <poll.h>
#include <signal.h>
#include <sys/select.h>

/// Waits until `fd` has input, with `mask` as the signal mask while waiting (pselect: a signal blocked
/// before the call cannot slip in unnoticed). Returns poll's revents for `fd`, or -1 with errno set
/// (EINTR when a signal came).
static inline int ie_wait_for_input(int fd, const sigset_t *mask) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    if (pselect(fd + 1, &set, NULL, NULL, NULL, mask) < 0) return -1;
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, 0) < 0) return -1;
    return p.revents;
}
