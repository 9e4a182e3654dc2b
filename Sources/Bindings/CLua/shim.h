#ifndef INSTRUCTEDIT_CLUA_SHIM_H
#define INSTRUCTEDIT_CLUA_SHIM_H
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

// Lua's function-like macros are invisible to Swift; these wrappers expose them.
static inline int ie_lua_pcall(lua_State *L, int n, int r, int f) { return lua_pcall(L, n, r, f); }
static inline void ie_lua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void ie_lua_newtable(lua_State *L) { lua_newtable(L); }
static inline const char *ie_lua_tostring(lua_State *L, int i) { return lua_tostring(L, i); }
static inline lua_Number ie_lua_tonumber(lua_State *L, int i) { return lua_tonumber(L, i); }
static inline lua_Integer ie_lua_tointeger(lua_State *L, int i) { return lua_tointeger(L, i); }
static inline int ie_lua_isnil(lua_State *L, int i) { return lua_isnil(L, i); }
static inline int ie_lua_isnoneornil(lua_State *L, int i) { return lua_isnoneornil(L, i); }
static inline int ie_lua_istable(lua_State *L, int i) { return lua_istable(L, i); }
static inline int ie_lua_isfunction(lua_State *L, int i) { return lua_isfunction(L, i); }
static inline void ie_lua_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline void ie_lua_register(lua_State *L, const char *n, lua_CFunction f) { lua_register(L, n, f); }
static inline void ie_lua_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void ie_lua_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void ie_lua_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline int ie_lua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void *ie_lua_newuserdata(lua_State *L, size_t s) { return lua_newuserdatauv(L, s, 1); }
static inline int ie_lua_getglobal(lua_State *L, const char *n) { return lua_getglobal(L, n); }
static inline void ie_lua_setglobal(lua_State *L, const char *n) { lua_setglobal(L, n); }
static inline int ie_luaL_getmetatable(lua_State *L, const char *n) { return luaL_getmetatable(L, n); }
static inline const char *ie_luaL_typename(lua_State *L, int i) { return luaL_typename(L, i); }
static inline int ie_luaL_dostring(lua_State *L, const char *s) { return luaL_dostring(L, s); }
static inline int ie_luaL_loadbuffer(lua_State *L, const char *b, size_t sz, const char *n) { return luaL_loadbuffer(L, b, sz, n); }
static inline int ie_lua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int ie_lua_yield_none(lua_State *L) { return lua_yield(L, 0); }

/// Swift functions called from Lua never raise Lua errors themselves (a longjmp through a Swift frame
/// is undefined). A Swift function returns one of these markers after pushing what it describes, and
/// the trampoline raises the error after Swift has returned:
/// IE_LUA_ERROR: the error value is on top of the stack; it is raised as is.
/// IE_LUA_ERROR_AT: a message string is on top; it is raised with the caller's position (luaL_error).
/// IE_LUA_ARGERROR: an integer argument number, then a message, are on top; raised as luaL_argerror
/// words it ("bad argument #2 to 'edit' (string expected, got nil)", counting `self` as Lua does).
#define IE_LUA_ERROR (-1)
#define IE_LUA_ERROR_AT (-2)
#define IE_LUA_ARGERROR (-3)
typedef int (*ie_swift_fn)(lua_State *L);
static inline int ie_trampoline(lua_State *L) {
    ie_swift_fn f = (ie_swift_fn)lua_touserdata(L, lua_upvalueindex(1));
    int n = f(L);
    switch (n) {
    case IE_LUA_ERROR:
        return lua_error(L);
    case IE_LUA_ERROR_AT:
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    case IE_LUA_ARGERROR:
        return luaL_argerror(L, (int)lua_tointeger(L, -2), lua_tostring(L, -1));
    default:
        return n;
    }
}
/// Pushes a C closure that calls the Swift function `f` through the trampoline.
static inline void ie_push_swift_function(lua_State *L, ie_swift_fn f) {
    lua_pushlightuserdata(L, (void *)f);
    lua_pushcclosure(L, ie_trampoline, 1);
}
/// Pushes a C closure that calls the Swift function `f` through the trampoline with `slot` as its
/// second upvalue, so one Swift entry point can serve many registered closures.
static inline void ie_push_swift_closure(lua_State *L, ie_swift_fn f, lua_Integer slot) {
    lua_pushlightuserdata(L, (void *)f);
    lua_pushinteger(L, slot);
    lua_pushcclosure(L, ie_trampoline, 2);
}
/// The per-thread extra space (one pointer) where a session keeps a pointer to itself.
static inline void **ie_lua_extraspace(lua_State *L) { return (void **)lua_getextraspace(L); }
static inline void ie_lua_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline int ie_lua_isnone(lua_State *L, int i) { return lua_isnone(L, i); }
/// luaL_tolstring may run a `__tostring` metamethod, which may raise; call this under a protected call.
static inline int ie_tostring(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}
static inline int ie_luaL_loadfile(lua_State *L, const char *path) { return luaL_loadfilex(L, path, NULL); }
static inline void ie_lua_clear_hook(lua_State *L) { lua_sethook(L, NULL, 0, 0); }
/// The interrupt hook: Ctrl-C sets a hook that raises an error in the running chunk at the next
/// instruction count, so a long loop stops and the session stays (lua.c's lstop).
static inline void ie_lstop(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}
static inline void ie_set_interrupt_hook(lua_State *L) {
    lua_sethook(L, ie_lstop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}
static inline int ie_msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}
#endif
