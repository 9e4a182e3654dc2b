/// Text ↔ token ids. Byte-level BPE (from GGUF metadata or a Hugging Face tokenizer.json) is the
/// implementation; generation and evaluation see only this protocol.
public protocol Tokenizer: Sendable {
    /// Ids for `text`, special tokens (e.g. `<|im_start|>`) recognised; no BOS is added.
    func encode(_ text: String) -> [Int]
    /// The text of `ids`, exact inverse of `encode` on any UTF-8 string.
    func decode(_ ids: [Int]) -> String
    /// The vocabulary entry for `id` as stored (e.g. "Ġcapital"), for display.
    func tokenString(_ id: Int) -> String
    var vocabularySize: Int { get }
    var bosId: Int? { get }
    var eosId: Int? { get }
}
