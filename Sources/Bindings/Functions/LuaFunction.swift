import Foundation
import CLua
import Core

/// A Swift function callable from Lua: it reads its arguments through `LuaArgs` and returns its
/// results. Anything it throws becomes a Lua error (catchable with `pcall`); a `LuaArgumentError` is
/// worded as Lua words bad arguments.
public typealias LuaFunction = (LuaArgs) throws -> [LuaValue]

/// A registered Swift closure. `.raw` bodies work on the stack directly and return their result count
/// (the session's own metamethods need to return Lua functions, which `LuaValue` cannot hold).
enum LuaFunctionSlot {
    case values(LuaFunction)
    case raw((LuaArgs) throws -> Int32)
}

/// A bad argument: raised as luaL_argerror does, "bad argument #2 to 'edit' (string expected, got nil)".
public struct LuaArgumentError: Error, CustomStringConvertible, Sendable {
    /// The argument's position on the Lua stack (self is 1 for methods; Lua's wording discounts it).
    public let argument: Int
    /// The part in parentheses: "string expected, got nil".
    public let message: String

    public init(argument: Int, _ message: String) {
        self.argument = argument
        self.message = message
    }

    public var description: String { "bad argument #\(argument) (\(message))" }
}

extension LuaSession {
    /// Pushes a Lua function that runs `slot` through the C trampoline.
    func pushFunction(_ slot: LuaFunctionSlot, state L: OpaquePointer) {
        functions.append(slot)
        ie_push_swift_closure(L, swiftFunctionEntry, lua_Integer(functions.count - 1))
    }

    /// Leaves `error` on the stack as the trampoline expects and returns its marker. The one place
    /// where Swift errors become Lua errors.
    func raise(_ error: any Error, state L: OpaquePointer) -> Int32 {
        _ = lua_checkstack(L, 3)
        let stack = LuaStack(state: L, session: self)
        switch error {
        case let error as LuaArgumentError:
            lua_pushinteger(L, lua_Integer(error.argument))
            stack.pushString(error.message)
            return IE_LUA_ARGERROR
        case let error as LuaError:
            // Already positioned by the Lua code that raised it; its traceback is the outer one's.
            stack.pushString(error.message)
            return IE_LUA_ERROR
        case is Interrupted:
            // Worded as the Lua hook words it (lua.c's "interrupted!"), whichever loop noticed first.
            stack.pushString("interrupted!")
            return IE_LUA_ERROR
        case let error as InstructEditError:
            stack.pushString(error.message)
            return IE_LUA_ERROR_AT
        default:
            // A Foundation error would print as "Error Domain=NSCocoaErrorDomain Code=… UserInfo={…}".
            stack.pushString((error as NSError).domain == NSCocoaErrorDomain || (error as NSError).domain == NSPOSIXErrorDomain
                             ? FileAccess.reason(error) : String(describing: error))
            return IE_LUA_ERROR_AT
        }
    }
}

/// The single C entry point of every Swift function: finds the closure by the slot in upvalue 2,
/// runs it, and turns a thrown error into a marker the trampoline raises after this returns.
private let swiftFunctionEntry: ie_swift_fn = { L in
    guard let L, let session = LuaSession.owning(L) else { return 0 }
    let index = Int(ie_lua_tointeger(L, ie_lua_upvalueindex(2)))
    guard session.functions.indices.contains(index) else {
        LuaStack(state: L, session: session).pushString("this function belongs to a closed session")
        return IE_LUA_ERROR_AT
    }
    let args = LuaArgs(state: L, session: session)
    do {
        switch session.functions[index] {
        case .values(let body):
            return try LuaStack(state: L, session: session).push(results: body(args))
        case .raw(let body):
            return try body(args)
        }
    } catch {
        return session.raise(error, state: L)
    }
}
