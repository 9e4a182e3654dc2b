/// STUB, to be replaced by the lead: `instructedit bench --json` prints benchmark figures as one JSON
/// object on stdout. Until then it reports that it is not built and exits 2.
enum BenchCommand {
    static func main(_ arguments: [String]) -> Int32 {
        Console.err(#"{"error":"bench not built yet"}"#)
        return 2
    }
}
