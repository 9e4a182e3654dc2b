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
