import Core
import Foundation

/// Results tables (the layout of `ResultsTable`, from the Lua result tables) and JSON.
extension EvalModule {
    /// The results passed as arguments, or as one list.
    static func results(_ args: LuaArgs) throws -> [[String: LuaValue]] {
        guard args.count >= 1 else { throw args.typeError(1, expected: "table") }
        var items: [(Int, LuaValue)] = []
        if args.count == 1, let list = try args.checkTable(1).arrayValue {
            items = list.map { (1, $0) }
        } else {
            items = try (1...args.count).map { ($0, try args.checkTable($0)) }
        }
        return try items.enumerated().map { i, item in
            guard let fields = item.1.dictionaryValue, fields["task"]?.stringValue != nil else {
                throw args.error(item.0, "result of eval.run expected\(items.count > 1 ? " at [\(i + 1)]" : ""): a table with task=, method=, ...")
            }
            return fields
        }
    }

    /// One Markdown table per task, in order of appearance.
    static func markdown(_ results: [[String: LuaValue]]) throws -> String {
        var tasks: [String] = []
        for r in results { if let t = r["task"]?.stringValue, !tasks.contains(t) { tasks.append(t) } }
        var out = ""
        for task in tasks {
            let rows = results.filter { $0["task"]?.stringValue == task }
            out += "#### \(task) (n = \(rows.first?["n"]?.intValue ?? 0))\n\n"
            out += "| method | Reliability | Rel. (plain prompt) | Generalization | Locality | Neighbourhood | Portability | s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
            for r in rows {
                let cells = ["reliability", "reliability_plain", "generalization", "locality", "neighbourhood", "portability"].map { key in
                    r[key]?.doubleValue.map { String(format: "%.2f", $0) } ?? "–"
                }
                let seconds = r["seconds"]?.doubleValue.map { String(format: "%.0f", $0) } ?? "–"
                out += "| \(label(r)) | " + cells.joined(separator: " | ") + " | \(seconds) |\n"
            }
            out += "\n"
        }
        return out
    }

    /// The row label: the result's name, else its method and instruction setting.
    static func label(_ r: [String: LuaValue]) -> String {
        if let name = r["name"]?.stringValue { return name }
        let method = r["method"]?.stringValue ?? "?"
        guard r["instruct"]?.boolValue == true else { return method }
        return method + (r["unseen"]?.boolValue == true ? " (unseen instructions)" : " (instructions)")
    }

    /// JSON text of a Lua value (tables with string keys → objects, sequences → arrays).
    static func json(_ value: LuaValue, _ args: LuaArgs) throws -> String {
        func convert(_ v: LuaValue, _ path: String) throws -> Any {
            switch v {
            case .nil: return NSNull()
            case .bool(let b): return b
            case .int(let i): return i
            case .number(let d):
                guard d.isFinite else { throw args.error(1, "\(path) is \(d), which JSON cannot hold") }
                return d
            case .string(let s): return s
            case .array(let a): return try a.enumerated().map { try convert($1, "\(path)[\($0 + 1)]") }
            case .table:
                guard let d = v.dictionaryValue else { throw args.error(1, "\(path) mixes keys that are not strings; JSON objects need string keys") }
                var object: [String: Any] = [:]
                for (key, item) in d { object[key] = try convert(item, "\(path).\(key)") }
                return object
            case .object: throw args.error(1, "\(path) holds a userdata, which JSON cannot hold")
            }
        }
        let data = try JSONSerialization.data(withJSONObject: try convert(value, "the value"), options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
