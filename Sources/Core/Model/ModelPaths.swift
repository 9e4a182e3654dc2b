import Foundation

/// Where the default model lives, so `model.load()` finds it from any directory.
public enum ModelPaths {
    public static let defaultFileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// `$INSTRUCTEDIT_HOME`, else `~/.instructedit`: the folder Scripts/setup.sh installs into.
    public static var home: String {
        let env = ProcessInfo.processInfo.environment
        if let h = env["INSTRUCTEDIT_HOME"], !h.isEmpty { return h }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.instructedit"
    }

    /// `$INSTRUCTEDIT_MODEL` if set, else the file Scripts/setup.sh installs.
    public static var defaultModel: String {
        if let m = ProcessInfo.processInfo.environment["INSTRUCTEDIT_MODEL"], !m.isEmpty { return m }
        return home + "/models/" + defaultFileName
    }

    /// Which setting chose `defaultModel`, for messages: "INSTRUCTEDIT_MODEL", "INSTRUCTEDIT_HOME",
    /// or nil for the built-in ~/.instructedit.
    public static var defaultModelVariable: String? {
        let env = ProcessInfo.processInfo.environment
        for name in ["INSTRUCTEDIT_MODEL", "INSTRUCTEDIT_HOME"] where !(env[name] ?? "").isEmpty { return name }
        return nil
    }
}
